"""The pytest bridge of the ``notify_*`` hooks: implementations in a ``conftest.py``, in a module
given with ``-p``, in an installed package's entry point, and registered by a test, all reach the
session's fake; mistakes in them are reported before any test runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.plugin.conftest import MakeTestFile
from tests.test_hooks import write_distribution

# A conftest a team might write: one number always fails permanently (reference §6.2 lists
# permanent-failure among a text's final statuses).
FAILING_NUMBER_CONFTEST = """
    def notify_final_status(notification, default):
        if notification.type == "sms" and notification.normalised_to == "447700900456":
            return "permanent-failure"
        return None
    """


def test_a_conftest_forces_a_final_status_for_one_recipient(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    pytester.makeconftest(FAILING_NUMBER_CONFTEST)
    make_test_file(
        """
        @pytest.mark.notify_service(timings="instant")
        def test_that_number_fails(notify):
            template = notify.add_template("sms", "Hello")
            sent = client(notify, notify.live_key).send_sms_notification("07700 900456", template.id)
            client(notify, notify.live_key).send_sms_notification("07700 900123", template.id)
            assert [n.status for n in notify.notifications] == ["permanent-failure", "delivered"]
            fetched = client(notify, notify.live_key).get_notification_by_id(sent["id"])
            assert fetched["status"] == "permanent-failure"

        def test_it_comes_at_the_services_timings(notify):
            template = notify.add_template("sms", "Hello")
            client(notify, notify.live_key).send_sms_notification("07700 900456", template.id)
            notify.freeze_time()
            assert notify.notifications.only().status == "created"
            notify.advance(10)
            assert notify.notifications.only().status == "permanent-failure"

        def test_the_hook_wins_over_the_tests_own_outcome(notify):
            notify.set_outcome("temporary-failure", recipient="07700 900456")
            notify.set_timings("instant")
            template = notify.add_template("sms", "Hello")
            client(notify, notify.live_key).send_sms_notification("07700 900456", template.id)
            assert notify.notifications.only().status == "permanent-failure"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3)


