"""The one error model: every refusal carries Notify's HTTP status, error name and message."""

from __future__ import annotations


class NotifyError(Exception):
    """An error Notify reports in its v2 envelope.

    ``messages`` usually holds one message; schema validation can report several.
    """

    status_code: int = 400
    error: str = "BadRequestError"

    def __init__(self, *messages: str, status_code: int | None = None) -> None:
        super().__init__(messages[0] if messages else "An error occurred")
        self.messages: tuple[str, ...] = messages or ("An error occurred",)
        if status_code is not None:
            self.status_code = status_code

    @property
    def message(self) -> str:
        """The first message."""
        return self.messages[0]

    def to_dict(self) -> dict[str, object]:
        """Notify's v2 error body: ``{"errors": [...], "status_code": N}``."""
        return {
            "errors": [{"error": self.error, "message": m} for m in self.messages],
            "status_code": self.status_code,
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.status_code}, {self.error}, {list(self.messages)!r})"


class AuthError(NotifyError):
    """401/403 from authentication (reference §1.4)."""

    error = "AuthError"
    status_code = 403


class BadRequestError(NotifyError):
    """400 business-rule failures (403 for the letter key and trial errors)."""

    error = "BadRequestError"


class ValidationError(NotifyError):
    """400 JSON-schema failures, one message per distinct problem."""

    error = "ValidationError"


class InvalidPhoneError(NotifyError):
    """400 phone-number permission failures after schema validation (legacy texts)."""

    error = "InvalidPhoneError"


class NoResultFound(NotifyError):
    """404 ``No result found``."""

    error = "NoResultFound"
    status_code = 404

    def __init__(self, *messages: str) -> None:
        super().__init__(*(messages or ("No result found",)))


class RateLimitError(NotifyError):
    """429 from the per-key-type token bucket."""

    error = "RateLimitError"
    status_code = 429


class TooManyRequestsError(NotifyError):
    """429 from the daily limits."""

    error = "TooManyRequestsError"
    status_code = 429


class PDFNotReadyError(NotifyError):
    """400 ``PDF not available yet, try again later``."""

    error = "PDFNotReadyError"


class ConfigurationError(ValueError):
    """A mistake in how a test or seed file set up the fake (not a Notify API error)."""
