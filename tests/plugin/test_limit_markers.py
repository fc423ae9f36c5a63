"""The limit arguments of the ``notify_service`` marker: accepted, stacked, listed and checked."""

from __future__ import annotations

from collections.abc import Callable

import pytest

MakeTestFile = Callable[..., None]

LIMIT_ARGUMENTS = ("rate_limit", "sms_limit", "email_limit", "letter_limit", "international_sms_limit")


def test_limit_arguments_set_the_service_limits(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        pytestmark = pytest.mark.notify_service(rate_limit=30, sms_limit=5)

        @pytest.mark.notify_service(sms_limit=2, email_limit=3, letter_limit=4, international_sms_limit=1)
        def test_limits(notify):
            limits = notify.limits
            assert (limits.rate_limit, limits.sms, limits.email, limits.letter, limits.international_sms) == (
                30, 2, 3, 4, 1
            )

        def test_module_marker_only(notify):
            assert (notify.limits.rate_limit, notify.limits.sms, notify.limits.email) == (30, 5, 250000)

        @pytest.mark.notify_service(trial_mode=True, email_limit=7)
        def test_trial_defaults_for_the_rest(notify):
            assert (notify.limits.sms, notify.limits.email, notify.limits.letter) == (5, 7, 50)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3)


@pytest.mark.parametrize("value", ["-1", "2.5", '"10"', "True"])
def test_a_bad_limit_is_a_usage_error(pytester: pytest.Pytester, make_test_file: MakeTestFile, value: str) -> None:
    make_test_file(
        f"""
        @pytest.mark.notify_service(sms_limit={value})
        def test_bad(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*notify_service: sms_limit must be a whole number of 0 or more*"])


def test_pytest_markers_names_the_limit_arguments(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    line = next(line for line in result.outlines if line.startswith("@pytest.mark.notify_service("))
    missing = [argument for argument in LIMIT_ARGUMENTS if f"{argument}=" not in line]
    assert missing == [], line
