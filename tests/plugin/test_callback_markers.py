"""Callbacks set with the ``notify_service`` marker, and bad callback settings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

MakeTestFile = Callable[..., None]


def test_callbacks_from_the_marker(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        import socket

        from pytest_httpserver import HTTPServer


        def free_port():
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                return probe.getsockname()[1]


        PORT = free_port()


        @pytest.fixture
        def receiver():
            server = HTTPServer(host="127.0.0.1", port=PORT)
            server.expect_request("/status").respond_with_data("")
            server.expect_request("/inbound").respond_with_data("")
            server.start()
            yield server
            server.stop()


        @pytest.mark.notify_service(
            timings="instant",
            delivery_status_callback=(f"http://127.0.0.1:{PORT}/status", "status-token-1"),
            inbound_sms_callback={"url": f"http://127.0.0.1:{PORT}/inbound", "bearer_token": "inbound-token-2"},
        )
        def test_marker_callbacks(notify, receiver):
            sms = notify.add_template("sms", "Hi")
            sent = client(notify, notify.test_key).send_sms_notification("07700900002", sms.id)
            status = notify.wait_for_callback(kind="delivery_status")
            assert (status.id, status.status, status.response_status) == (sent["id"], "permanent-failure", 200)
            assert status.headers["Authorization"] == "Bearer status-token-1"
            notify.receive_sms("Hello")
            inbound = notify.wait_for_callback(kind="inbound_sms")
            assert (inbound.json["message"], inbound.response_status) == ("Hello", 200)
            assert inbound.headers["Authorization"] == "Bearer inbound-token-2"
            assert [request.path for request, _ in receiver.log] == ["/status", "/inbound"]


        @pytest.mark.notify_service(timings="instant")
        def test_no_callbacks_by_default(notify):
            sms = notify.add_template("sms", "Hi")
            client(notify, notify.test_key).send_sms_notification("07700900123", sms.id)
            notify.receive_sms("Hello")
            assert notify.callbacks == []
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"https://example.com/cb"', "delivery_status_callback must be a (url, bearer_token) pair or None, got 'https"),
        ('("ftp://example.com/cb", "token-1234")', "a callback URL must start with https://"),
        ('("https://example.com/cb", "")', "a callback needs a bearer token"),
    ],
)
def test_bad_callback_settings_stop_the_test(
    pytester: pytest.Pytester, make_test_file: MakeTestFile, value: str, message: str
) -> None:
    make_test_file(
        f"""
        @pytest.mark.notify_service(delivery_status_callback={value})
        def test_bad(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*@pytest.mark.notify_service: {message}*"])


def test_no_callback_reaches_a_receiver_after_its_test(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    # The first test ends while its callback is still in the receiver's handler; the plugin lets the
    # try finish before the fixtures are torn down, so httpserver's log is clean for the next test.
    make_test_file(
        """
        import threading
        import time

        from werkzeug.wrappers import Response

        entered = threading.Event()


        def slow(request):
            entered.set()
            time.sleep(0.3)
            return Response("")


        @pytest.mark.notify_service(timings="instant")
        def test_ends_with_a_callback_under_way(notify, httpserver):
            httpserver.expect_request("/status").respond_with_handler(slow)
            notify.set_delivery_status_callback(httpserver.url_for("/status"), "status-token-1")
            sms = notify.add_template("sms", "Hi")
            client(notify, notify.test_key).send_sms_notification("07700900123", sms.id)
            assert entered.wait(5)


        def test_next(httpserver):
            time.sleep(0.5)  # longer than the handler still had to run
            assert httpserver.log == []
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)
