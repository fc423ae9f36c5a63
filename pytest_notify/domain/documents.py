"""Sending files by email: the checks Notify and its document download service make (reference §10).

A file personalisation value is replaced by a link to the fake's own ``/d/...`` page, which
serves the file, so a test can follow the link from the message body.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pytest_notify.domain.errors import BadRequestError

ADMIN_BASE_URL = "https://www.notifications.service.gov.uk"
MAX_DECODED_FILE_SIZE = 2 * 1024 * 1024 + 1024
DEFAULT_RETENTION_PERIOD = "26 weeks"
SUPPORTED_EXTENSIONS = (
    ".csv",
    ".doc",
    ".docx",
    ".jpeg",
    ".jpg",
    ".json",
    ".odt",
    ".pdf",
    ".png",
    ".rtf",
    ".txt",
    ".xlsx",
)
_MIMETYPES = {
    ".csv": "text/csv",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".json": "application/json",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".rtf": "application/rtf",
    ".txt": "text/plain",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_SUPPORTED_LIST = ", ".join(f"'{ext}'" for ext in SUPPORTED_EXTENSIONS)

FileValidator = Callable[[str, Mapping[str, Any]], object]
"""Validates one file object against Notify's ``send_a_file_validation`` schema (raises on error)."""


@dataclass(frozen=True)
class Document:
    """A file sent by email, kept so the link in the message can be followed."""

    id: uuid.UUID
    service_id: uuid.UUID
    key: bytes
    content: bytes
    mimetype: str
    filename: str | None
    confirm_email_before_download: bool
    retention_period: str
    recipient: str

    @property
    def path(self) -> str:
        """``d/{service}/{document}?key={key}`` as document download builds it (URL-safe base64, no padding)."""
        return f"d/{_b64(self.service_id.bytes)}/{_b64(self.id.bytes)}?key={_b64(self.key)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def file_keys(personalisation: Mapping[str, Any]) -> list[str]:
    """The personalisation keys whose values are files."""
    return [k for k, v in personalisation.items() if isinstance(v, dict) and "file" in v]


def check_files_allowed(contact_link: str | None, service_id: uuid.UUID) -> None:
    """Notify refuses files when the service has no contact details."""
    if not contact_link:
        raise BadRequestError(
            "Send files by email has not been set up - add contact details for your service at "
            f"{ADMIN_BASE_URL}/services/{service_id}/service-settings/send-files-by-email"
        )


def make_document(
    value: Mapping[str, Any], *, service_id: uuid.UUID, document_id: uuid.UUID, key: bytes, recipient: str
) -> Document:
    """Run document download's checks on a validated file object and keep the file."""
    try:
        content = base64.b64decode(value["file"])
    except (binascii.Error, ValueError):
        raise BadRequestError("Document is not base64 encoded") from None
    if not content:
        raise BadRequestError("Document must not be empty")
    if len(content) > MAX_DECODED_FILE_SIZE:
        raise BadRequestError("Uploaded file exceeds file size limit")
    filename = value.get("filename")
    if filename is not None and len(filename) > 100:
        raise BadRequestError("`filename` cannot be longer than 100 characters")
    mimetype = _mimetype(filename, content)
    confirm = value.get("confirm_email_before_download")
    retention = value.get("retention_period") or DEFAULT_RETENTION_PERIOD
    return Document(
        id=document_id,
        service_id=service_id,
        key=key,
        content=content,
        mimetype=mimetype,
        filename=filename,
        confirm_email_before_download=True if confirm is None else bool(confirm),
        retention_period=str(retention).strip(),
        recipient=recipient,
    )


def _mimetype(filename: str | None, content: bytes) -> str:
    if filename:
        extension = "." + filename.rsplit(".", 1)[-1].lower()
        if extension not in _MIMETYPES:
            raise BadRequestError(f"Unsupported file type '{extension}'. Supported types are: {_SUPPORTED_LIST}")
        return _MIMETYPES[extension]
    sniffed = _sniff(content)
    if sniffed not in _MIMETYPES.values():
        raise BadRequestError(f"Unsupported file type '{sniffed}'. Supported types are: {_SUPPORTED_LIST}")
    return sniffed


def _sniff(content: bytes) -> str:
    """A small stand-in for libmagic: enough to tell the supported types from anything else."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"{\\rtf"):
        return "application/rtf"
    if content.startswith(b"PK\x03\x04"):
        return "application/zip"
    if content.startswith(b"MZ"):
        return "application/x-dosexec"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


def simulated_document_url(url_root: str, service_id: uuid.UUID) -> str:
    """Smoke-test recipients get a fixed link and nothing is uploaded (§5.2)."""
    return f"{url_root}services/{service_id}/documents/test-document"
