"""Faults from the ``notify_service`` marker: the accepted forms, isolation between tests, bad arguments."""

from __future__ import annotations

from collections.abc import Callable

import pytest

MakeTestFile = Callable[..., None]


def test_faults_from_the_marker(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        from notifications_python_client.errors import HTTP503Error

        from pytest_notify.faults import fault

        @pytest.mark.notify_service(
            faults=[fault("500", endpoint="send_sms", times=1), {"kind": "latency", "seconds": 0.01}, "503"]
        )
        def test_marked(notify):
            assert [rule.kind for rule in notify.fault_rules] == ["500", "latency", "503"]
            sms = notify.add_template("sms", "Hello")
            api = client(notify, notify.live_key)
            with pytest.raises(HTTPError) as caught:
                api.send_sms_notification("07700900123", sms.id)
            assert caught.value.status_code == 500
            # the 500 is spent; the latency rule now answers every request normally, a little late
            api.send_sms_notification("07700900123", sms.id)
            assert [(f.kind, f.endpoint) for f in notify.faulted_requests] == [
                ("500", "send_sms"), ("latency", "send_sms")
            ]

        def test_the_next_test_has_no_faults(notify):
            assert notify.fault_rules == [] and notify.faulted_requests == []
            client(notify, notify.live_key).get_all_templates()

        @pytest.mark.notify_service(faults=[fault("drop")])
        def test_drop(notify):
            with pytest.raises(HTTP503Error):
                client(notify, notify.live_key).get_all_templates()
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3)


def test_the_closest_marker_wins(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        pytestmark = pytest.mark.notify_service(faults=["500"], name="Module")

        def test_module_faults(notify):
            assert [r.kind for r in notify.fault_rules] == ["500"]

        @pytest.mark.notify_service(faults=[])
        def test_none_here(notify):
            assert notify.fault_rules == [] and notify.service.name == "Module"
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("faults", "problem"),
    [
        ('"500"', "faults must be a list of fault(...), kinds or dicts, got '500' (str)"),
        ('["502"]', "fault kind '502' is not one of 500, 503, 429, latency, drop, hang"),
        ('[{"kind": "500", "tmes": 2}]', "unknown fault option(s) tmes; a fault takes endpoint, recipient"),
        ('[{"endpoint": "send_sms"}]', "faults: each is fault(...), a kind (500, 503, 429, latency, drop, hang)"),
        ('[{"kind": "500", "endpoint": "send_text"}]', "unknown endpoint 'send_text'"),
        ('[{"kind": "hang", "seconds": 3600}]', "seconds must be a number above 0 and at most 600, not 3600"),
    ],
)
def test_bad_faults_are_usage_errors(
    pytester: pytest.Pytester, make_test_file: MakeTestFile, faults: str, problem: str
) -> None:
    make_test_file(
        f"""
        @pytest.mark.notify_service(faults={faults})
        def test_bad(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*@pytest.mark.notify_service: {pytest_escape(problem)}*"])


def test_fault_checks_its_arguments_when_the_module_is_collected(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        from pytest_notify.faults import fault

        @pytest.mark.notify_service(faults=[fault("500", times=0)])
        def test_bad(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ConfigurationError: times must be a whole number of requests, 1 or more, not 0*"])


def test_pytest_markers_lists_faults(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.notify_service(*faults=()*"])


def pytest_escape(text: str) -> str:
    """``text`` for fnmatch: brackets are character classes there."""
    return text.replace("[", "[[]")
