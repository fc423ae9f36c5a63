"""The control API's views: read the request, make one call on the service's ``notify`` object, answer.

Each view takes the :class:`ControlContext` and the request (and the route's arguments). Mistakes
in a request are :class:`ControlError` or the ``ConfigurationError``/``ValueError`` the ``notify``
object raises, which :mod:`pytest_notify.http.control` answers as 400s.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request, Response

from pytest_notify.domain.service import Service
from pytest_notify.domain.store import Store
from pytest_notify.http.control_json import (
    ControlError,
    control_response,
    key_json,
    read_body,
    service_json,
    template_json,
    typed,
)
from pytest_notify.http.control_types import ControlBackend, ServiceControls

ControlView = Callable[..., Response]


@dataclasses.dataclass(frozen=True)
class ControlContext:
    """What every control view works with: the store, the backend, and the server's base URL."""

    store: Store
    backend: ControlBackend
    base_url: str

    def service(self, service_id: str) -> ServiceControls:
        """The ``notify`` object of a service; 404 if there is no such service."""
        found = self.find(service_id)
        return self.backend.attach(self.store, found, self.base_url)

    def find(self, service_id: str) -> Service:
        """The service with this id; 404 if there is none."""
        try:
            found = self.store.find_service(uuid.UUID(service_id))
        except ValueError:
            found = None
        if found is None:
            raise ControlError(404, "service_not_found", f"there is no service {service_id!r} on this server")
        return found


def remove(store: Store, service: Service) -> None:
    """Remove a service as a test's teardown does: its callbacks stop first, then it is forgotten."""
    store.dispatcher.close(service.id)
    store.remove_service(service.id)


# -- the server -------------------------------------------------------------------------------------


def index(ctx: ControlContext, request: Request) -> Response:
    """``GET /_notify/``: what this is, and how many services the server holds."""
    return control_response(
        {"control_api": "pytest-govuk-notify", "services": len(ctx.store.services()), "docs": "docs/control-api.md"}
    )


def reset(ctx: ControlContext, request: Request) -> Response:
    """``POST /_notify/reset``: remove every service; ``{"reseed": true}`` then seeds as at start."""
    body = read_body(request, allowed=("reseed",))
    reseed = typed(body, "reseed", bool, default=False)
    removed = []
    for service in ctx.store.services():
        remove(ctx.store, service)
        removed.append(service.id)
    seeded = ctx.backend.reseed(ctx.store) if reseed else None
    if reseed and seeded is None:
        raise ControlError(409, "nothing_to_seed", "every service was removed, but this server has no seed to re-apply")
    return control_response({"removed": removed, "seeded": seeded})


# -- services ---------------------------------------------------------------------------------------


def list_services(ctx: ControlContext, request: Request) -> Response:
    """``GET /_notify/services``: every service, oldest first, in brief."""
    services = [service_json(ctx.backend.attach(ctx.store, s, ctx.base_url), full=False) for s in ctx.store.services()]
    return control_response({"services": services})


def create_service(ctx: ControlContext, request: Request) -> Response:
    """``POST /_notify/services``: a new service from ``notify_service`` marker settings, with its keys.

    The backend checks the settings as the marker's are checked, so the two never drift apart.
    """
    controls = ctx.backend.create(ctx.store, ctx.base_url, read_body(request))
    keys = {"test": controls.test_key, "team": controls.team_key, "live": controls.live_key}
    return control_response({**service_json(controls), "keys": keys}, 201)


