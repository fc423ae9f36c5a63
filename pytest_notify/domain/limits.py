"""Notify's per-key-type rate limit and its daily message limits (reference §7).

Two separate mechanisms, both answering 429:

* a token bucket per service and key type (``{service_id}-tokens-{key_type}``), refilled from the
  service's clock at ``rate_limit / 60`` tokens a second up to ``min(ceil(rate_limit / 3) + 1, 1000)``
  (:class:`TokenBucket`, :func:`check_rate_limit`);
* counters per service, channel and UTC day, shared by live and team keys, against the service's
  ``sms_message_limit``, ``email_message_limit``, ``letter_message_limit`` and
  ``international_sms_message_limit`` (:func:`check_daily_limit`, :func:`record_send`).

:class:`LimitState` holds both for one service; the store keeps one per service and calls the
functions here under its lock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pytest_notify.domain.errors import ConfigurationError, RateLimitError, TooManyRequestsError
from pytest_notify.domain.keys import KeyType

if TYPE_CHECKING:
    from pytest_notify.domain.notifications import Notification
    from pytest_notify.domain.service import Service

# [api] Service.rate_limit default and SECONDS_IN_1_MINUTE.
DEFAULT_RATE_LIMIT = 3000
RATE_LIMIT_INTERVAL = 60
# [api] TOKEN_BUCKET_MAX / TOKEN_BUCKET_MIN.
TOKEN_BUCKET_MAX = 1000
TOKEN_BUCKET_MIN = 0

CHANNELS = ("sms", "email", "letter", "international_sms")
"""The daily-limit channels, as named in ``Exceeded send limits (…) for today``."""

# [admin] DEFAULT_SERVICE_LIMIT and DEFAULT_SERVICE_INTERNATIONAL_SMS_LIMIT: what a new (trial) service gets.
TRIAL_MESSAGE_LIMIT = 50
DEFAULT_INTERNATIONAL_SMS_LIMIT = 100
# [api]/[admin] DEFAULT_LIVE_SERVICE_RATE_LIMITS: what going live sets (and what a test key on a
# trial service is held to, with the international default added by the api).
DEFAULT_LIVE_SERVICE_RATE_LIMITS: Mapping[str, int] = {
    "email": 250_000,
    "sms": 250_000,
    "letter": 20_000,
    "international_sms": DEFAULT_INTERNATIONAL_SMS_LIMIT,
}
# [admin] add_service: GP surgeries and NHS Notify services get no text messages until they go live.
NO_FREE_SMS_ORGANISATION_TYPES = frozenset({"nhs_gp", "nhs_notify"})

LIMIT_FIELDS: Mapping[str, str] = {
    "sms": "sms_message_limit",
    "email": "email_message_limit",
    "letter": "letter_message_limit",
    "international_sms": "international_sms_message_limit",
}
"""Channel -> the :class:`~pytest_notify.domain.service.Service` attribute holding its daily limit."""


@dataclass(frozen=True)
class DailyLimits:
    """The four daily limits of a service."""

    sms: int
    email: int
    letter: int
    international_sms: int

    def as_fields(self) -> dict[str, int]:
        """As :class:`Service` keyword arguments (``sms_message_limit=`` ...)."""
        return {LIMIT_FIELDS[channel]: getattr(self, channel) for channel in CHANNELS}


LIVE_LIMITS = DailyLimits(
    sms=DEFAULT_LIVE_SERVICE_RATE_LIMITS["sms"],
    email=DEFAULT_LIVE_SERVICE_RATE_LIMITS["email"],
    letter=DEFAULT_LIVE_SERVICE_RATE_LIMITS["letter"],
    international_sms=DEFAULT_INTERNATIONAL_SMS_LIMIT,
)
"""A service created live: the go-live values, and the admin's international default."""


