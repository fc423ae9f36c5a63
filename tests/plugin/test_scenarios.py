"""The ``notify_scenario`` marker: every scenario and its parameters, how scenarios combine with each
other and with ``notify_service``, bad scenario markers, and selecting scenario tests with ``-m``."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_notify.scenarios import SCENARIOS

MakeTestFile = Callable[..., None]

# Notify's messages, from the shared reference (§7 limits, §13 permissions, §3.1 international numbers).
RATE_LIMIT = "Exceeded rate limit for key type {} of {} requests per 60 seconds"
NO_LETTERS = "Service is not allowed to send letters"
NO_INTERNATIONAL = "Cannot send to international mobile numbers"


def test_trial_service(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_scenario("trial_service")
        @pytest.mark.notify_service(team_members=["jo@example.com"])
        def test_trial(notify):
            assert notify.trial_mode and notify.live_key is None
            assert (notify.limits.sms, notify.limits.email) == (50, 50)  # reference §7.2: a trial service's
            email = notify.add_template("email", "Hello", subject="Hi")
            team = client(notify, notify.team_key)
            team.send_email_notification("jo@example.com", email.id)
            assert refused(team.send_email_notification, "someone@example.com", email.id) == (400, TEAM_KEY_ERROR)
            assert dict(notify.scenarios) == {"trial_service": {}}
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_team_key_only(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_scenario("team_key_only")
        @pytest.mark.notify_service(guest_list=["07700900123"])
        def test_team_key_only(notify):
            assert notify.live_key is None and not notify.trial_mode  # a live service
            sms = notify.add_template("sms", "Hi")
            team = client(notify, notify.team_key)
            team.send_sms_notification("07700900123", sms.id)
            assert refused(team.send_sms_notification, "07700900456", sms.id) == (400, TEAM_KEY_ERROR)
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_rate_limited(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    # The bucket holds ceil(limit / 3) + 1 tokens and a request needs one left after taking its own
    # (reference §7.1): limit=1 lets one send through, limit=6 two.
    make_test_file(
        f"""
        def sends_until_refused(notify, key):
            sms = notify.add_template("sms", "Hi")
            api = client(notify, key)
            for count in range(10):
                try:
                    api.send_sms_notification("07700900123", sms.id)
                except HTTPError as error:
                    return count, error.status_code, error.message[0]
            return 10, None, None

        @pytest.mark.notify_scenario("rate_limited")
        def test_default(notify):
            assert notify.limits.rate_limit == 1
            assert sends_until_refused(notify, notify.live_key) == (
                1, 429, {{"error": "RateLimitError", "message": "{RATE_LIMIT.format("LIVE", 1)}"}}
            )
            # each key type has its own bucket
            assert sends_until_refused(notify, notify.test_key)[:2] == (1, 429)

        @pytest.mark.notify_scenario("rate_limited", limit=6)
        def test_limit(notify):
            assert sends_until_refused(notify, notify.live_key)[:2] == (2, 429)
            notify.advance(60)  # the bucket refills on the service clock
            client(notify, notify.live_key).send_sms_notification("07700900123", notify.add_template("sms", "x").id)
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_daily_limit_reached(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_scenario("daily_limit_reached")
        def test_sms_by_default(notify):
            assert notify.limits.sent_today["sms"] == notify.limits.sms == 250000  # a live service's limit
            sms = notify.add_template("sms", "Hi")
            live = client(notify, notify.live_key)
            assert refused(live.send_sms_notification, "07700900123", sms.id) == (
                429, "Exceeded send limits (sms: 250000) for today"
            )
            client(notify, notify.test_key).send_sms_notification("07700900123", sms.id)  # never counted
            live.send_email_notification("jo@example.com", notify.add_template("email", "Hi", subject="Hi").id)
            notify.advance(days=1)
            live.send_sms_notification("07700900123", sms.id)

        @pytest.mark.notify_scenario("trial_service")
        @pytest.mark.notify_scenario("daily_limit_reached", channel="email")
        @pytest.mark.notify_service(guest_list=["jo@example.com"])
        def test_the_trial_limit(notify):
            email = notify.add_template("email", "Hi", subject="Hi")
            assert refused(client(notify, notify.team_key).send_email_notification, "jo@example.com", email.id) == (
                429, "Exceeded send limits (email: 50) for today"
            )

        @pytest.mark.notify_scenario("daily_limit_reached", channel="international_sms", limit=3)
        def test_a_given_limit(notify):
            assert (notify.limits.international_sms, notify.limits.sent_today["international_sms"]) == (3, 3)
            sms = notify.add_template("sms", "Hi")
            live = client(notify, notify.live_key)
            live.send_sms_notification("07700900123", sms.id)
            assert refused(live.send_sms_notification, "+33 6 12 34 56 78", sms.id) == (
                429, "Exceeded send limits (international_sms: 3) for today"
            )

        @pytest.mark.notify_scenario("daily_limit_reached", channel="letter")
        @pytest.mark.notify_service(letter_limit=7)
        def test_the_markers_limit(notify):
            assert (notify.limits.letter, notify.limits.sent_today["letter"]) == (7, 7)

        @pytest.mark.notify_scenario("daily_limit_reached")
        @pytest.mark.notify_scenario("trial_service")
        def test_in_any_order_with_trial_service(notify):
            assert (notify.limits.sms, notify.limits.sent_today["sms"]) == (50, 50)
        """
    )
    pytester.runpytest().assert_outcomes(passed=5)


def test_letters_and_international_sms_not_allowed(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        f"""
        ADDRESS = {{"address_line_1": "Jo Smith", "address_line_2": "1 High Street", "address_line_3": "SW1A 1AA"}}

        @pytest.mark.notify_scenario("letters_not_allowed")
        def test_letters(notify):
            assert "letter" not in notify.service.permissions and "international_sms" in notify.service.permissions
            letter = notify.add_template("letter", "Hello", subject="Hi")
            api = client(notify, notify.live_key)
            assert refused(api.send_letter_notification, letter.id, ADDRESS) == (400, "{NO_LETTERS}")
            api.send_sms_notification("+33 6 12 34 56 78", notify.add_template("sms", "Hi").id)

        @pytest.mark.notify_scenario("international_sms_not_allowed")
        def test_international(notify):
            sms = notify.add_template("sms", "Hi")
            api = client(notify, notify.live_key)
            api.send_sms_notification("07700900123", sms.id)
            assert refused(api.send_sms_notification, "+33 6 12 34 56 78", sms.id) == (400, "{NO_INTERNATIONAL}")

        @pytest.mark.notify_scenario("letters_not_allowed")
        @pytest.mark.notify_scenario("international_sms_not_allowed")
        def test_both(notify):
            assert notify.service.permissions == {{"sms", "email", "upload_letters", "international_letters"}}
        """
    )
    make_test_file(
        """
        pytestmark = pytest.mark.notify_service(permissions=["sms", "letter"])

        @pytest.mark.notify_scenario("letters_not_allowed")
        def test_from_the_permissions_given(notify):
            # the module gave sms and letter; the test's scenario takes letter out of those
            assert notify.service.permissions == {"sms"}
        """,
        name="test_given_permissions",
    )
    pytester.runpytest().assert_outcomes(passed=4)


def test_every_sms_fails(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_scenario("every_sms_fails")
        @pytest.mark.notify_service(timings="instant")
        def test_default(notify):
            api = client(notify, notify.live_key)
            api.send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
            client(notify, notify.test_key).send_sms_notification("07700900456", notify.add_template("sms", "Hi").id)
            api.send_email_notification("jo@example.com", notify.add_template("email", "Hi", subject="Hi").id)
            assert [(n.type, n.key_type, n.status) for n in notify.notifications] == [
                ("sms", "normal", "permanent-failure"),
                ("sms", "test", "permanent-failure"),
                ("email", "normal", "delivered"),
            ]

        @pytest.mark.notify_scenario("every_sms_fails", status="technical-failure")
        def test_status_on_the_clock(notify):
            sent = client(notify, notify.live_key).send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
            notify.advance(600)
            assert client(notify, notify.live_key).get_notification_by_id(sent["id"])["status"] == "technical-failure"
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_provider_outage(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_scenario("provider_outage")
        def test_500(notify):
            sms = notify.add_template("sms", "Hi")
            api = client(notify, notify.live_key)
            assert refused(api.send_sms_notification, "07700900123", sms.id) == (500, "Internal server error")
            api.get_all_notifications()  # only sends fail
            assert notify.notifications == []

        @pytest.mark.notify_scenario("provider_outage", status=503, times=1)
        def test_503_once(notify):
            sms = notify.add_template("sms", "Hi")
            api = client(notify, notify.live_key)
            with pytest.raises(HTTPError) as failed:
                api.send_sms_notification("07700900123", sms.id)
            assert failed.value.status_code == 503
            api.send_sms_notification("07700900123", sms.id)
            assert [(r.kind, r.endpoint) for r in notify.faulted_requests] == [("503", "send_sms")]
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_slow_api(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_scenario("slow_api")
        def test_default(notify):
            assert [(r.kind, r.seconds) for r in notify.fault_rules] == [("latency", 1.0)]
            assert notify.scenarios["slow_api"] == {"seconds": 1.0, "endpoint": None}

        @pytest.mark.notify_scenario("slow_api", seconds=0.05, endpoint="send_sms")
        def test_one_endpoint(notify):
            api = client(notify, notify.live_key)
            sent = api.send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
            api.get_notification_by_id(sent["id"])
            assert [(r.kind, r.endpoint) for r in notify.faulted_requests] == [("latency", "send_sms")]
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_callbacks_failing(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        from pytest_notify.scenarios import CALLBACKS_FAILING_URL

        @pytest.mark.notify_scenario("callbacks_failing")
        @pytest.mark.notify_service(timings="instant")
        def test_refused(notify):
            sent = client(notify, notify.live_key).send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
            first = notify.wait_for_callback(attempt=1)
            assert (first.url, first.id, first.response_status) == (CALLBACKS_FAILING_URL, sent["id"], None)
            assert first.error.startswith("ConnectionRefusedError")

        @pytest.mark.notify_scenario("callbacks_failing", status=502, times=2)
        @pytest.mark.notify_service(timings="instant", delivery_status_callback=("https://example.com/cb", "token-12345"))
        def test_the_services_own_callback(notify):
            client(notify, notify.live_key).send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
            notify.wait_for_callback(attempt=1)
            notify.advance(300)
            assert [(a.url, a.response_status) for a in notify.callbacks] == [("https://example.com/cb", 502)] * 2
            assert notify.scenarios["callbacks_failing"] == {"status": 502, "times": 2}
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_every_scenario_is_tested_and_documented() -> None:
    tested = set(re.findall(r'notify_scenario\("(\w+)"', Path(__file__).read_text(encoding="utf-8")))
    assert tested >= set(SCENARIOS)
    page = (Path(__file__).resolve().parents[2] / "docs" / "markers-and-scenarios.md").read_text(encoding="utf-8")
    for name, scenario in SCENARIOS.items():
        parameters = ", ".join(f"`{k}={v!r}`" for k, v in scenario.defaults.items())
        row = f"| `{name}` | {parameters} |" if parameters else f"| `{name}` | |"
        assert row in page, f"the docs table does not show {name}({parameters})"
        assert re.search(rf"^### .*`{name}`", page, re.M), f"the docs have no section on {name}"
        assert inspect.getdoc(scenario.function)


# -- combining -----------------------------------------------------------------------------------


def test_scenarios_and_notify_service_stack_layer_by_layer(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        pytestmark = [pytest.mark.notify_scenario("trial_service"), pytest.mark.notify_scenario("rate_limited", limit=10)]

        def test_module_scenarios(notify):
            assert notify.trial_mode and notify.limits.rate_limit == 10
            assert set(notify.scenarios) == {"trial_service", "rate_limited"}

        @pytest.mark.notify_service(trial_mode=False)
        def test_a_closer_notify_service_wins(notify):
            assert not notify.trial_mode and notify.live_key is not None

        @pytest.mark.notify_scenario("rate_limited", limit=1)
        def test_a_scenario_again_takes_the_closest_parameters(notify):
            assert notify.limits.rate_limit == 1
            assert list(notify.scenarios.items()) == [("trial_service", {}), ("rate_limited", {"limit": 1})]

        @pytest.mark.notify_scenario("rate_limited", limit=5)
        @pytest.mark.notify_service(rate_limit=20)
        def test_at_one_layer_notify_service_comes_after(notify):
            assert notify.limits.rate_limit == 20

        @pytest.mark.notify_scenario("provider_outage", times=1)
        @pytest.mark.notify_scenario("slow_api", seconds=0.01)
        def test_faults_add_up_in_order(notify):
            assert [r.kind for r in notify.fault_rules] == ["500", "latency"]

        class TestClass:
            pytestmark = pytest.mark.notify_scenario("team_key_only")

            def test_class_scenario(self, notify):
                # The class layer comes after the module's.
                assert list(notify.scenarios)[2:] == ["team_key_only"] and len(notify.scenarios) == 3

        @pytest.mark.parametrize("n", [pytest.param(1, marks=pytest.mark.notify_scenario("letters_not_allowed")), 2])
        def test_param_marks(notify, n):
            assert ("letters_not_allowed" in notify.scenarios) is (n == 1)

        def test_notify_scenarios_is_read_only(notify):
            with pytest.raises(TypeError):
                notify.scenarios["x"] = {}
        """
    )
    pytester.runpytest().assert_outcomes(passed=9)