def get_service(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``GET /_notify/services/<id>``: the service, its keys, templates, limits, callbacks and clock."""
    return control_response(service_json(ctx.service(service_id)))


def update_service(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``PATCH /_notify/services/<id>``: go live or back to trial, and change limits."""
    limits = ("rate_limit", "sms_limit", "email_limit", "letter_limit", "international_sms_limit")
    body = read_body(request, allowed=("trial_mode", *limits))
    controls = ctx.service(service_id)
    trial_mode = typed(body, "trial_mode", bool)
    if trial_mode is True:
        controls.back_to_trial()
    elif trial_mode is False:
        controls.go_live()
    changes = {name: typed(body, name, int) for name in limits if name in body}
    if changes:
        controls.set_limits(**changes)
    return control_response(service_json(controls))


def delete_service(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``DELETE /_notify/services/<id>``: remove the service and everything it sent."""
    service = ctx.find(service_id)
    remove(ctx.store, service)
    return control_response({"removed": service.id})


# -- keys and templates -----------------------------------------------------------------------------


def list_keys(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``GET /_notify/services/<id>/keys``: every key, revoked ones included."""
    return control_response({"api_keys": [key_json(k) for k in ctx.service(service_id).api_keys]})


def create_key(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``POST /_notify/services/<id>/keys``: ``{"key_type": "live", "name": "ci key"}``."""
    body = read_body(request, allowed=("key_type", "name"), required=("key_type",))
    controls = ctx.service(service_id)
    made = controls.create_key(typed(body, "key_type", str), typed(body, "name", str))
    return control_response(key_json(next(k for k in controls.api_keys if k.key == made)), 201)


def revoke_key(ctx: ControlContext, request: Request, service_id: str, key: str) -> Response:
    """``DELETE /_notify/services/<id>/keys/<key>``: by id, full key string or name (of an active key)."""
    controls = ctx.service(service_id)
    keys = controls.api_keys
    matches = [k for k in keys if key in (str(k.id), k.key)] or [k for k in keys if k.name == key and not k.revoked]
    if not matches:
        raise ControlError(404, "key_not_found", f"service {service_id} has no key {key!r} (by id, key or name)")
    # Several active keys of one name: the notify object's own message lists them.
    controls.revoke_key(matches[0].key if len(matches) == 1 else key)
    return control_response(key_json(matches[0]))


def list_templates(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``GET /_notify/services/<id>/templates``: every template, deleted ones included."""
    templates = ctx.service(service_id).service.templates.values()
    return control_response({"templates": [template_json(t) for t in templates if not t.hidden]})


def create_template(ctx: ControlContext, request: Request, service_id: str) -> Response:
    """``POST /_notify/services/<id>/templates``: ``type``, ``body``, ``subject``, ``name``, ``postage``..."""
    options = ("postage", "letter_contact_block", "template_id")
    body = read_body(request, allowed=("type", "body", "subject", "name", *options), required=("type", "body"))
    controls = ctx.service(service_id)
    texts = {name: typed(body, name, str) for name in ("type", "body", "subject", "name", *options)}
    made = controls.add_template(
        texts.pop("type"),
        texts.pop("body"),
        texts.pop("subject"),
        texts.pop("name"),
        **{k: v for k, v in texts.items() if v is not None},
    )
    return control_response(_template(controls, made.id), 201)


def get_template(ctx: ControlContext, request: Request, service_id: str, template_id: str) -> Response:
    """``GET /_notify/services/<id>/templates/<template id>``: with every version."""
    return control_response(_template(ctx.service(service_id), template_id))


def new_template_version(ctx: ControlContext, request: Request, service_id: str, template_id: str) -> Response:
    """``POST .../templates/<template id>/versions``: ``body``, ``subject``, ``name``... (others kept)."""
    fields = ("body", "subject", "name", "postage", "letter_contact_block")
    body = read_body(request, allowed=fields)
    controls = ctx.service(service_id)
    _template(controls, template_id)  # a clear 404 first
    changes = {name: typed(body, name, str) for name in fields if body.get(name) is not None}
    made = controls.update_template(template_id, **changes)
    return control_response(_template(controls, made.id), 201)


def remove_template(ctx: ControlContext, request: Request, service_id: str, template_id: str) -> Response:
    """``DELETE .../templates/<template id>``: deleted as in Notify (archived: sends with it fail)."""
    controls = ctx.service(service_id)
    _template(controls, template_id)
    controls.remove_template(template_id)
    return control_response(_template(controls, template_id))


def _template(controls: ServiceControls, template_id: str) -> dict[str, Any]:
    try:
        found = controls.service.templates.get(uuid.UUID(template_id))
    except ValueError:
        found = None
    if found is None or found.hidden:
        raise ControlError(404, "template_not_found", f"service {controls.service.id} has no template {template_id!r}")
    return template_json(found, versions=True)


__all__ = ["ControlContext", "ControlView", "remove"]