def default_limits(*, trial_mode: bool, organisation_type: str | None) -> DailyLimits:
    """The limits a new service starts with (reference §7.2 table).

    A trial service gets the admin's 50 a channel (100 international), with no text messages for GP
    and NHS Notify services; a service created live is treated as one that has gone live.
    """
    if not trial_mode:
        return LIVE_LIMITS
    sms = 0 if organisation_type in NO_FREE_SMS_ORGANISATION_TYPES else TRIAL_MESSAGE_LIMIT
    return DailyLimits(
        sms=sms,
        email=TRIAL_MESSAGE_LIMIT,
        letter=TRIAL_MESSAGE_LIMIT,
        international_sms=DEFAULT_INTERNATIONAL_SMS_LIMIT,
    )


def change_of_mode(service: Service, *, trial_mode: bool) -> None:
    """What the admin's ``update_status`` does to the limits on going live or back to trial.

    Going live sets email, sms and letter to the live defaults; going back to trial sets them to 50.
    The international SMS limit and the rate limit are left as they are.
    """
    if trial_mode:
        service.sms_message_limit = TRIAL_MESSAGE_LIMIT
        service.email_message_limit = TRIAL_MESSAGE_LIMIT
        service.letter_message_limit = TRIAL_MESSAGE_LIMIT
    else:
        service.sms_message_limit = DEFAULT_LIVE_SERVICE_RATE_LIMITS["sms"]
        service.email_message_limit = DEFAULT_LIVE_SERVICE_RATE_LIMITS["email"]
        service.letter_message_limit = DEFAULT_LIVE_SERVICE_RATE_LIMITS["letter"]


