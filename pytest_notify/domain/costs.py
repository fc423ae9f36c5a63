"""What a notification costs, as the GET API reports it (reference §3.6, §12)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.letter_rates import letter_cost
from pytest_notify.domain.notifications import Notification

LONDON = ZoneInfo("Europe/London")

# SMS price per fragment from each date (UK time). Before the first entry the first rate
# applies: earlier rates are outside what the reference records.
SMS_RATES: tuple[tuple[dt.date, float], ...] = (
    (dt.date(2024, 4, 1), 0.0227),
    (dt.date(2025, 4, 1), 0.0233),
    (dt.date(2026, 4, 1), 0.024),
)


def sms_rate_on(when: dt.datetime) -> float:
    """The SMS rate per fragment for a notification created at ``when``."""
    day = when.astimezone(LONDON).date()
    rate = SMS_RATES[0][1]
    for valid_from, value in SMS_RATES:
        if day >= valid_from:
            rate = value
    return rate


# Test-key texts are billed when their fake receipt is processed, not at hand-over (§5.1).
_RECEIPT_STATUSES = frozenset({"delivered", "temporary-failure", "permanent-failure", "pending"})


def _billable_sms_units(notification: Notification, status: str) -> int:
    if status == "created":
        return 0
    if notification.key_type is KeyType.TEST and status not in _RECEIPT_STATUSES:
        return 0
    return notification.fragments


def cost_data(notification: Notification, status: str) -> dict[str, object]:
    """``is_cost_data_ready``, ``cost_in_pounds`` and ``cost_details`` for a GET response.

    ``status`` is the raw status at the time of reading: fragments are only billed once a text
    message has been handed over.
    """
    if notification.type == "email":
        return {"is_cost_data_ready": True, "cost_in_pounds": 0.0, "cost_details": {}}
    if notification.type == "sms":
        billable_units = _billable_sms_units(notification, status)
        if status == "created" and billable_units == 0:
            return {"is_cost_data_ready": False, "cost_in_pounds": None, "cost_details": {}}
        multiplier = float(notification.rate_multiplier or 1.0)
        rate = sms_rate_on(notification.created_at)
        return {
            "is_cost_data_ready": True,
            "cost_in_pounds": billable_units * multiplier * rate,
            "cost_details": {
                "billable_sms_fragments": billable_units,
                "international_rate_multiplier": multiplier,
                "sms_rate": rate,
            },
        }
    return _letter_cost_data(notification, status)


# Letters that were never sent are free; these are not "ready" until scanned (§3.6).
_LETTER_NEVER_SENT = frozenset({"cancelled", "technical-failure", "validation-failed", "virus-scan-failed"})


def _letter_cost_data(notification: Notification, status: str) -> dict[str, object]:
    sheets = notification.billable_sheets
    if status == "pending-virus-check" or (status == "created" and sheets == 0):
        return {"is_cost_data_ready": False, "cost_in_pounds": None, "cost_details": {}}
    postage = notification.postage or "second"
    if status in _LETTER_NEVER_SENT:
        sheets = 0
    cost = letter_cost(sheets, postage, notification.created_at.astimezone(LONDON).date(), crown=notification.crown)
    return {
        "is_cost_data_ready": True,
        "cost_in_pounds": float(cost),
        "cost_details": {"billable_sheets_of_paper": sheets, "postage": postage},
    }
