"""Recording time a customer spent in a feature of the SaaS product."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account
from accounts.services import lock_account
from core import clock
from core.causes import Cause
from core.events import send_on_commit
from core.inputs import decimal_or_refuse

from .. import signals
from ..models import Feature, FeatureSession

MAX_SESSION_MINUTES = Decimal(24 * 60)


def _minutes(value: Decimal | int | float | str) -> Decimal:
    minutes = decimal_or_refuse(value, "The session length in minutes").quantize(Decimal("0.01"))
    if minutes <= 0:
        raise ValidationError("A feature session lasts more than 0 minutes.", code="not_positive")
    if minutes > MAX_SESSION_MINUTES:
        raise ValidationError("A feature session lasts at most 24 hours.", code="too_long")
    return minutes


def feature_by_key(key: str) -> Feature:
    """The active catalogued feature called `key`, or a clear refusal."""
    feature = Feature.objects.filter(key=key, is_active=True).first()
    if feature is None:
        raise ValidationError(
            f"Unknown feature {key!r}: add it to the feature catalogue first.",
            code="unknown_feature",
        )
    return feature


@transaction.atomic
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
    minutes = _minutes(minutes)
    feature = feature if isinstance(feature, Feature) else feature_by_key(feature)
    started_at = clock.require_past(started_at or clock.now(), "The session start")
    locked = lock_account(account)
    session, created = FeatureSession.objects.get_or_create(
        account=locked,
        feature=feature,
        started_at=started_at,
        defaults={"minutes": minutes, "created_at": clock.now(), **cause.as_fields()},
    )
    if created:
        send_on_commit(
            signals.feature_session_recorded,
            sender=FeatureSession,
            account_id=locked.pk,
            session_id=session.pk,
            feature_key=feature.key,
            minutes=minutes,
            cause=cause,
        )
    return session, created