def test_a_conftest_counts_accepted_and_refused_sends(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    pytester.makeconftest(
        """
        import pytest

        SENDS = {"accepted": [], "refused": [], "stored": []}

        def notify_send_accepted(notification):
            SENDS["accepted"].append(notification.to)

        def notify_notification_stored(notification):
            SENDS["stored"].append(notification.to)

        def notify_send_refused(notification_type, error):
            SENDS["refused"].append((notification_type, error.error, error.message))

        @pytest.fixture
        def sends():
            for found in SENDS.values():
                found.clear()
            return SENDS
        """
    )
    make_test_file(
        """
        def test_counts(notify, sends):
            template = notify.add_template("sms", "Hello")
            client(notify, notify.live_key).send_sms_notification("07700 900123", template.id)
            client(notify, notify.test_key).send_sms_notification("07700 900000", template.id)  # smoke test
            assert refused(client(notify, notify.team_key).send_sms_notification, "07700 900789", template.id) == (
                400,
                TEAM_KEY_ERROR,
            )
            assert refused(client(notify, notify.live_key).send_sms_notification, "07700 900123", str(uuid.uuid4())) == (
                400,
                "Template not found",
            )
            assert sends["accepted"] == ["07700 900123", "07700 900000"]
            assert sends["stored"] == ["07700 900123"]  # Notify never stores smoke-test sends (§5.2)
            assert sends["refused"] == [
                ("sms", "BadRequestError", TEAM_KEY_ERROR),
                ("sms", "BadRequestError", "Template not found"),
            ]

        def test_other_tests_start_from_nothing(notify, sends):
            assert sends == {"accepted": [], "refused": [], "stored": []}
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_a_conftest_shapes_each_new_service(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    pytester.makeconftest(
        """
        CREATED = []

        def notify_service_created(store, service):
            CREATED.append(service.id)
            service.guest_list.append("jo@example.com")
            store.add_template(service.id, "email", "Welcome", "Hello", name="Welcome email")
        """
    )
    make_test_file(
        """
        import conftest

        @pytest.mark.notify_service(trial_mode=True)
        def test_every_service_has_the_guest_and_the_template(notify):
            assert conftest.CREATED[-1] == notify.service.id
            [template] = [t for t in notify.service.templates.values() if t.name == "Welcome email"]
            sent = client(notify, notify.team_key).send_email_notification("jo@example.com", str(template.id))
            assert sent["content"]["subject"] == "Hello"

        def test_one_service_per_test(notify):
            assert conftest.CREATED.count(notify.service.id) == 1
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_a_plugin_given_with_p_and_a_render_hook(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    pytester.makepyfile(
        notify_shouting="""
        from pytest_notify import Rendered, hookimpl

        @hookimpl
        def notify_render(notification_type, default):
            if notification_type == "email":
                return Rendered(default.body.upper(), "[TEST] " + default.subject)
            return None
        """
    )
    make_test_file(
        """
        def test_rendered(notify):
            template = notify.add_template("email", "Hello ((name))", subject="Hi ((name))")
            sent = client(notify, notify.live_key).send_email_notification("jo@example.com", template.id, {"name": "Jo"})
            assert sent["content"] == {"body": "HELLO JO", "from_email": sent["content"]["from_email"], "one_click_unsubscribe_url": None, "subject": "[TEST] Hi Jo"}
            assert notify.notifications.only().body == "HELLO JO"

        def test_sms_untouched(notify):
            template = notify.add_template("sms", "Hello ((name))")
            sent = client(notify, notify.live_key).send_sms_notification("07700900123", template.id, {"name": "Jo"})
            assert sent["content"]["body"] == "Hello Jo"
        """
    )
    pytester.syspathinsert()
    pytester.runpytest("-p", "notify_shouting").assert_outcomes(passed=2)
    pytester.runpytest().assert_outcomes(passed=1, failed=1)  # without -p, Notify's rendering


def test_an_installed_packages_entry_point(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    """A real distribution in a directory on PYTHONPATH (a ``*.dist-info`` with ``entry_points.txt``),
    found by importlib.metadata in a subprocess, as ``pip install`` would leave it."""
    site = pytester.mkdir("site")
    write_distribution(
        site,
        "notify_ext_installed",
        """
        def notify_final_status(notification, default):
            if notification.type == "email" and notification.normalised_to.endswith("@bounce.example"):
                return "permanent-failure"
        """,
    )
    make_test_file(
        """
        @pytest.mark.notify_service(timings="instant")
        def test_bounces(notify):
            template = notify.add_template("email", "Hello", subject="Hi")
            client(notify, notify.live_key).send_email_notification("jo@bounce.example", template.id)
            client(notify, notify.live_key).send_email_notification("jo@example.com", template.id)
            assert [n.status for n in notify.notifications] == ["permanent-failure", "delivered"]
        """
    )
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    pytester._monkeypatch.setenv("PYTHONPATH", path)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_test_registers_a_plugin_for_itself(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        class AllFail:
            def notify_final_status(self, notification):
                return "technical-failure"

        @pytest.mark.notify_service(timings="instant")
        def test_with_plugin(notify, notify_hooks):
            notify_hooks.register(AllFail())
            template = notify.add_template("sms", "Hello")
            client(notify, notify.live_key).send_sms_notification("07700900123", template.id)
            assert notify.notifications.only().status == "technical-failure"

        @pytest.mark.notify_service(timings="instant")
        def test_without(notify, notify_hooks):
            template = notify.add_template("sms", "Hello")
            client(notify, notify.live_key).send_sms_notification("07700900123", template.id)
            assert notify.notifications.only().status == "delivered"
            assert not any(isinstance(p, AllFail) for p in notify_hooks.get_plugins())
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_conftest_hooks_apply_to_the_whole_session(pytester: pytest.Pytester) -> None:
    """The documented simplification: a conftest's hooks are not limited to its directory."""
    pytester.mkpydir("a").joinpath("conftest.py").write_text(
        "def notify_final_status(notification):\n    return 'technical-failure'\n"
    )
    pytester.mkpydir("b")
    test = """
import pytest
from notifications_python_client import NotificationsAPIClient

@pytest.mark.notify_service(timings="instant")
def test_fails(notify):
    template = notify.add_template("sms", "Hello")
    NotificationsAPIClient(notify.live_key, base_url=notify.base_url).send_sms_notification("07700900123", template.id)
    assert notify.notifications.only().status == "technical-failure"
"""
    Path(pytester.path, "a", "test_a.py").write_text(test)
    Path(pytester.path, "b", "test_b.py").write_text(test)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("conftest", "message"),
    [
        (
            "from pytest_notify import hookimpl\n\n@hookimpl\ndef notify_final_stats(notification):\n    pass\n",
            "*govuk-notify: *conftest.py: unknown hook 'notify_final_stats'*",
        ),
        (
            "def notify_send_refused(notification_type, errors):\n    pass\n",
            "*Argument(s) {'errors'} are declared in the hookimpl but can not be found in the hookspec*",
        ),
    ],
    ids=["unknown-hook", "unknown-argument"],
)
def test_mistakes_in_a_conftest_stop_the_run(
    pytester: pytest.Pytester, make_test_file: MakeTestFile, conftest: str, message: str
) -> None:
    pytester.makeconftest(conftest)
    make_test_file("def test_never_runs(notify):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_helpers_named_notify_something_are_not_hooks(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    pytester.makeconftest(
        """
        import pytest

        def notify_team(notify):
            notify.add_team_member(email="jo@example.com")

        @pytest.fixture
        def notify_client(notify):
            return notify
        """
    )
    make_test_file(
        """
        import conftest

        def test_helpers(notify, notify_client):
            conftest.notify_team(notify_client)
            assert notify.service.team_members[0].email_address == "jo@example.com"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_hook_that_raises_fails_its_test_at_teardown(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    pytester.makeconftest(
        """
        def notify_final_status(notification):
            return "lost-in-the-post"
        """
    )
    make_test_file(
        """
        def test_send(notify):
            template = notify.add_template("sms", "Hello")
            status, _ = refused(client(notify, notify.live_key).send_sms_notification, "07700900123", template.id)
            assert status == 500
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*final status chosen by an extension for sms *'lost-in-the-post' is not an outcome Notify gives text messages*"
        ]
    )


def test_a_service_created_hook_that_raises_is_named_not_blamed_on_a_marker(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    pytester.makeconftest(
        """
        def notify_service_created(service):
            raise ValueError("no services today")
        """
    )
    make_test_file("def test_send(notify):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*HookError: notify_service_created raised ValueError('no services today')*"])
    result.stdout.no_fnmatch_line("*@pytest.mark.notify_service*")


def test_conftest_hooks_under_xdist(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    pytester.makeconftest(FAILING_NUMBER_CONFTEST)
    make_test_file(
        "\n".join(
            f"""
@pytest.mark.notify_service(timings="instant")
def test_fails_{n}(notify):
    template = notify.add_template("sms", "Hello")
    client(notify, notify.live_key).send_sms_notification("07700 900456", template.id)
    assert notify.notifications.only().status == "permanent-failure"
"""
            for n in range(4)
        )
    )
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_no_govuk_notify_turns_the_hooks_off(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("def notify_final_status(notification):\n    return 'technical-failure'\n")
    pytester.makepyfile("def test_plain():\n    pass\n")
    pytester.runpytest("-p", "no:govuk_notify").assert_outcomes(passed=1)
