"""The ``notify`` and ``notify_server`` fixtures, the report header and plugin loading, seen from a test run."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

import pytest_notify
from pytest_notify.server import NotifyServer

MakeTestFile = Callable[..., None]


def test_keys_have_notifys_format(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        def test_keys(notify):
            keys = [notify.test_key, notify.team_key, notify.live_key]
            for key in keys:
                assert isinstance(key, str)
                name, service_id, secret = key[:-74], key[-73:-37], key[-36:]
                assert key == f"{name}-{service_id}-{secret}"
                assert re.fullmatch(r"[a-z0-9_]+", name), key
                assert service_id == notify.service_id
                assert str(uuid.UUID(service_id)) == service_id
                assert str(uuid.UUID(secret)) == secret
            assert len({key[-36:] for key in keys}) == 3, "every key has its own secret"
            assert len(set(keys)) == 3

        def test_base_url(notify):
            assert not notify.base_url.endswith("/")
            url = urllib.parse.urlsplit(notify.base_url)
            assert url.scheme == "http"
            assert url.hostname == "127.0.0.1"
            assert url.port
            assert url.path == ""
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_official_client_sends_with_each_key(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        def test_send(notify):
            notify.add_team_member(email="jo@example.com", mobile="07700900123")
            sms = notify.add_template("sms", "Hello ((name))")
            email = notify.add_template("email", "Dear ((name))", subject="Hi ((name))")
            for key in (notify.test_key, notify.team_key, notify.live_key):
                api = client(notify, key)
                sent = api.send_sms_notification("07700900123", sms.id, personalisation={"name": "Jo"})
                assert sent["content"]["body"] == "Hello Jo"
                sent = api.send_email_notification("jo@example.com", email.id, personalisation={"name": "Jo"})
                assert sent["content"]["subject"] == "Hi Jo"
                assert api.get_notification_by_id(sent["id"])["id"] == sent["id"]
            assert [n.key_type for n in notify.notifications] == ["test", "test", "team", "team", "normal", "normal"]
            assert [n.type for n in notify.notifications] == ["sms", "email"] * 3
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_each_test_gets_a_fresh_service_and_the_last_ones_keys_stop_working(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        seen = {}

        def test_dirty(notify):
            notify.add_team_member(email="jo@example.com")
            notify.add_to_guest_list("07700900123")
            template = notify.add_template("sms", "Hello")
            client(notify, notify.live_key).send_sms_notification("07700900456", template.id)
            client(notify, notify.team_key).send_sms_notification("07700900123", template.id)
            assert len(notify.notifications) == 2
            seen.update(
                service_id=notify.service_id,
                keys={notify.test_key, notify.team_key, notify.live_key},
                template_id=template.id,
                base_url=notify.base_url,
            )

        def test_clean(notify):
            assert notify.service_id != seen["service_id"]
            assert not {notify.test_key, notify.team_key, notify.live_key} & seen["keys"]
            assert notify.base_url == seen["base_url"], "one server for the session"
            assert list(notify.notifications) == []
            assert client(notify, notify.live_key).get_all_notifications()["notifications"] == []
            assert client(notify, notify.test_key).get_all_notifications()["notifications"] == []
            # the team member and guest of the last test are nobody here
            template = notify.add_template("sms", "Hello")
            assert refused(
                client(notify, notify.team_key).send_sms_notification, "07700900123", template.id
            ) == (400, TEAM_KEY_ERROR)
            refused_email = notify.add_template("email", "Hello", subject="Hi")
            assert refused(
                client(notify, notify.team_key).send_email_notification, "jo@example.com", refused_email.id
            ) == (400, TEAM_KEY_ERROR)
            # the last test's template is not this service's
            assert refused(
                client(notify, notify.live_key).send_sms_notification, "07700900456", seen["template_id"]
            ) == (400, "Template not found")
            # and the last test's service is gone from the server
            for key in seen["keys"]:
                stale = NotificationsAPIClient(key, base_url=notify.base_url)
                assert refused(stale.get_all_notifications) == (403, SERVICE_NOT_FOUND)
                assert refused(stale.send_sms_notification, "07700900456", template.id) == (403, SERVICE_NOT_FOUND)
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_service_is_removed_from_the_store_at_teardown(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        ids = []

        # Either test may run first (pytest-randomly shuffles them): each checks the one before it.
        def check(notify, notify_server):
            assert notify_server.store.find_service(notify.service.id) is notify.service
            assert [notify_server.store.find_service(earlier) for earlier in ids] == [None] * len(ids)
            assert [s.id for s in notify_server.store.services()] == [notify.service.id]
            ids.append(notify.service.id)

        def test_one(notify, notify_server):
            check(notify, notify_server)

        def test_two(notify, notify_server):
            check(notify, notify_server)
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_a_server_error_while_answering_fails_the_test_at_teardown(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        def test_boom(notify, monkeypatch):
            def boom(*args, **kwargs):
                raise RuntimeError("kaboom")

            monkeypatch.setattr(notify.store, "send", boom)
            template = notify.add_template("sms", "Hello")
            status, message = refused(client(notify, notify.live_key).send_sms_notification, "07700900456", template.id)
            assert (status, message) == (500, "Internal server error")

        def test_after(notify):
            template = notify.add_template("sms", "Hello")
            client(notify, notify.live_key).send_sms_notification("07700900456", template.id)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_boom*",
            "*the fake Notify server failed while answering POST /v2/notifications/sms*RuntimeError*kaboom*",
        ]
    )


def test_xdist_workers_each_see_only_their_own_notifications(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        @pytest.mark.parametrize("n", range(8))
        def test_send(notify, n):
            template = notify.add_template("sms", "Message ((n))")
            api = client(notify, notify.live_key)
            number = f"07700900{300 + n}"
            sent = api.send_sms_notification(number, template.id, personalisation={"n": n}, reference=f"ref-{n}")
            assert notify.notifications.only().to == number
            assert notify.notifications.only().body == f"Message {n}"
            listed = api.get_all_notifications()["notifications"]
            assert [x["id"] for x in listed] == [sent["id"]]
            assert listed[0]["reference"] == f"ref-{n}"
        """
    )
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(["*2 workers*"])


