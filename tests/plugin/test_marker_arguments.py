"""The ``notify_service`` arguments that set up more than the service itself (senders, reply-to
addresses, templates, keys, today's counts, outcomes, failing callbacks, inbound number), and the
checks every argument gets when a test is collected."""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_notify.markers import SERVICE_ARGUMENTS, notify_service

MakeTestFile = Callable[..., None]
DOCS = Path(__file__).resolve().parents[2] / "docs"

# A receiver for callbacks in an inner test module (as tests/plugin/test_callback_markers.py has it).
RECEIVER = """
import socket

from pytest_httpserver import HTTPServer


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()
URL = f"http://127.0.0.1:{PORT}/status"


@pytest.fixture
def receiver():
    server = HTTPServer(host="127.0.0.1", port=PORT)
    server.expect_request("/status").respond_with_data("")
    server.start()
    yield server
    server.stop()
"""


def test_sms_senders(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        SENDER_ID = "6f1a3e0c-0000-4000-8000-000000000001"

        @pytest.mark.notify_service(
            timings="instant",
            sms_senders=["Council", {"sender": "07700900456", "id": SENDER_ID}, {"sms_sender": "Parking", "is_default": True}],
        )
        def test_senders(notify):
            senders = [(s.sms_sender, s.is_default) for s in notify.service.sms_senders]
            assert senders == [("Council", False), ("07700900456", False), ("Parking", True)]
            assert notify.sms_sender_id("07700900456") == SENDER_ID
            sms = notify.add_template("sms", "Hi")
            api = client(notify, notify.live_key)
            assert api.send_sms_notification("07700900123", sms.id)["content"]["from_number"] == "Parking"
            by_id = api.send_sms_notification("07700900123", sms.id, sms_sender_id=SENDER_ID)
            assert by_id["content"]["from_number"] == "447700900456"  # numbers are shown as E.164 digits
            council = api.send_sms_notification("07700900123", sms.id, sms_sender_id=notify.sms_sender_id("Council"))
            assert council["content"]["from_number"] == "Council"

        @pytest.mark.notify_service(sms_senders=["Council", {"sender": "Parking", "default": False}])
        def test_the_first_is_the_default_unless_one_says_it_is(notify):
            assert [(s.sms_sender, s.is_default) for s in notify.service.sms_senders] == [
                ("Council", True),
                ("Parking", False),
            ]

        @pytest.mark.notify_service(timings="instant")
        def test_govuk_without_senders(notify):
            assert notify.service.sms_senders == []
            sent = client(notify, notify.live_key).send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
            assert sent["content"]["from_number"] == "GOVUK"
            with pytest.raises(KeyError, match="0 SMS senders are 'Council'; the service's senders: none"):
                notify.sms_sender_id("Council")
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_reply_to_addresses(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        REPLY_ID = "6f1a3e0c-0000-4000-8000-000000000002"

        @pytest.mark.notify_service(
            reply_to_addresses=[
                "reply@example.gov.uk",
                {"email_address": "other@example.gov.uk", "default": True, "id": REPLY_ID},
            ]
        )
        def test_reply_to(notify):
            assert [(r.email_address, r.is_default) for r in notify.service.reply_to_addresses] == [
                ("reply@example.gov.uk", False),
                ("other@example.gov.uk", True),
            ]
            assert notify.reply_to_id("other@example.gov.uk") == REPLY_ID
            email = notify.add_template("email", "Hi", subject="Hello")
            api = client(notify, notify.live_key)
            api.send_email_notification("jo@example.com", email.id, email_reply_to_id=notify.reply_to_id("reply@example.gov.uk"))
            unknown = str(uuid.uuid4())
            # reference §3.2: an id the service does not have
            assert refused(api.send_email_notification, "jo@example.com", email.id, email_reply_to_id=unknown) == (
                400,
                f"email_reply_to_id {unknown} does not exist in database for service id {notify.service_id}",
            )

        @pytest.mark.notify_service(reply_to_addresses=["only@example.gov.uk"])
        def test_a_single_address_is_the_default(notify):
            assert [r.is_default for r in notify.service.reply_to_addresses] == [True]
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_templates(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        LETTER_ID = "6f1a3e0c-0000-4000-8000-000000000003"

        @pytest.mark.notify_service(
            timings="instant",
            templates={
                "welcome": ("email", "Hello ((name))", "Welcome"),
                "code": ("sms", "Your code is ((code))"),
                "letter": {"type": "letter", "body": "Dear ((name))", "subject": "Your letter", "id": LETTER_ID},
            },
        )
        def test_templates_by_name(notify):
            welcome = notify.templates["welcome"]
            assert (welcome.type, welcome.body, welcome.subject, welcome.version) == ("email", "Hello ((name))", "Welcome", 1)
            assert notify.templates["letter"].id == LETTER_ID
            assert sorted(notify.templates) == ["code", "letter", "welcome"]
            api = client(notify, notify.live_key)
            sent = api.send_email_notification("jo@example.com", welcome.id, personalisation={"name": "Jo"})
            assert (sent["content"]["body"], sent["content"]["subject"]) == ("Hello Jo", "Welcome")
            assert (sent["template"]["id"], sent["template"]["version"]) == (welcome.id, 1)
            code = api.send_sms_notification("07700900123", notify.templates["code"].id, personalisation={"code": "1234"})
            assert code["content"]["body"] == "Your code is 1234"
            fetched = api.get_template(LETTER_ID)
            assert (fetched["name"], fetched["type"]) == ("letter", "letter")
            notify.update_template(welcome.id, body="Hi ((name))")
            assert notify.templates["welcome"].version == 2  # read from the service, so up to date

        @pytest.mark.notify_service(
            templates=[
                {"name": "reminder", "type": "sms", "body": "Reminder"},
                {"name": "bye", "type": "email", "body": "Bye", "subject": "Goodbye"},
            ]
        )
        def test_templates_as_a_list(notify):
            assert [(notify.templates[n].type, notify.templates[n].subject) for n in ("reminder", "bye")] == [
                ("sms", None),
                ("email", "Goodbye"),
            ]

        def test_an_unknown_name_lists_the_templates(notify):
            notify.add_template("sms", "Hi", name="one")
            with pytest.raises(KeyError, match="no template named 'two'; its templates: 'one'"):
                notify.templates["two"]
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_live_key(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(live_key=False)
        def test_no_live_key(notify):
            assert notify.live_key is None and not notify.trial_mode
            assert sorted(k.key_type.value for k in notify.api_keys) == ["team", "test"]
            assert notify.go_live()  # a live key can still be made
            assert notify.live_key is not None

        @pytest.mark.notify_service(live_key=True)
        def test_live_key(notify):
            assert notify.live_key is not None
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_sent_today(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(sms_limit=3, sent_today={"sms": 2, "email": 5})
        def test_counts(notify):
            assert (notify.limits.sent_today["sms"], notify.limits.sent_today["email"]) == (2, 5)
            sms = notify.add_template("sms", "Hi")
            live = client(notify, notify.live_key)
            live.send_sms_notification("07700900123", sms.id)
            # reference §7.2: the daily limit is checked before the send is stored
            assert refused(live.send_sms_notification, "07700900123", sms.id) == (
                429,
                "Exceeded send limits (sms: 3) for today",
            )
            client(notify, notify.test_key).send_sms_notification("07700900123", sms.id)  # test keys never count
            notify.advance(days=1)  # a new UTC day
            live.send_sms_notification("07700900123", sms.id)
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_outcomes(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(
            timings="instant", outcomes={"email": "temporary-failure", "07700900123": "permanent-failure"}
        )
        def test_outcomes(notify):
            sms = notify.add_template("sms", "Hi")
            email = notify.add_template("email", "Hi", subject="Hello")
            api = client(notify, notify.live_key)
            api.send_sms_notification("+44 7700 900123", sms.id)
            api.send_sms_notification("07700900456", sms.id)
            api.send_email_notification("jo@example.com", email.id)
            assert [(n.to, n.status) for n in notify.notifications] == [
                ("+44 7700 900123", "permanent-failure"),
                ("07700900456", "delivered"),
                ("jo@example.com", "temporary-failure"),
            ]
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_failing_callbacks(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        RECEIVER
        + textwrap.dedent(
            """

        @pytest.mark.notify_service(
            timings="instant", delivery_status_callback=(URL, "token-12345"), failing_callbacks={"times": 1}
        )
        def test_one_failed_try_then_the_retry_gets_through(notify, receiver):
            client(notify, notify.live_key).send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
            first = notify.wait_for_callback(attempt=1)
            assert first.error.startswith("ConnectionRefusedError") and first.retry_at is not None
            assert receiver.log == []
            notify.advance(300)  # Notify retries 300 s later (reference §11)
            assert notify.callbacks.only(attempt=2).response_status == 200
            assert len(receiver.log) == 1

        @pytest.mark.notify_service(
            timings="instant", delivery_status_callback=(URL, "token-12345"), failing_callbacks={"status": 503}
        )
        def test_answered_with_an_error(notify, receiver):
            client(notify, notify.live_key).send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
            assert notify.wait_for_callback(attempt=1).response_status == 503
            notify.restore_callbacks()
            notify.advance(300)
            assert notify.callbacks.only(attempt=2).response_status == 200

        @pytest.mark.notify_service(timings="instant", delivery_status_callback=(URL, "token-12345"), failing_callbacks=True)
        def test_for_good(notify, receiver):
            client(notify, notify.live_key).send_sms_notification("07700900123", notify.add_template("sms", "Hi").id)
            notify.wait_for_callback(attempt=1)
            notify.advance(3600)
            assert [a.attempt for a in notify.callbacks] == [1, 2, 3, 4, 5, 6]  # reference §11: 5 retries
            assert all(a.error is not None for a in notify.callbacks) and receiver.log == []
            """
        )
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_inbound_number(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(inbound_number="07700900999")
        def test_inbound_number(notify):
            notify.receive_sms("Hello")
            received = client(notify, notify.live_key).get_received_texts()["received_text_messages"]
            assert [(r["notify_number"], r["content"]) for r in received] == [("07700900999", "Hello")]
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


# -- checked when collected ----------------------------------------------------------------------

# One wrong value for every argument: (argument, value as written, what the message says it must be).
WRONG_TYPES = [
    ("name", "5", "a string or None"),
    ("trial_mode", '"yes"', "True or False"),
    ("organisation_type", "None", "a string"),
    ("permissions", '"email"', "a list of permissions (None: Notify's defaults)"),
    ("team_members", '"jo@example.com"', "a list of email addresses, mobile numbers or dicts"),
    ("guest_list", '"jo@example.com"', "a list of email addresses and phone numbers"),
    ("email_sender_name", "1", "a string or None"),
    ("prefix_sms", "1", "True or False"),
    ("contact_link", '["https://example.gov.uk"]', "a string or None"),
    ("inbound_number", "7700900999", "a string or None"),
    ("sms_senders", '"GOVUK"', "a list of senders (strings or dicts)"),
    ("reply_to_addresses", '"reply@example.gov.uk"', "a list of email addresses (strings or dicts)"),
    ("templates", '"welcome"', "a dict of name to (type, body[, subject]) or to a dict, or a list of dicts"),
    ("live_key", '"no"', "True or False"),
    ("rate_limit", "True", "a whole number of 0 or more (None: Notify's default)"),
    ("sms_limit", "2.5", "a whole number of 0 or more (None: Notify's default)"),
    ("email_limit", '"10"', "a whole number of 0 or more (None: Notify's default)"),
    ("letter_limit", "[1]", "a whole number of 0 or more (None: Notify's default)"),
    ("international_sms_limit", "1.0", "a whole number of 0 or more (None: Notify's default)"),
    ("sent_today", '{"sms": "2"}', "a dict of channel to a count or 'limit'"),
    ("timings", "5", "'instant', 'clock', 'manual' or a dict of delays"),
    ("outcomes", '["sms"]', "a dict of channel or recipient to a final status"),
    ("faults", '"500"', "a list of fault(...), kinds or dicts"),
    ("delivery_status_callback", '"https://example.com/cb"', "a (url, bearer_token) pair or None"),
    ("inbound_sms_callback", '("https://example.com/cb",)', "a (url, bearer_token) pair or None"),
    ("failing_callbacks", '"yes"', "True, or a dict with status and times"),
    ("key_misuse", '"loud"', "one of 'warn', 'error', 'ignore' or None"),
]


def test_every_argument_has_a_wrong_type_case() -> None:
    assert sorted(argument for argument, _, _ in WRONG_TYPES) == sorted(SERVICE_ARGUMENTS)


def test_a_wrong_type_is_a_collection_error_naming_the_argument(pytester: pytest.Pytester) -> None:
    # One module per case, all in one run: each module is its own collection error.
    for index, (argument, value, _) in enumerate(WRONG_TYPES):
        pytester.makepyfile(
            **{
                f"test_{index:02}_{argument}": f"""
import pytest

@pytest.mark.notify_service({argument}={value})
def test_bad(notify):
    pass
"""
            }
        )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(errors=len(WRONG_TYPES))
    for index, (argument, value, expected) in enumerate(WRONG_TYPES):
        shown = repr(eval(value))  # the value as Python shows it back: ("x",) for a one-item tuple...
        result.stdout.fnmatch_lines(
            [
                f"test_{index:02}_{argument}.py::test_bad: @pytest.mark.notify_service: {argument} must be "
                f"{_escape(expected)}, got {_escape(shown)} (*)"
            ]
        )


BAD_VALUES = [
    ('organisation_type="ministry"', "organisation_type: unknown 'ministry'; choose one of central, *"),
    ('permissions=["sms", "emails"]', "permissions: unknown 'emails'; Notify's are sms, *"),
    ('sms_senders=["A very long name"]', "sms_senders: a sender is a phone number or at most 11 characters, *"),
    (
        'sms_senders=[{"sender": "A", "default": True}, {"sender": "B", "default": True}]',
        "sms_senders: only one may be the default, got ['A', 'B']",
    ),
    ('sms_senders=[{"name": "A"}]', "sms_senders: unknown field 'name' in {'name': 'A'}; a dict takes *"),
    ('sms_senders=[{"sender": "A", "id": "x"}]', "sms_senders: id must be a UUID, got 'x'"),
    ('reply_to_addresses=["not an address"]', "reply_to_addresses: not a valid email address: 'not an address'"),
    ('templates={"welcome": ("email", "Hello")}', "email templates need a subject"),
    ('templates={"fax": ("fax", "Hello")}', "unknown template type 'fax'; use sms, email or letter"),
    ('templates={"a": ("sms", "Hi", "Subject")}', "text message templates have no subject"),
    ('templates=[{"type": "sms", "body": "Hi"}]', "templates: each needs a name (a string); *"),
    (
        'templates=[{"name": "a", "type": "sms", "body": "x"}, {"name": "a", "type": "sms", "body": "y"}]',
        "templates: each name once, so notify.templates can find it; repeated: ['a']",
    ),
    ('templates={"a": {"type": "sms", "body": "x", "colour": "red"}}', "templates: unknown field(s) colour in *"),
    ('templates={"a": ("sms",)}', "templates: 'a' must be (type, body), (type, body, subject) or a dict; *"),
    ('sent_today={"fax": 1}', "sent_today: unknown channel(s) fax; known: sms, email, letter, international_sms"),
    ('sent_today={"sms": -1}', "sent_today['sms'] must be a whole number of 0 or more, got -1"),
    ('outcomes={"sms": "lost"}', "'lost' is not an outcome Notify gives text messages; choose one of *"),
    ('outcomes={"emial": "delivered"}', "outcomes: 'emial' is not a channel (sms, email, letter, precompiled), *"),
    ('failing_callbacks={"status": 200}', "a failing callback's status must be from 400 to 599; got 200"),
    ('failing_callbacks={"tmes": 1}', "failing_callbacks: unknown tmes; it takes status and times"),
]


def test_a_value_the_fake_refuses_is_a_collection_error(pytester: pytest.Pytester) -> None:
    for index, (arguments, _) in enumerate(BAD_VALUES):
        pytester.makepyfile(
            **{
                f"test_{index:02}": f"""
import pytest

@pytest.mark.notify_service({arguments})
def test_bad(notify):
    pass
"""
            }
        )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(errors=len(BAD_VALUES))
    for index, (_, message) in enumerate(BAD_VALUES):
        result.stdout.fnmatch_lines([f"test_{index:02}.py::test_bad: @pytest.mark.notify_service: {message}"])


def test_collect_only_shows_the_error_and_nothing_runs(pytester: pytest.Pytester, make_test_file: MakeTestFile) -> None:
    make_test_file(
        """
        @pytest.mark.notify_service(trial_mode="yes")
        def test_bad(notify):
            raise AssertionError("never runs")
        """
    )
    result = pytester.runpytest("--collect-only")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR collecting test_inner.py*", "*trial_mode must be True or False*"])


def test_a_marker_added_after_collection_is_checked_by_the_fixture(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        @pytest.fixture(autouse=True)
        def late_marker(request):
            request.applymarker(pytest.mark.notify_service(trial_mod=True))

        def test_late(notify):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at setup of test_late*",
            "test_inner.py::test_late: @pytest.mark.notify_service: unknown argument 'trial_mod' "
            "(did you mean 'trial_mode'?)*",
        ]
    )


# -- stacking of list and dict arguments --------------------------------------------------------


def test_list_and_dict_arguments_are_replaced_not_merged(
    pytester: pytest.Pytester, make_test_file: MakeTestFile
) -> None:
    make_test_file(
        """
        pytestmark = pytest.mark.notify_service(
            guest_list=["module@example.com"], templates={"module": ("sms", "Module")}, sent_today={"sms": 2}
        )

        def test_module_values(notify):
            assert notify.service.guest_list == ["module@example.com"]
            assert list(notify.templates) == ["module"]

        @pytest.mark.notify_service(guest_list=["test@example.com"], templates={"test": ("sms", "Test")})
        def test_closest_replaces(notify):
            assert notify.service.guest_list == ["test@example.com"]
            assert list(notify.templates) == ["test"]
            assert notify.limits.sent_today["sms"] == 2  # not given here: the module's stays

        @pytest.mark.notify_service(guest_list=[])
        def test_an_empty_list_clears(notify):
            assert notify.service.guest_list == []
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


# -- the docs and --markers follow the signature -------------------------------------------------


def test_pytest_markers_shows_every_argument_with_its_default(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    line = next(line for line in result.outlines if line.startswith("@pytest.mark.notify_service("))
    for name, parameter in inspect.signature(notify_service).parameters.items():
        assert f"{name}={parameter.default!r}" in line


def test_the_docs_table_lists_every_argument_with_its_default() -> None:
    page = (DOCS / "markers-and-scenarios.md").read_text(encoding="utf-8").split("## Stacking")[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", page, re.M))
    parameters = inspect.signature(notify_service).parameters
    assert list(rows) == list(parameters), "the table lists the arguments in the signature's order"
    assert {name: repr(p.default) for name, p in parameters.items()} == rows


def _escape(text: str) -> str:
    """``text`` for an fnmatch pattern: brackets are character classes there."""
    return re.sub(r"([\[\]?*])", r"[\1]", text)


def test_every_argument_is_used_by_a_pytester_test() -> None:
    # Each argument is shown working in an inner test module somewhere in tests/plugin/ (the wrong-type
    # and bad-value cases above don't count: they never build a service).
    sources = "\n".join(
        path.read_text(encoding="utf-8").replace(_this_files_tables(), "")
        for path in Path(__file__).parent.glob("test_*.py")
    )
    calls = re.findall(r"notify_service\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)", sources)
    used = {name for call in calls for name in re.findall(r"\b(\w+)=", call)}
    assert sorted(SERVICE_ARGUMENTS - used) == []


def _this_files_tables() -> str:
    text = Path(__file__).read_text(encoding="utf-8")
    return text[text.index("WRONG_TYPES = [") : text.index("def test_collect_only_shows_the_error")]
