"""The ``notify_service`` marker: each argument, stacking, bad arguments and marker registration."""

from __future__ import annotations

from collections.abc import Callable

import pytest

MakeTestFile = Callable[..., None]

MARKER_ARGUMENTS = (
    "name",
    "trial_mode",
    "team_members",
    "guest_list",
    "permissions",
    "organisation_type",
    "email_sender_name",
    "prefix_sms",
    "contact_link",
)


# -- each argument -------------------------------------------------------------------------------


def test_trial_mode(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(trial_mode=True, team_members=["jo@example.com"])
        def test_trial(notify):
            assert notify.live_key is None
            assert notify.test_key and notify.team_key
            email = notify.add_template("email", "Hello", subject="Hi")
            team = client(notify, notify.team_key)
            assert refused(team.send_email_notification, "someone@example.com", email.id) == (400, TEAM_KEY_ERROR)
            team.send_email_notification("jo@example.com", email.id)
            # the test key ignores trial mode
            client(notify, notify.test_key).send_email_notification("someone@example.com", email.id)
            assert [(n.key_type, n.to) for n in notify.notifications] == [
                ("team", "jo@example.com"),
                ("test", "someone@example.com"),
            ]

        @pytest.mark.notify_service(trial_mode=True)
        def test_a_trial_service_cannot_have_a_live_key(notify):
            with pytest.raises(ValueError, match="trial mode"):
                notify.create_key("live")

        @pytest.mark.notify_service(trial_mode=False)
        def test_live(notify):
            assert notify.live_key is not None
            sms = notify.add_template("sms", "Hello")
            client(notify, notify.live_key).send_sms_notification("07700900456", sms.id)

        def test_live_is_the_default(notify):
            assert notify.live_key is not None
        """
    )
    pytester.runpytest().assert_outcomes(passed=4)


def test_team_members_as_strings_and_dicts(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(
            team_members=[
                "jo@example.com",
                "07700900123",
                {"email": "sam@example.com", "mobile": "+447700900789", "name": "Sam"},
                {"mobile": "07700900555"},
            ]
        )
        def test_team(notify):
            sms = notify.add_template("sms", "Hello")
            email = notify.add_template("email", "Hello", subject="Hi")
            team = client(notify, notify.team_key)
            # recipients are compared normalised (reference §4)
            team.send_email_notification("JO@example.com", email.id)
            team.send_sms_notification("+44 7700 900123", sms.id)
            team.send_email_notification("sam@example.com", email.id)
            team.send_sms_notification("07700 900789", sms.id)
            team.send_sms_notification("07700900555", sms.id)
            assert len(notify.notifications) == 5
            assert refused(team.send_email_notification, "nobody@example.com", email.id) == (400, TEAM_KEY_ERROR)
            assert refused(team.send_sms_notification, "07700900456", sms.id) == (400, TEAM_KEY_ERROR)

        @pytest.mark.notify_service(trial_mode=True, team_members=["07700900123"])
        def test_team_in_trial_mode(notify):
            sms = notify.add_template("sms", "Hello")
            client(notify, notify.team_key).send_sms_notification("07700900123", sms.id)
            assert refused(
                client(notify, notify.team_key).send_sms_notification, "07700900124", sms.id
            ) == (400, TEAM_KEY_ERROR)

        def test_no_team_by_default(notify):
            sms = notify.add_template("sms", "Hello")
            assert refused(
                client(notify, notify.team_key).send_sms_notification, "07700900123", sms.id
            ) == (400, TEAM_KEY_ERROR)
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_guest_list(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(guest_list=["guest@example.com", "07700900222"])
        def test_guests(notify):
            sms = notify.add_template("sms", "Hello")
            email = notify.add_template("email", "Hello", subject="Hi")
            team = client(notify, notify.team_key)
            team.send_email_notification("Guest@Example.com", email.id)
            team.send_sms_notification("+447700900222", sms.id)
            assert refused(team.send_email_notification, "other@example.com", email.id) == (400, TEAM_KEY_ERROR)
            assert refused(team.send_sms_notification, "07700900223", sms.id) == (400, TEAM_KEY_ERROR)

        @pytest.mark.notify_service(trial_mode=True, guest_list=["guest@example.com"])
        def test_guests_in_trial_mode(notify):
            email = notify.add_template("email", "Hello", subject="Hi")
            client(notify, notify.team_key).send_email_notification("guest@example.com", email.id)
            assert notify.notifications.only().to == "guest@example.com"
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_name_and_email_sender_name(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        def from_email(notify):
            template = notify.add_template("email", "Hello", subject="Hi")
            sent = client(notify, notify.live_key).send_email_notification("jo@example.com", template.id)
            return sent["content"]["from_email"]

        # reference §3.2: the docs' example
        @pytest.mark.notify_service(name="Pigeon Affairs Bureau")
        def test_name(notify):
            assert notify.service.name == "Pigeon Affairs Bureau"
            assert from_email(notify) == "pigeon.affairs.bureau@notifications.service.gov.uk"

        @pytest.mark.notify_service(name="Pigeon Affairs Bureau", email_sender_name="Pigeon Post")
        def test_email_sender_name(notify):
            assert from_email(notify) == "pigeon.post@notifications.service.gov.uk"

        @pytest.mark.notify_service(email_sender_name="Pigeon Post")
        def test_email_sender_name_alone(notify):
            assert from_email(notify) == "pigeon.post@notifications.service.gov.uk"
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_permissions(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(permissions=["email"])
        def test_no_sms(notify):
            sms = notify.add_template("sms", "Hello")
            email = notify.add_template("email", "Hello", subject="Hi")
            for key in (notify.live_key, notify.test_key):
                api = client(notify, key)
                assert refused(api.send_sms_notification, "07700900456", sms.id) == (400, NO_SMS)
                api.send_email_notification("jo@example.com", email.id)

        @pytest.mark.notify_service(permissions=("sms",))
        def test_no_email(notify):
            sms = notify.add_template("sms", "Hello")
            email = notify.add_template("email", "Hello", subject="Hi")
            api = client(notify, notify.live_key)
            assert refused(api.send_email_notification, "jo@example.com", email.id) == (400, NO_EMAIL)
            api.send_sms_notification("07700900456", sms.id)

        @pytest.mark.notify_service(permissions=[])
        def test_nothing(notify):
            sms = notify.add_template("sms", "Hello")
            assert refused(client(notify, notify.live_key).send_sms_notification, "07700900456", sms.id) == (
                400,
                NO_SMS,
            )
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_organisation_type(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(organisation_type="nhs_gp")
        def test_gp(notify):
            assert notify.service.organisation_type == "nhs_gp"

        def test_central_by_default(notify):
            assert notify.service.organisation_type == "central"
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)
    # An unknown organisation type: tests/plugin/test_marker_arguments.py::test_bad_values_are_collection_errors


def test_prefix_sms(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    # Reference §8.1: the prefix is never in the body the API shows, but it is billed:
    # 150 characters fit one fragment; "Pigeon Affairs Bureau: " + 150 characters need two.
    make_test_file(
        """
        def send(notify):
            template = notify.add_template("sms", "a" * 150)
            api = client(notify, notify.live_key)
            sent = api.send_sms_notification("07700900456", template.id)
            assert sent["content"]["body"] == "a" * 150
            got = api.get_notification_by_id(sent["id"])
            assert got["body"] == "a" * 150
            assert notify.notifications.only().body == "a" * 150
            return got["cost_details"]["billable_sms_fragments"]

        @pytest.mark.notify_service(name="Pigeon Affairs Bureau", prefix_sms=True)
        def test_prefixed(notify):
            assert send(notify) == 2

        @pytest.mark.notify_service(name="Pigeon Affairs Bureau", prefix_sms=False)
        def test_not_prefixed(notify):
            assert send(notify) == 1

        @pytest.mark.notify_service(name="Pigeon Affairs Bureau")
        def test_not_prefixed_by_default(notify):
            assert send(notify) == 1
        """
    )
    # Cost data is read straight after sending: only final at once in instant timings.
    pytester.runpytest("-o", "notify_timings=instant").assert_outcomes(passed=3)


def test_contact_link(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(contact_link="https://example.gov.uk/contact")
        def test_link(notify):
            assert notify.service.contact_link == "https://example.gov.uk/contact"

        def test_none_by_default(notify):
            assert notify.service.contact_link is None
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_an_empty_marker_gives_the_default_service(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service()
        def test_default(notify):
            assert notify.live_key is not None
            assert notify.service.organisation_type == "central"
            assert not notify.service.prefix_sms
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_marker_applies_when_notify_is_requested_through_another_fixture(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        @pytest.fixture
        def live_key(notify):
            return notify.live_key

        @pytest.mark.notify_service(trial_mode=True)
        def test_indirect(live_key):
            assert live_key is None
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


# -- stacking ------------------------------------------------------------------------------------


def test_module_class_and_test_markers_stack_closest_wins_key_by_key(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        pytestmark = [
            pytest.mark.notify_service(name="Module Service", trial_mode=True, email_sender_name="Module Sender"),
        ]

        def test_module_marker(notify):
            assert notify.service.name == "Module Service"
            assert notify.live_key is None
            assert notify.service.from_email == "module.sender@notifications.service.gov.uk"

        @pytest.mark.notify_service(prefix_sms=True)
        def test_test_marker_adds_a_key(notify):
            assert notify.service.name == "Module Service"
            assert notify.live_key is None
            assert notify.service.prefix_sms

        @pytest.mark.notify_service(name="Class Service")
        class TestClass:
            def test_class_marker(self, notify):
                assert notify.service.name == "Class Service"
                assert notify.live_key is None, "trial_mode still comes from the module"
                assert notify.service.from_email == "module.sender@notifications.service.gov.uk"

            @pytest.mark.notify_service(trial_mode=False)
            def test_test_marker_beats_the_module(self, notify):
                assert notify.service.name == "Class Service"
                assert notify.live_key is not None
                assert notify.service.from_email == "module.sender@notifications.service.gov.uk"

            @pytest.mark.notify_service(name="Test Service", email_sender_name=None)
            def test_test_marker_beats_the_class(self, notify):
                assert notify.service.name == "Test Service"
                assert notify.live_key is None
                assert notify.service.from_email == "test.service@notifications.service.gov.uk"

        class TestUnmarkedClass:
            def test_module_marker_reaches_into_classes(self, notify):
                assert notify.service.name == "Module Service"
        """
    )
    pytester.runpytest().assert_outcomes(passed=6)


