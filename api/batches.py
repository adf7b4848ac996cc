"""The event types a SaaS product sends most, and how a batch of each is applied.

api.events applies a stretch of these in one go; each type says here how
one event is checked (with its service's own checks, so both paths refuse
alike) and how the checked ones are recorded together.
"""

from typing import Any

from accounts.models import Account
from activity.models import Feature
from activity.services import features, logins
from core.causes import Cause

from . import schemas


class Batch:
    """Consecutive events of one frequent type, applied together (api.events)."""

    def __init__(self, events: list) -> None:
        """Read what checking `events` needs (one query at most)."""

    def check(self, event) -> None:
        """Raise ValidationError if `event` would be refused alone
        (the service's own checks, so both paths refuse alike)."""

    def record(self, items: list[tuple[Any, Account, Cause]]) -> None:
        """Apply the checked (event, account, cause) items in one go."""
        raise NotImplementedError


class LoginBatch(Batch):
    def check(self, event: schemas.LoginRecorded) -> None:
        logins.login_time(event.occurred_at)

    def record(self, items) -> None:
        logins.record_logins(
            reports=[
                logins.LoginReport(account=account, cause=cause, occurred_at=event.occurred_at)
                for event, account, cause in items
            ]
        )


class FeatureUseBatch(Batch):
    def __init__(self, events: list[schemas.FeatureUsed]) -> None:
        keys = {event.feature for event in events}
        active = Feature.objects.filter(key__in=keys, is_active=True)
        self.catalogue = active.in_bulk(field_name="key")

    def check(self, event: schemas.FeatureUsed) -> None:
        if event.feature not in self.catalogue:
            features.feature_by_key(event.feature)  # refuses it, with the reason
        features.session_minutes(event.minutes)
        features.session_start(event.started_at)

    def record(self, items) -> None:
        features.record_feature_sessions(
            reports=[
                features.SessionReport(
                    account=account,
                    feature=self.catalogue[event.feature],
                    minutes=event.minutes,
                    cause=cause,
                    started_at=event.started_at,
                )
                for event, account, cause in items
            ]
        )


# What a SaaS product sends most: a stretch of these in a batch is applied together.
BATCHES: dict[str, type[Batch]] = {"login": LoginBatch, "feature.used": FeatureUseBatch}
