"""A failed assertion on ``notify.dashboard`` or ``notify.usage`` shows the report and the test-key sends.

Reference §5.3 (and Notify's docs, ``_api_keys.md``): test-key notifications do not appear on the
dashboard and do not count against allowances, so a test that expected them to gets told why.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.test_layers import imported_roots

MakeTestFile = Callable[..., None]


def test_a_wrong_dashboard_assertion_mentions_the_test_key_sends(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        def test_counts_test_key_sends(notify):
            template = notify.add_template("sms", "Hello")
            client(notify, notify.test_key).send_sms_notification("07700900123", template.id)
            client(notify, notify.test_key).send_sms_notification("07700900456", template.id)
            client(notify, notify.live_key).send_sms_notification("07700900789", template.id)
            assert notify.dashboard.sms.sent == 3
        """
    )
    result = pytester.runpytest("-o", "notify_timings=instant")  # the figures pinned are final statuses
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*assert 1 == 3",
            "*where 1 is notify.dashboard.sms.sent",
            "*Dashboard of service 'Test service *' for today (UK date *), statuses read at *:",
            "*sent  delivered  failed  in flight",
            "*text messages      1          1       0          0",
            "*emails             0          0       0          0",
            "*Not counted: 2 notifications sent with a test key today (UK date *) (2 text messages); "
            "test-key notifications never appear on the dashboard or count against allowances*",
        ]
    )


def test_a_wrong_usage_assertion_shows_the_usage_and_the_test_key_sends(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        import datetime as dt

        def test_counts_test_key_units(notify):
            notify.freeze_time().freeze(dt.datetime(2026, 5, 18, 9, 0, tzinfo=dt.timezone.utc))
            template = notify.add_template("sms", "a" * 161)
            client(notify, notify.test_key).send_sms_notification("07700900123", template.id)
            client(notify, notify.live_key).send_sms_notification("07700900789", template.id)
            assert notify.usage.sms.chargeable_units == 4
        """
    )
    result = pytester.runpytest("-o", "notify_timings=instant")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*assert 2 == 4",
            "*where 2 is notify.usage.sms.chargeable_units",
            "*Usage of service 'Test service *' in financial year 2026 to 2027 (organisation type central), "
            "statuses read at 2026-05-18 09:00:00 UTC:",
            "*emails sent: 0",
            # 161 characters are 2 fragments (§8.1); central's FY2026 allowance is 20,000 (§12).
            "*text messages: 1 sent, 2 chargeable units; free allowance 20000, used 2, remaining 19998; "
            "0 charged units cost £0.00",
            "*letters: 0 sent, cost £0.00",
            "*Not counted: 1 notification sent with a test key in financial year 2026 to 2027 (1 text message); "
            "test-key notifications never * count against allowances*",
        ]
    )


def test_without_test_key_sends_the_report_says_nothing_about_them(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        def test_wrong_count(notify):
            template = notify.add_template("email", "Hello", subject="Hi")
            client(notify, notify.live_key).send_email_notification("jo@example.com", template.id)
            assert notify.dashboard.last_7_days.email.delivered == 2
        """
    )
    result = pytester.runpytest("-o", "notify_timings=instant")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*where 1 is notify.dashboard.last_7_days.email.delivered", "*Dashboard of service * for the last 7 days*"]
    )
    result.stdout.no_fnmatch_line("*Not counted*")


def test_report_figures_are_plain_numbers_when_they_pass(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        import json

        def test_numbers(notify):
            template = notify.add_template("sms", "Hello")
            client(notify, notify.live_key).send_sms_notification("07700900789", template.id)
            sent = notify.dashboard.sms.sent
            assert sent == 1 and isinstance(sent, int) and sent + 1 == 2
            assert json.dumps({"sent": sent, "cost": notify.usage.sms.cost}) == '{"sent": 1, "cost": 0.0}'
            assert 1 == 1  # an ordinary comparison is left alone

        def test_ordinary_failures_are_not_explained(notify):
            assert [1] == [2]
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.no_fnmatch_line("*Dashboard of service*")


def test_the_reports_layer_never_imports_pytest() -> None:
    # reports.py and report_numbers.py are imported by fake.py and usable without pytest.
    package = Path(__file__).resolve().parents[2] / "pytest_notify"
    for name in ("reports.py", "report_numbers.py"):
        roots = imported_roots(package / name)
        assert not roots & {"pytest", "_pytest", "werkzeug", "jwt"}, name
        assert not {r for r in roots if r.startswith(("pytest_notify.plugin", "pytest_notify.fake"))}, name