def test_the_report_header_names_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines([f"govuk-notify fake: pytest-govuk-notify {pytest_notify.__version__}"])
    result.assert_outcomes(passed=1)


def test_no_govuk_notify_disables_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_uses_notify(notify):
            pass

        def test_plain():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:govuk_notify")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*fixture 'notify' not found*"])
    result.stdout.no_fnmatch_line("*govuk-notify fake*")


def test_the_server_is_not_started_when_no_test_asks_for_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="""
        def test_one():
            pass

        def test_two(tmp_path):
            pass
        """
    )
    result = pytester.runpytest("--setup-show")
    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line("*notify_server*")
    result.stdout.no_fnmatch_line("*SETUP*notify*")


def test_the_server_is_started_once_for_the_session(pytester: pytest.Pytester) -> None:
    # The counterpart of the last test: with --setup-show, a session fixture shows as "SETUP    S".
    pytester.makepyfile(
        test_uses="""
        def test_one(notify):
            pass

        def test_two(notify):
            pass

        def test_plain():
            pass
        """
    )
    result = pytester.runpytest("--setup-show")
    result.assert_outcomes(passed=3)
    assert len([line for line in result.outlines if "SETUP    S notify_server" in line]) == 1
    assert len([line for line in result.outlines if "SETUP    F notify" in line]) == 2


def test_stopping_the_server_is_quick() -> None:
    # Every session (and every xdist worker) that used ``notify`` stops the server once. werkzeug's
    # serve_forever() polls for shutdown every 0.5 s by default, so the stop can add up to half a second
    # to each run; a handful of pytester runs of a plugin user's suite pay it every time.
    server = NotifyServer()
    server.start()
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 0.2
