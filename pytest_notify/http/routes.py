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
