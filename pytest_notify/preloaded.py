"""What a test reads back of what its markers set up: ``notify.templates``, ``notify.scenarios`` and the
ids of its SMS senders and reply-to addresses (mixed into :class:`~pytest_notify.fake.NotifyFake`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pytest_notify.domain.service import Service
from pytest_notify.domain.templates import Template

if TYPE_CHECKING:
    from pytest_notify.fake import TemplateInfo


class TemplatesByName(Mapping[str, "TemplateInfo"]):
    """A service's templates by name, each as it is now (``id``, ``version``, ``type``, ``body``...).

    Read from the service at each lookup, so a template updated since shows its new version.
    """

    def __init__(self, templates: Iterable[Template]) -> None:
        # Notify's hidden template for precompiled letters is no template a test made.
        self._templates = [t for t in templates if not t.hidden]

    def __getitem__(self, name: str) -> TemplateInfo:
        from pytest_notify.fake import TemplateInfo  # fake.py imports this module

        found = [t for t in self._templates if t.name == name]
        if not found:
            names = ", ".join(repr(n) for n in self) or "none"
            raise KeyError(f"this service has no template named {name!r}; its templates: {names}")
        if len(found) > 1:
            ids = ", ".join(str(t.id) for t in found)
            raise KeyError(f"{len(found)} templates are named {name!r} ({ids}): look them up by id")
        return TemplateInfo.of(found[0])

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(t.name for t in self._templates))

    def __len__(self) -> int:
        return len(set(t.name for t in self._templates))

    def __repr__(self) -> str:
        return f"TemplatesByName({list(self)!r})"


class PreloadedViews:
    """The part of ``NotifyFake`` that reads back what the markers preloaded."""

    service: Service
    scenarios: Mapping[str, Mapping[str, Any]] = MappingProxyType({})
    """The scenarios applied to this service, in the order applied, each with its parameters
    (defaults filled in): ``"rate_limited" in notify.scenarios``, ``notify.scenarios["rate_limited"]["limit"]``."""

    @property
    def templates(self) -> TemplatesByName:
        """The service's templates by name: ``notify.templates["welcome"].id`` for a template a
        ``notify_service(templates=...)`` marker preloaded (or one added with a name)."""
        return TemplatesByName(list(self.service.templates.values()))

    def sms_sender_id(self, sender: str) -> str:
        """The ``sms_sender_id`` of the service's text message sender ``sender`` (``"GOVUK"``...)."""
        found = [s for s in self.service.sms_senders if s.sms_sender == sender and not s.archived]
        if len(found) != 1:
            known = ", ".join(repr(s.sms_sender) for s in self.service.sms_senders) or "none"
            raise KeyError(f"{len(found)} SMS senders are {sender!r}; the service's senders: {known}")
        return str(found[0].id)

    def reply_to_id(self, email_address: str) -> str:
        """The ``email_reply_to_id`` of the service's reply-to address ``email_address``."""
        found = [r for r in self.service.reply_to_addresses if r.email_address == email_address and not r.archived]
        if len(found) != 1:
            known = ", ".join(repr(r.email_address) for r in self.service.reply_to_addresses) or "none"
            raise KeyError(f"{len(found)} reply-to addresses are {email_address!r}; the service's: {known}")
        return str(found[0].id)


__all__ = ["PreloadedViews", "TemplatesByName"]