def validated_limit(name: str, value: object) -> int:
    """``value`` if it is a whole number of 0 or more; :class:`ConfigurationError` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{name} must be a whole number of 0 or more, got {value!r}")
    return value


def limit_fields(
    *,
    trial_mode: bool,
    organisation_type: str | None,
    rate_limit: int | None = None,
    sms_limit: int | None = None,
    email_limit: int | None = None,
    letter_limit: int | None = None,
    international_sms_limit: int | None = None,
) -> dict[str, int]:
    """The :class:`Service` keyword arguments for a new service's limits: the defaults for its mode
    and organisation type, with any limit given here instead (validated)."""
    defaults = default_limits(trial_mode=trial_mode, organisation_type=organisation_type)
    fields = {"rate_limit": DEFAULT_RATE_LIMIT, **defaults.as_fields()}
    fields.update(
        _chosen(
            rate_limit=rate_limit,
            sms_limit=sms_limit,
            email_limit=email_limit,
            letter_limit=letter_limit,
            international_sms_limit=international_sms_limit,
        )
    )
    return fields


def set_limits(
    service: Service,
    *,
    rate_limit: int | None = None,
    sms_limit: int | None = None,
    email_limit: int | None = None,
    letter_limit: int | None = None,
    international_sms_limit: int | None = None,
) -> None:
    """Change some of a service's limits (those not given stay); all are checked before any changes.

    As in Notify, counters and buckets are kept: a lower rate limit caps the bucket at its next use.
    """
    chosen = _chosen(
        rate_limit=rate_limit,
        sms_limit=sms_limit,
        email_limit=email_limit,
        letter_limit=letter_limit,
        international_sms_limit=international_sms_limit,
    )
    for name, value in chosen.items():
        setattr(service, name, value)


def _chosen(**limits: int | None) -> dict[str, int]:
    """``{Service attribute: validated value}`` for the limits given (argument ``sms_limit`` is
    attribute ``sms_message_limit``, ``rate_limit`` is ``rate_limit``)."""
    chosen: dict[str, int] = {}
    for argument, value in limits.items():
        if value is None:
            continue
        channel = argument.removesuffix("_limit")
        chosen[LIMIT_FIELDS.get(channel, argument)] = validated_limit(argument, value)
    return chosen


@dataclass(frozen=True)
class ServiceLimits:
    """A service's limits and today's (UTC) counts, as a test reads them (``notify.limits``)."""

    rate_limit: int
    """Requests per 60 seconds for each key type."""
    sms: int
    email: int
    letter: int
    international_sms: int
    sent_today: Mapping[str, int]
    """Sends by live and team keys counted today, per channel (``sms``, ``email``, ``letter`` and
    ``international_sms``)."""
    bucket_size: int
    """The burst a key type starts with: ``min(ceil(rate_limit / 3) + 1, 1000)`` tokens."""


def describe(service: Service, state: LimitState, now: dt.datetime) -> ServiceLimits:
    """A snapshot of ``service``'s limits and today's counts."""
    return ServiceLimits(
        rate_limit=service.rate_limit,
        sms=service.sms_message_limit,
        email=service.email_message_limit,
        letter=service.letter_message_limit,
        international_sms=service.international_sms_message_limit,
        sent_today=usage_today(state, now),
        bucket_size=bucket_size(service.rate_limit),
    )


def bucket_size(rate_limit: int) -> int:
    """How many tokens a full bucket holds: ``min(ceil(rate_limit / 3) + 1, 1000)``."""
    return max(min(math.ceil(rate_limit / 3) + 1, TOKEN_BUCKET_MAX), TOKEN_BUCKET_MIN)


@dataclass
class TokenBucket:
    """One key type's bucket, as Notify's ``tally-bucket-rate-limit`` script keeps it in Redis."""

    last_replenished: float
    """Unix time up to which whole tokens have been added."""
    tokens: int

    def tally(self, now: float, replenish_per_sec: float, bucket_max: int, bucket_min: int = TOKEN_BUCKET_MIN) -> int:
        """Replenish, take one token (never below ``bucket_min``) and return what remains.

        The request is served if the result is 1 or more. As in the script, ``last_replenished``
        only moves on by the whole tokens added, so fractions of a token are never lost, and never
        backwards, so a clock set back adds nothing.
        """
        elapsed = max(now - self.last_replenished, 0.0)
        replenishment = math.floor(elapsed * replenish_per_sec) if replenish_per_sec > 0 else 0
        tokens = min(self.tokens + replenishment, bucket_max)
        self.tokens = max(tokens - 1, bucket_min)
        if replenishment:
            self.last_replenished += replenishment / replenish_per_sec
        return self.tokens


@dataclass
class LimitState:
    """The token buckets and daily counters of one service."""

    buckets: dict[KeyType, TokenBucket] = field(default_factory=dict)
    counts: dict[tuple[dt.date, str], int] = field(default_factory=dict)
    """(UTC day, channel) -> persisted sends by live and team keys."""

    def tally_bucket(self, key_type: KeyType, now: dt.datetime, rate_limit: int) -> int:
        """Take a token from ``key_type``'s bucket; the tokens left (refused below 1)."""
        timestamp = now.timestamp()
        bucket_max = bucket_size(rate_limit)
        bucket = self.buckets.get(key_type)
        if bucket is None:
            # A missing Redis value means a full bucket, replenished "now".
            bucket = self.buckets[key_type] = TokenBucket(last_replenished=timestamp, tokens=bucket_max)
        return bucket.tally(timestamp, rate_limit / RATE_LIMIT_INTERVAL, bucket_max)

    def tokens_left(self, key_type: KeyType, now: dt.datetime, rate_limit: int) -> int:
        """How many requests ``key_type`` could make now before being refused (takes nothing)."""
        bucket = self.buckets.get(key_type)
        bucket_max = bucket_size(rate_limit)
        if bucket is None:
            return max(bucket_max - 1, 0)
        # Tallying a copy takes one token from the replenished count: what is left is exactly
        # how many more requests would get a token.
        probe = TokenBucket(bucket.last_replenished, bucket.tokens)
        return probe.tally(now.timestamp(), rate_limit / RATE_LIMIT_INTERVAL, bucket_max)

    def count(self, day: dt.date, channel: str) -> int:
        """Sends counted against ``channel`` on ``day`` (UTC)."""
        return self.counts.get((day, channel), 0)

    def increment(self, day: dt.date, channel: str) -> None:
        """Count one more send against ``channel`` on ``day``."""
        self.counts[(day, channel)] = self.counts.get((day, channel), 0) + 1


