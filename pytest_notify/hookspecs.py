"""The ``notify_*`` hooks: what an extension of the fake may observe or decide.

Project name ``pytest_notify``. The same extensions work in pytest (from a ``conftest.py``, a
plugin given with ``-p``, or an installed package's ``pytest_notify`` entry point) and in
``pytest-notify serve`` (``--plugin module.path``, or the same entry points). See ``docs/hooks.md``.

An implementation may take any subset of a hook's arguments, by name. Observers return nothing;
the two "decide one thing" hooks are ``firstresult``: the first implementation to return something
other than None decides, and the fake's own behaviour is registered as the default plugin, which
runs last. Hooks that decide run while the fake holds its store's lock: keep them quick, and never
call the fake over HTTP from one. An exception raised in any hook is a failure of the fake: the
request is answered 500 and, under pytest, the test fails at teardown with that exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from pytest_notify.domain.errors import NotifyError
    from pytest_notify.domain.extensions import Rendered
    from pytest_notify.domain.keys import ApiKey
    from pytest_notify.domain.notifications import Notification
    from pytest_notify.domain.service import Service
    from pytest_notify.domain.store import Store
    from pytest_notify.domain.templates import Template

PROJECT = "pytest_notify"
hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def notify_service_created(store: Store, service: Service) -> None:
    """A service was created: by the ``notify`` fixture for each test, or seeded by ``serve``.

    Called once the service exists, before it has keys or templates (the ``notify`` fixture adds
    those next, and applies the test's markers). The service object is live: changing it (its
    ``guest_list``, ``team_members``, ``permissions``...) changes the service; ``store`` can add
    templates (``store.add_template(service.id, "sms", "Hello")``).

    :param store: the store holding the service.
    :param service: the new service (``service.id``, ``service.name``, ``service.restricted``...).
    """


@hookspec
def notify_send_accepted(service: Service, api_key: ApiKey, notification: Notification) -> None:
    """A ``POST /v2/notifications/...`` passed every check and is answered 201.

    Called after :func:`notify_notification_stored`, for every accepted send of every type,
    smoke-test recipients included (their notification has ``persisted`` False and is never
    stored).

    :param service: the sending service.
    :param api_key: the key the request was signed with (``api_key.key_type``, ``api_key.name``).
    :param notification: what was sent (``type``, ``to``, ``body``, ``template_id``, ``reference``...).
    """


@hookspec
def notify_send_refused(service: Service, api_key: ApiKey, notification_type: str, error: NotifyError) -> None:
    """A ``POST /v2/notifications/...`` by an authenticated caller was refused with a Notify error.

    Every error Notify answers a send with after authentication: rate and daily limits, invalid
    JSON, schema validation, permissions, trial mode and the guest list, templates, recipients,
    lengths. Not called for authentication errors (there is no caller yet) nor for faults a test
    injected.

    :param service: the caller's service.
    :param api_key: the caller's key.
    :param notification_type: ``sms``, ``email`` or ``letter`` (precompiled letters included), from the URL.
    :param error: Notify's error: ``error.status_code``, ``error.error`` (its name) and ``error.messages``.
    """


@hookspec
def notify_notification_stored(notification: Notification) -> None:
    """A notification was stored, with its final status already planned.

    Called for every stored send (SMS, email, letters, precompiled letters), just before
    :func:`notify_send_accepted`; not for smoke-test recipients, which Notify never stores.

    :param notification: the stored notification.
    """


@hookspec(firstresult=True)
def notify_final_status(notification: Notification, default: str) -> str | None:
    """Decide the status a new notification ends at. The first non-None result wins.

    Called as each notification is stored. ``default`` is what the fake would do otherwise: the
    test's own outcome rule for this send (``notify.set_outcome``) if one applies, else the
    test-key simulator's outcome or ``delivered``. Return None to leave it to the next
    implementation (finally the default plugin, which returns ``default``).

    A returned status is validated as a test's outcome rule is: one Notify never gives this kind of
    notification (``permanent-failure`` for a letter, a typo) is an error; one this send cannot
    follow is passed over (a text to a country without delivery receipts stays ``sent``; a letter
    that fails Notify's checks is still ``validation-failed``). The status then comes at the
    service's timings, as any outcome does.

    :param notification: the new notification (``type``, ``to``, ``normalised_to``, ``key_type``,
        ``template_id``, ``precompiled``, ``personalisation``...).
    :param default: the final status the fake would give it.
    :return: a final status, or None.
    """


@hookspec(firstresult=True)
def notify_render(
    notification_type: str, template: Template, personalisation: Mapping[str, Any], default: Rendered
) -> Rendered | str | None:
    """Decide the text stored for a send. The first non-None result wins.

    Called for SMS, email and templated letters once Notify's checks of the template and recipient
    passed, with ``default`` holding Notify's own rendering (so a response is byte for byte
    Notify's unless an extension returns something else). Return a string to replace the body, a
    :class:`~pytest_notify.domain.extensions.Rendered` to replace the body and the subject, or
    None to leave it to the next implementation (finally the default plugin, which returns
    ``default``). What is returned is what the rest of the send uses: Notify's length checks, SMS
    fragments, the letter's PDF, the stored notification and the 201 response's ``content``.
    Template previews are not affected.

    :param notification_type: ``sms``, ``email`` or ``letter``.
    :param template: the template (``template.id``, ``template.content``, ``template.subject``).
    :param personalisation: the values of the send (do not change them).
    :param default: Notify's rendering: ``default.body`` and ``default.subject`` (None for SMS).
    :return: a body, a ``Rendered``, or None.
    """
