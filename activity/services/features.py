"""Recording time a customer spent in a feature of the SaaS product."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account
from accounts.services import lock_accounts
from core import clock
from core.causes import Cause
from core.handover import record_and_announce_many
from core.inputs import decimal_or_refuse

from .. import signals
from ..models import Feature, FeatureSession

MAX_SESSION_MINUTES = Decimal(24 * 60)


def session_minutes(value: Decimal | int | float | str) -> Decimal:
    """A reported session length as stored, or a refusal (not positive, over 24 hours)."""
    minutes = decimal_or_refuse(value, "The session length in minutes").quantize(Decimal("0.01"))
    if minutes <= 0:
        raise ValidationError("A feature session lasts more than 0 minutes.", code="not_positive")
    if minutes > MAX_SESSION_MINUTES:
        raise ValidationError("A feature session lasts at most 24 hours.", code="too_long")
    return minutes


def feature_by_key(key: str) -> Feature:
    """The active catalogued feature called `key`, or a clear refusal."""
    return features_by_key([key])[key]


def features_by_key(keys: Iterable[str]) -> dict[str, Feature]:
    """The active catalogued features called `keys` (one query), or a clear refusal."""
    wanted = set(keys)
    found = Feature.objects.filter(key__in=wanted, is_active=True).in_bulk(field_name="key")
    if unknown := sorted(wanted - found.keys()):
        raise ValidationError(
            f"Unknown feature {unknown[0]!r}: add it to the feature catalogue first.",
            code="unknown_feature",
        )
    return found


@dataclass(frozen=True)
class SessionReport:
    """One feature session to record: whose, which feature, how long, when (None: now)."""

    account: Account
    feature: Feature | str
    minutes: Decimal | int | float | str
    cause: Cause
    started_at: datetime | None = None


def record_feature_session(
    *,
    account: Account,
    feature: Feature | str,
    minutes: Decimal | int | float | str,
    cause: Cause,
    started_at: datetime | None = None,
) -> tuple[FeatureSession, bool]:
    """Record a feature session. Returns (session, created).

    A session is identified by account, feature and start time: the same
    session reported again is stored once (and its first duration kept).
    """
    report = SessionReport(
        account=account, feature=feature, minutes=minutes, cause=cause, started_at=started_at
    )
    [outcome] = record_feature_sessions(reports=[report])
    return outcome


def session_start(started_at: datetime | None) -> datetime:
    """When a reported session started (None: now), or a refusal if in the future."""
    return clock.require_past(started_at or clock.now(), "The session start")


@transaction.atomic
def record_feature_sessions(
    *, reports: Sequence[SessionReport]
) -> list[tuple[FeatureSession, bool]]:
    """Record many sessions as `record_feature_session` would one after another.

    A constant number of queries for the whole batch (the API's batches of
    feature use). Raises ValidationError, writing nothing, if any is invalid.
    """
    if not reports:
        return []
    now = clock.now()
    catalogue = features_by_key(r.feature for r in reports if not isinstance(r.feature, Feature))
    checked = [
        (
            report,
            report.feature if isinstance(report.feature, Feature) else catalogue[report.feature],
            session_minutes(report.minutes),
            session_start(report.started_at),
        )
        for report in reports
    ]
    accounts = lock_accounts((report.account.pk for report in reports), only=("pk",))
    starts = [started_at for *_, started_at in checked]
    # Sessions already on record: as for logins (logins.record_logins), the range
    # lets the planner probe feature_session_once, the instants bound the rows.
    on_record = FeatureSession.objects.filter(
        account__in=accounts.keys(),
        started_at__range=(min(starts), max(starts)),
        started_at__in=set(starts),
    )
    known = {(s.account_id, s.feature_id, s.started_at): s for s in on_record}
    outcomes: list[tuple[FeatureSession, bool]] = []
    new: list[tuple[FeatureSession, Cause]] = []
    for report, feature, minutes, started_at in checked:
        key = (report.account.pk, feature.pk, started_at)
        if key in known:
            outcomes.append((known[key], False))
            continue
        session = FeatureSession(
            account_id=report.account.pk,
            feature=feature,
            started_at=started_at,
            minutes=minutes,
            created_at=now,
            **report.cause.as_fields(),
        )
        known[key] = session
        new.append((session, report.cause))
        outcomes.append((session, True))
    FeatureSession.objects.bulk_create([session for session, _ in new])
    record_and_announce_many(
        signals.feature_session_recorded,
        sender=FeatureSession,
        announcements=[
            {
                "account_id": session.account_id,
                "session_id": session.pk,
                "feature_key": session.feature.key,
                "minutes": session.minutes,
                "cause": cause,
            }
            for session, cause in new
        ],
    )
    return outcomes