def utc_day(now: dt.datetime) -> dt.date:
    """The UTC date of ``now``: Notify's counters are keyed by it, so they reset at midnight UTC."""
    if now.tzinfo is not None:
        now = now.astimezone(dt.timezone.utc)
    return now.date()


def check_rate_limit(state: LimitState, service: Service, key_type: KeyType, now: dt.datetime) -> None:
    """Step 2a: take a token from the key type's bucket or raise ``RateLimitError``."""
    if state.tally_bucket(key_type, now, service.rate_limit) < 1:
        raise RateLimitError(
            f"Exceeded rate limit for key type {key_type.rate_limit_name} of {service.rate_limit} "
            f"requests per {RATE_LIMIT_INTERVAL} seconds"
        )


def daily_limit(service: Service, key_type: KeyType, channel: str) -> int:
    """The limit that applies: a test key on a trial service is held to the live defaults."""
    if key_type is KeyType.TEST and service.restricted:
        return DEFAULT_LIVE_SERVICE_RATE_LIMITS[channel]
    value: int = getattr(service, LIMIT_FIELDS[channel])
    return value


def check_daily_limit(state: LimitState, service: Service, key_type: KeyType, channel: str, now: dt.datetime) -> None:
    """Step 2b (and the international check of step 10): refuse if ``count + 1 > limit``.

    Test keys read their own counter, which is never incremented: they are refused only by a
    limit of 0.
    """
    limit = daily_limit(service, key_type, channel)
    count = 0 if key_type is KeyType.TEST else state.count(utc_day(now), channel)
    if count + 1 > limit:
        raise TooManyRequestsError(f"Exceeded send limits ({channel}: {limit}) for today")


def check_rate_limiting(
    state: LimitState, service: Service, key_type: KeyType, notification_type: str, now: dt.datetime
) -> None:
    """Notify's ``check_rate_limiting``: the token bucket, then the channel's daily limit."""
    check_rate_limit(state, service, key_type, now)
    check_daily_limit(state, service, key_type, notification_type, now)


def is_international_sms(notification: Notification) -> bool:
    """Whether a text counts against ``international_sms``: its country code is not 44.

    ``normalised_to`` is E.164 without the ``+``, and country codes are prefix-free, so a number
    starting ``44`` has country code 44 (crown dependencies included, as in Notify).
    """
    return notification.type == "sms" and not notification.normalised_to.startswith("44")


def record_send(state: LimitState, notification: Notification) -> None:
    """Count a stored notification against its channel (and ``international_sms``) for its UTC day.

    Test keys never count, and neither do smoke-test recipients, which are never stored.
    """
    if notification.key_type is KeyType.TEST or not notification.persisted:
        return
    day = utc_day(notification.created_at)
    state.increment(day, notification.type)
    if is_international_sms(notification):
        state.increment(day, "international_sms")


def usage_today(state: LimitState, now: dt.datetime) -> dict[str, int]:
    """Today's (UTC) counts for every channel."""
    day = utc_day(now)
    return {channel: state.count(day, channel) for channel in CHANNELS}


__all__ = [
    "CHANNELS",
    "DEFAULT_LIVE_SERVICE_RATE_LIMITS",
    "DEFAULT_RATE_LIMIT",
    "DailyLimits",
    "LimitState",
    "ServiceLimits",
    "TokenBucket",
    "bucket_size",
    "change_of_mode",
    "check_daily_limit",
    "check_rate_limit",
    "check_rate_limiting",
    "daily_limit",
    "default_limits",
    "describe",
    "limit_fields",
    "record_send",
    "set_limits",
    "usage_today",
]