def test_no_scenario(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        def test_plain(notify):
            assert dict(notify.scenarios) == {}
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


# -- bad scenario markers ------------------------------------------------------------------------

BAD_SCENARIOS = [
    ('"trial_servce"', "unknown scenario 'trial_servce'; known: trial_service, team_key_only, rate_limited, *"),
    ("", "needs a scenario name first, e.g. notify_scenario('trial_service')"),
    ("5", "unknown scenario 5; known: trial_service, *"),
    ('"rate_limited", 5', "takes one scenario name, then keyword parameters; got positional ('rate_limited', 5)"),
    (
        '"rate_limited", limt=5',
        "notify_scenario('rate_limited'): unknown argument 'limt' (did you mean 'limit'?); it takes limit",
    ),
    (
        '"rate_limited", limit="5"',
        "notify_scenario('rate_limited'): limit must be a whole number of 0 or more, got '5'*",
    ),
    ('"trial_service", limit=5', "notify_scenario('trial_service'): unknown argument 'limit'; it takes no arguments"),
    (
        '"every_sms_fails", status="delivered"',
        "notify_scenario('every_sms_fails'): status must be one of 'permanent-failure', 'temporary-failure', "
        "'technical-failure', got 'delivered'*",
    ),
    ('"provider_outage", status=502', "notify_scenario('provider_outage'): status must be one of 500, 503, got 502*"),
    ('"provider_outage", times=0', "notify_scenario('provider_outage'): times must be a whole number of requests*"),
    ('"slow_api", seconds=0', "notify_scenario('slow_api'): seconds must be a number above 0 and at most 600, not 0"),
    ('"slow_api", endpoint="send_text"', "notify_scenario('slow_api'): unknown endpoint 'send_text'*"),
    ('"daily_limit_reached", channel="fax"', "notify_scenario('daily_limit_reached'): channel must be one of 'sms',*"),
    ('"callbacks_failing", status=200', "notify_scenario('callbacks_failing'): *status must be from 400 to 599*"),
]


def test_bad_scenario_markers_are_collection_errors(pytester: pytest.Pytester) -> None:
    for index, (arguments, _) in enumerate(BAD_SCENARIOS):
        pytester.makepyfile(
            **{
                f"test_{index:02}": f"""
import pytest

@pytest.mark.notify_scenario({arguments})
def test_bad(notify):
    pass
"""
            }
        )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(errors=len(BAD_SCENARIOS))
    for index, (_, message) in enumerate(BAD_SCENARIOS):
        where = f"test_{index:02}.py::test_bad: @pytest.mark."
        prefix = "" if message.startswith("notify_scenario(") else "notify_scenario: "
        result.stdout.fnmatch_lines([where + prefix + message.replace("[", "[[]")])


# -- registration and -m -------------------------------------------------------------------------

SELECTION = """
pytestmark = pytest.mark.notify_scenario("trial_service")

@pytest.mark.notify_scenario("rate_limited")
def test_rate_limited(notify):
    pass

@pytest.mark.notify_scenario("provider_outage")
@pytest.mark.notify_scenario("slow_api", seconds=0.01)
def test_outage(notify):
    pass

def test_module_scenario_only(notify):
    pass
"""


def test_dash_m_selects_tests_by_scenario(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(SELECTION, name="test_selection")
    make_test_file("def test_plain(notify):\n    pass\n", name="test_plain")
    cases = {
        "notify_scenario": ["test_rate_limited", "test_outage", "test_module_scenario_only"],
        "notify_scenario_rate_limited": ["test_rate_limited"],
        "notify_scenario_trial_service": ["test_rate_limited", "test_outage", "test_module_scenario_only"],
        "notify_scenario_slow_api and not notify_scenario_rate_limited": ["test_outage"],
        "not notify_scenario_provider_outage": ["test_rate_limited", "test_module_scenario_only", "test_plain"],
        "not notify_scenario": ["test_plain"],
    }
    for expression, selected in cases.items():
        result = pytester.runpytest("--strict-markers", "-m", expression, "-v")
        result.assert_outcomes(passed=len(selected), deselected=4 - len(selected))
        ran = sorted(re.findall(r"::(test_\w+) PASSED", result.stdout.str()))
        assert ran == sorted(selected), expression


def test_dash_k_sees_scenario_names(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(SELECTION)
    result = pytester.runpytest("-k", "provider_outage", "-v")
    result.assert_outcomes(passed=1, deselected=2)


def test_a_scenario_added_by_a_conftest_is_selectable(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    pytester.makeconftest(
        """
        import pytest

        def pytest_collection_modifyitems(items):
            for item in items:
                if "outage" in item.name:
                    item.add_marker(pytest.mark.notify_scenario("provider_outage"))
        """
    )
    make_test_file(
        """
        def test_outage(notify):
            assert "provider_outage" in notify.scenarios

        def test_fine(notify):
            assert not notify.scenarios
        """
    )
    result = pytester.runpytest("--strict-markers", "-m", "notify_scenario_provider_outage")
    result.assert_outcomes(passed=1, deselected=1)


def test_pytest_markers_lists_the_scenarios(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.notify_scenario(name, **params): apply a built-in scenario *trial_service(), "
            "team_key_only(), rate_limited(*, limit=1), *",
        ]
    )
    for name in SCENARIOS:
        result.stdout.fnmatch_lines([f"@pytest.mark.notify_scenario_{name}: set on tests marked *"])


def test_strict_markers_refuses_an_unknown_per_scenario_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.notify_scenario_trial_servce
        def test_x():
            pass
        """
    )
    result = pytester.runpytest("--strict-markers")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*'notify_scenario_trial_servce' not found in `markers` configuration option*"])


def test_selection_and_collection_errors_under_xdist(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(SELECTION, name="test_selection")
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider", "-m", "notify_scenario_slow_api")
    result.assert_outcomes(passed=1)  # the workers deselect; the summary shows what ran
    make_test_file('@pytest.mark.notify_scenario("rate_limitd")\ndef test_bad(notify):\n    pass\n', name="test_bad")
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(
        ["*test_bad.py::test_bad: @pytest.mark.notify_scenario: unknown scenario 'rate_limitd'*"]
    )
    # xdist reports a worker's collection error and runs the other modules' tests.
    result.assert_outcomes(passed=3, errors=1)