def test_two_markers_on_one_test_follow_pytests_closest_marker(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(name="Upper", prefix_sms=True)
        @pytest.mark.notify_service(name="Lower")
        def test_two(notify, request):
            assert notify.service.name == request.node.get_closest_marker("notify_service").kwargs["name"]
            assert notify.service.prefix_sms
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_marker_given_through_pytest_param(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.parametrize(
            "trial",
            [pytest.param(True, marks=pytest.mark.notify_service(trial_mode=True)), False],
        )
        def test_param(notify, trial):
            assert (notify.live_key is None) is trial
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


# -- bad arguments -------------------------------------------------------------------------------


def test_a_misspelt_argument_is_a_usage_error(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(trial_mod=True)
        def test_typo(notify):
            pass

        def test_fine(notify):
            pass
        """
    )
    # Checked when collected: the module is a collection error, so nothing in it runs.
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting test_inner.py*",
            "test_inner.py::test_typo: @pytest.mark.notify_service: unknown argument 'trial_mod' "
            "(did you mean 'trial_mode'?); it takes name, trial_mode, organisation_type, *",
        ]
    )


def test_a_misspelt_argument_in_a_module_marker_is_a_usage_error(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        pytestmark = pytest.mark.notify_service(guestlist=["jo@example.com"])

        def test_one(notify):
            pass

        def test_without_notify():
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    # Reported once, on the module the marker is on, though two tests carry it.
    line = "test_inner.py: @pytest.mark.notify_service: unknown argument 'guestlist' (did you mean 'guest_list'?)*"
    result.stdout.fnmatch_lines([line])
    assert len([x for x in result.outlines if x.startswith("test_inner.py: @pytest.mark")]) == 1


def test_positional_arguments_are_a_usage_error(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service("Pigeon Affairs Bureau")
        def test_positional(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "test_inner.py::test_positional: @pytest.mark.notify_service: takes keyword arguments only, "
            "got positional ('Pigeon Affairs Bureau',)"
        ]
    )


def test_a_bare_marker_gives_the_default_service(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service
        def test_bare_marker(notify):
            assert notify.live_key is not None
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_settings_is_not_a_marker_argument(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    # ``service_settings(**settings)`` has a ``**settings`` catch-all, so its parameter list contains
    # "settings" and the plugin takes it for an argument name: the marker then dies with a TypeError deep
    # in Service() instead of the usage error every other unknown argument gets.
    make_test_file(
        """
        @pytest.mark.notify_service(settings={"name": "x"})
        def test_settings(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*notify_service*unknown argument*settings*"])
    result.stdout.no_fnmatch_line("*TypeError*")


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("permissions", '"email"'),
        ("team_members", '"jo@example.com"'),
        ("guest_list", '"jo@example.com"'),
    ],
)
def test_a_string_where_a_list_belongs_is_a_usage_error(
    pytester: pytest.Pytester, make_test_file: MakeTestFile, argument: str, value: str
) -> None:
    # A bare string is iterated character by character: permissions="email" gives the service the
    # permissions {"e", "m", "a", "i", "l"}, and team_members="jo@example.com" fourteen one-letter "mobiles".
    make_test_file(
        f"""
        @pytest.mark.notify_service({argument}={value})
        def test_string(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*notify_service*{argument}*"])


def test_an_unknown_permission_is_a_usage_error(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(permissions=["sms", "emails"])
        def test_unknown(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*notify_service*permission*'emails'*"])


def test_a_team_member_dict_with_an_unknown_key_is_a_usage_error(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    # {"email_address": ...} (the TeamMember field name) is silently read as a member with neither an
    # email address nor a mobile number, and the team key is then refused for jo.
    make_test_file(
        """
        @pytest.mark.notify_service(team_members=[{"email_address": "jo@example.com"}])
        def test_member(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*notify_service*team_members*email_address*"])


# -- registration --------------------------------------------------------------------------------


def test_strict_markers_accepts_notify_service(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        pytestmark = pytest.mark.notify_service(name="Module Service")

        @pytest.mark.notify_service(trial_mode=True)
        def test_marked(notify):
            assert notify.live_key is None
        """
    )
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1)


def test_strict_markers_still_refuses_a_misspelt_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.notify_servce(trial_mode=True)
        def test_marked(notify):
            pass
        """
    )
    result = pytester.runpytest("--strict-markers")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*'notify_servce' not found in `markers` configuration option*"])


def test_dash_m_selects_the_marked_tests(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(trial_mode=True)
        def test_marked(notify):
            pass

        @pytest.mark.notify_service(name="Class Service")
        class TestMarked:
            def test_in_class(self, notify):
                pass

        def test_unmarked(notify):
            pass
        """
    )
    result = pytester.runpytest("-m", "notify_service", "-v")
    result.assert_outcomes(passed=2, deselected=1)
    result.stdout.fnmatch_lines_random(["*::test_marked PASSED*", "*::TestMarked::test_in_class PASSED*"])
    result.stdout.no_fnmatch_line("*test_unmarked*")

    result = pytester.runpytest("-m", "not notify_service")
    result.assert_outcomes(passed=1, deselected=2)


def test_pytest_markers_lists_notify_service(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["@pytest.mark.notify_service([*], name=None, trial_mode=False, *"])


def test_pytest_markers_names_every_argument(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    line = next(line for line in result.outlines if line.startswith("@pytest.mark.notify_service("))
    signature = line.split("): ", 1)[0]
    missing = [argument for argument in MARKER_ARGUMENTS if f"{argument}=" not in signature]
    assert missing == [], f"--markers does not mention {missing}: {line}"
