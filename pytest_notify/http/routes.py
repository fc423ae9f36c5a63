"""The table of endpoints: Notify's v2 public API (reference §3.0)."""

from __future__ import annotations

from werkzeug.routing import Map, Rule

# endpoint name -> whether it needs JWT authentication
AUTHENTICATED = frozenset(
    {
        "post_notification",
        "get_notification",
        "get_notifications",
        "get_pdf",
        "get_template",
        "get_template_version",
        "preview_template",
        "get_templates",
        "get_received_texts",
    }
)

URL_MAP = Map(
    [
        Rule("/v2/notifications/<notification_type>", methods=["POST"], endpoint="post_notification"),
        Rule("/v2/notifications/<notification_id>", methods=["GET"], endpoint="get_notification"),
        Rule("/v2/notifications", methods=["GET"], endpoint="get_notifications"),
        Rule("/v2/notifications/<notification_id>/pdf", methods=["GET"], endpoint="get_pdf"),
        Rule("/v2/template/<template_id>", methods=["GET"], endpoint="get_template"),
        Rule(
            "/v2/template/<template_id>/version/<int:version>",
            methods=["GET"],
            endpoint="get_template_version",
        ),
        Rule("/v2/template/<template_id>/preview", methods=["POST"], endpoint="preview_template"),
        Rule("/v2/templates", methods=["GET"], endpoint="get_templates"),
        Rule("/v2/received-text-messages", methods=["GET"], endpoint="get_received_texts"),
        # Files sent by email: where the link in the message body leads.
        Rule("/d/<service>/<document>", methods=["GET"], endpoint="get_document"),
        # notifications-python-client's get_all_template_versions calls this admin-only endpoint.
        Rule("/service/<service_id>/template/<template_id>/versions", methods=["GET"], endpoint="admin_only"),
    ],
    strict_slashes=False,
    merge_slashes=False,
)

CONTROL_PREFIX = "/_notify"
"""The control API's paths (see :mod:`pytest_notify.http.control` and docs/control-api.md)."""

_SERVICE = f"{CONTROL_PREFIX}/services/<service_id>"

# The control API: the powers of the `notify` object over HTTP, in JSON, never JWT-authenticated.
CONTROL_MAP = Map(
    [
        Rule(f"{CONTROL_PREFIX}/", methods=["GET"], endpoint="index"),
        Rule(f"{CONTROL_PREFIX}/reset", methods=["POST"], endpoint="reset"),
        Rule(f"{CONTROL_PREFIX}/services", methods=["GET"], endpoint="list_services"),
        Rule(f"{CONTROL_PREFIX}/services", methods=["POST"], endpoint="create_service"),
        Rule(_SERVICE, methods=["GET"], endpoint="get_service"),
        Rule(_SERVICE, methods=["PATCH"], endpoint="update_service"),
        Rule(_SERVICE, methods=["DELETE"], endpoint="delete_service"),
        Rule(f"{_SERVICE}/keys", methods=["GET"], endpoint="list_keys"),
        Rule(f"{_SERVICE}/keys", methods=["POST"], endpoint="create_key"),
        Rule(f"{_SERVICE}/keys/<key>", methods=["DELETE"], endpoint="revoke_key"),
        Rule(f"{_SERVICE}/templates", methods=["GET"], endpoint="list_templates"),
        Rule(f"{_SERVICE}/templates", methods=["POST"], endpoint="create_template"),
        Rule(f"{_SERVICE}/templates/<template_id>", methods=["GET"], endpoint="get_template"),
        Rule(f"{_SERVICE}/templates/<template_id>", methods=["DELETE"], endpoint="remove_template"),
        Rule(f"{_SERVICE}/templates/<template_id>/versions", methods=["POST"], endpoint="new_template_version"),
        Rule(f"{_SERVICE}/notifications", methods=["GET"], endpoint="list_notifications"),
        Rule(f"{_SERVICE}/notifications/advance", methods=["POST"], endpoint="advance_all"),
        Rule(f"{_SERVICE}/notifications/<notification_id>", methods=["GET"], endpoint="get_notification"),
        Rule(f"{_SERVICE}/notifications/<notification_id>/advance", methods=["POST"], endpoint="advance_notification"),
        Rule(f"{_SERVICE}/dashboard", methods=["GET"], endpoint="dashboard"),
        Rule(f"{_SERVICE}/usage", methods=["GET"], endpoint="usage"),
        Rule(f"{_SERVICE}/callbacks", methods=["GET"], endpoint="callbacks"),
        Rule(f"{_SERVICE}/callbacks/<kind>", methods=["PUT", "DELETE"], endpoint="set_callback"),
        Rule(f"{_SERVICE}/received-texts", methods=["POST"], endpoint="receive_text"),
        Rule(f"{_SERVICE}/clock", methods=["GET"], endpoint="get_clock"),
        Rule(f"{_SERVICE}/clock/<action>", methods=["POST"], endpoint="move_clock"),
        Rule(f"{_SERVICE}/timings", methods=["GET", "PUT"], endpoint="timings"),
        Rule(f"{_SERVICE}/outcomes", methods=["POST"], endpoint="set_outcome"),
        Rule(f"{_SERVICE}/outcomes", methods=["DELETE"], endpoint="clear_outcomes"),
        Rule(f"{_SERVICE}/faults", methods=["GET", "DELETE"], endpoint="faults"),
        Rule(f"{_SERVICE}/faults", methods=["POST"], endpoint="inject_fault"),
    ],
    strict_slashes=False,
    merge_slashes=False,
)
