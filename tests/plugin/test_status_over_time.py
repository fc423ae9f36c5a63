"""The realistic default, the ``notify_timings`` ini option, the ``timings`` marker argument and
``wait_for``'s failure message, in inner pytest runs (which do not read this project's pyproject)."""

from __future__ import annotations

import pytest

from tests.plugin.conftest import MakeTestFile


def test_the_default_is_realistic_timings_on_the_clock(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        def test_sms(notify):
            assert notify.timings.mode == "clock"
            notify.freeze_time()
            template = notify.add_template("sms", "Hello")
            api = client(notify, notify.live_key)
            sent = api.send_sms_notification("07700900123", template.id)
            assert api.get_notification_by_id(sent["id"])["status"] == "created"
            notify.advance(0.5)
            assert api.get_notification_by_id(sent["id"])["status"] == "sending"
            notify.advance(2.5)
            assert api.get_notification_by_id(sent["id"])["status"] == "delivered"

        def test_letter_pdf_is_not_ready_at_once(notify):
            notify.freeze_time()
            template = notify.add_template("letter", "Hello", subject="Hi")
            api = client(notify, notify.live_key)
            sent = api.send_letter_notification(
                template.id, {"address_line_1": "Jo", "address_line_2": "1 Street", "postcode": "SW1A 1AA"}
            )
            with pytest.raises(HTTPError) as error:
                api.get_pdf_for_letter(sent["id"])
            assert error.value.message[0]["error"] == "PDFNotReadyError"
            notify.advance(3)
            assert api.get_pdf_for_letter(sent["id"]).read().startswith(b"%PDF-")

        def test_on_real_time_the_outcome_comes_within_the_default_wait(notify):
            template = notify.add_template("email", "Hello", subject="Hi")
            client(notify, notify.live_key).send_email_notification("jo@example.com", template.id)
            assert notify.notifications.only().status in ("created", "sending")
            assert notify.wait_for(status="delivered").to == "jo@example.com"
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_the_ini_option_and_the_marker(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    pytester.makeini("[pytest]\nnotify_timings = manual\n")
    make_test_file(
        """
        def test_from_the_ini(notify):
            assert notify.timings.mode == "manual"
            template = notify.add_template("sms", "Hello")
            sent = client(notify, notify.live_key).send_sms_notification("07700900123", template.id)
            notify.advance(days=1)
            assert notify.notifications.only().status == "created"
            assert notify.advance_status(sent, to="delivered").status == "delivered"

        @pytest.mark.notify_service(timings="instant")
        def test_the_marker_wins(notify):
            template = notify.add_template("sms", "Hello")
            client(notify, notify.test_key).send_sms_notification("07700900002", template.id)
            assert notify.notifications.only().status == "permanent-failure"

        @pytest.mark.notify_service(timings={"email": {"sending": 10, "final": 20}})
        def test_delays_per_channel(notify):
            assert notify.timings.mode == "clock"
            assert (notify.timings.delays("email").final, notify.timings.delays("sms").final) == (20, 3)
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_a_wrong_timings_argument_stops_the_test(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(timings="slow")
        def test_slow(notify):
            pass

        @pytest.mark.notify_service(timings={"sms": {"later": 1}})
        def test_later(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)  # one collection error for the module, naming each test
    # One line at a time: pytest-randomly may run the two tests in either order.
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.notify_service: timings: must be one of instant, clock, manual or a mapping of delays, "
            "not 'slow'",
        ]
    )
    result.stdout.fnmatch_lines(["*@pytest.mark.notify_service: timings: sms has no later; known: sending, final"])


def test_a_bad_ini_option_is_reported(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    pytester.makeini("[pytest]\nnotify_timings = sometimes\n")
    make_test_file(
        """
        def test_any(notify):
            pass
        """
    )
    result = pytester.runpytest()
    # Options are resolved once per session (pytest_notify/options.py): a bad one stops the run at start.
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*ini notify_timings: must be one of instant, clock, manual, got 'sometimes'"])


def test_wait_for_says_what_it_saw_instead(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        def test_waits(notify):
            notify.freeze_time()
            template = notify.add_template("sms", "Hello")
            client(notify, notify.live_key).send_sms_notification("07700900123", template.id)
            notify.wait_for(status="delivered", to="07700900123", timeout=0.2)

        @pytest.mark.notify_service(timings="manual")
        def test_waits_for_nothing(notify):
            notify.wait_for(lambda n: n.type == "letter", timeout=0)

        def test_unknown_field(notify):
            notify.wait_for(recipient="07700900123")
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=3)
    # WaitTimeout is an AssertionError, so pytest reports a failed test, not an error.
    result.stdout.fnmatch_lines(
        [
            "E *WaitTimeout: no notification matching status='delivered', to='07700900123' within 0.2 s; "
            "the service holds 1:",
            "E *- sms to '07700900123' (created, live key 'live_key'): 'Hello'",
            "E *the service clock is frozen at *: statuses move only with notify.advance(...)",
            "E *timings: clock (sms 0.5s/3s, email 0.5s/2s, letter pdf 3s, virus check 2s)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "E *WaitTimeout: no notification matching predicate within 0 s; the service holds 0:",
            "E *(nothing was sent)",
            "E *timings are manual: move sends on with notify.advance_status(id) or notify.advance_all()",
        ]
    )
    result.stdout.fnmatch_lines(["E *TypeError: wait_for: notifications have no recipient; they have body, *"])
