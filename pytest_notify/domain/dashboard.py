"""The service dashboard's counts: what Notify's admin site shows for a service (reference §5.3, §6).

Notify's API counts a service's notifications by type and status for today and the 7 days before
([api] ``fact_notification_status_dao.fetch_notification_status_for_service_for_today_and_7_previous_days``),
leaving out every test-key notification; the admin site then folds the statuses into the figures
on the dashboard ([admin] ``app/main/views/dashboard.py`` ``aggregate_notifications_stats`` and the
status groups in ``app/utils``):

- *requested* (the dashboard's "N text messages sent"): every status but ``cancelled``;
- *delivered*: ``delivered``, ``sent`` (an international text with no delivery receipt) and
  ``returned-letter``;
- *failed*: ``failed``, ``temporary-failure``, ``permanent-failure``, ``technical-failure``,
  ``virus-scan-failed`` and ``validation-failed``;
- *in flight* (the notifications page's "delivering"): requested less delivered and failed, that is
  ``created``, ``sending``, ``pending`` and ``pending-virus-check``.

Smoke-test sends are never stored (§5.2), so they cannot appear here either.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pytest_notify.domain.keys import KeyType
from pytest_notify.domain.notifications import Notification
from pytest_notify.domain.uk_time import uk_date, uk_midnight

CHANNELS = ("sms", "email", "letter")

# [admin] app/utils: SENDING_STATUSES, DELIVERED_STATUSES, FAILURE_STATUSES.
IN_FLIGHT_STATUSES = frozenset({"created", "pending", "sending", "pending-virus-check"})
DELIVERED_STATUSES = frozenset({"delivered", "sent", "returned-letter"})
FAILED_STATUSES = frozenset(
    {"failed", "temporary-failure", "permanent-failure", "technical-failure", "virus-scan-failed", "validation-failed"}
)
NOT_REQUESTED_STATUSES = frozenset({"cancelled"})
"""The admin site filters cancelled letters out before counting (``filter_out_cancelled_stats``)."""

PREVIOUS_DAYS = 7
"""The dashboard covers today and the 7 UK days before it (``limit_days=7``, so 8 dates in all)."""


@dataclass(frozen=True)
class ChannelCounts:
    """One channel's figures for a period, from its notifications' statuses."""

    channel: str
    statuses: Mapping[str, int] = field(default_factory=dict)
    """How many notifications are in each raw status (``cancelled`` included)."""

    def count(self, *statuses: str) -> int:
        """How many notifications are in any of ``statuses``."""
        return sum(self.statuses.get(status, 0) for status in statuses)

    @property
    def requested(self) -> int:
        """Everything sent in the period except cancelled letters: the dashboard's "sent" figure."""
        return sum(n for status, n in self.statuses.items() if status not in NOT_REQUESTED_STATUSES)

    @property
    def delivered(self) -> int:
        """Delivered, sent (no receipt expected) or returned letters."""
        return self.count(*DELIVERED_STATUSES)

    @property
    def failed(self) -> int:
        """Every kind of failure."""
        return self.count(*FAILED_STATUSES)

    @property
    def in_flight(self) -> int:
        """Not yet delivered or failed (Notify's "delivering")."""
        return self.count(*IN_FLIGHT_STATUSES)

    @property
    def failures(self) -> dict[str, int]:
        """The failed count by status, every failure status listed."""
        return {status: self.statuses.get(status, 0) for status in sorted(FAILED_STATUSES)}


@dataclass(frozen=True)
class DashboardPeriod:
    """The dashboard's figures for the UK dates ``first_day`` to ``last_day``."""

    name: str
    first_day: dt.date
    last_day: dt.date
    channels: Mapping[str, ChannelCounts]
    test_key_sends: Mapping[str, int]
    """Test-key notifications of the period by channel: left out of every figure (§5.3)."""

    def __getitem__(self, channel: str) -> ChannelCounts:
        return self.channels[channel]

    @property
    def test_key_total(self) -> int:
        """How many test-key notifications the period left out."""
        return sum(self.test_key_sends.values())


@dataclass(frozen=True)
class Dashboard:
    """Today's figures and those of the last 7 days, statuses read at ``now``."""

    now: dt.datetime
    today: DashboardPeriod
    last_7_days: DashboardPeriod


def dashboard(notifications: Iterable[Notification], now: dt.datetime) -> Dashboard:
    """Count a service's notifications as its dashboard does at ``now``.

    Notifications created after ``now`` (a clock moved back) do not exist yet at ``now`` and are
    not counted.
    """
    today = uk_date(now)
    first_day = today - dt.timedelta(days=PREVIOUS_DAYS)
    since = uk_midnight(first_day)
    midnight = uk_midnight(today)
    recent = [n for n in notifications if since <= n.created_at <= now]
    return Dashboard(
        now=now,
        today=_period("today", today, today, [n for n in recent if n.created_at >= midnight], now),
        last_7_days=_period("last 7 days", first_day, today, recent, now),
    )


def _period(
    name: str, first_day: dt.date, last_day: dt.date, notifications: list[Notification], now: dt.datetime
) -> DashboardPeriod:
    statuses: dict[str, Counter[str]] = {channel: Counter() for channel in CHANNELS}
    test_key: Counter[str] = Counter()
    for notification in notifications:
        if notification.key_type is KeyType.TEST:
            test_key[notification.type] += 1
            continue
        statuses[notification.type][notification.status_at(now).status] += 1
    return DashboardPeriod(
        name=name,
        first_day=first_day,
        last_day=last_day,
        channels={channel: ChannelCounts(channel, dict(counts)) for channel, counts in statuses.items()},
        test_key_sends={channel: test_key[channel] for channel in CHANNELS if test_key[channel]},
    )
