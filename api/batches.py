"""Every event type's batch service, and the frequent ones applied in a few queries.

api.events hands each run of a batch to the class registered here for its
type (`BATCHES`); the interface is api.batching's. A new batch service for
a type replaces its one entry.
"""

from accounts.models import Account
from activity.models import Feature
from activity.services import features, logins

from . import schemas
from .batching import Batch, CheckedTogether, Item
from .one_by_one import (
    AppointmentOutcomes,
    Bookings,
    Cancellations,
    Payments,
    PlanChanges,
    Reschedules,
    SignUps,
)


class LoginBatch(CheckedTogether):
    """login: a run recorded by `logins.record_logins` in one go."""

    order_free = True

    def check(self, event: schemas.LoginRecorded) -> None:
        """Refuse a login in the future."""
        logins.login_time(event.occurred_at)

    def record(self, checked: list[tuple[Item, Account]]) -> None:
        """Record the checked logins together."""
        logins.record_logins(
            reports=[
                logins.LoginReport(
                    account=account, cause=item.cause, occurred_at=item.event.occurred_at
                )
                for item, account in checked
            ]
        )


class FeatureUseBatch(CheckedTogether):
    """feature.used: a run recorded by `features.record_feature_sessions` in one go."""

    order_free = True

    def prepare(self, events: list[schemas.FeatureUsed]) -> None:
        """Read the active catalogue entries the run names (one query)."""
        keys = {event.feature for event in events}
        active = Feature.objects.filter(key__in=keys, is_active=True)
        self.catalogue = active.in_bulk(field_name="key")

    def check(self, event: schemas.FeatureUsed) -> None:
        """Refuse an unknown feature, a bad length or a start in the future."""
        if event.feature not in self.catalogue:
            features.feature_by_key(event.feature)  # refuses it, with the reason
        features.session_minutes(event.minutes)
        features.session_start(event.started_at)

    def record(self, checked: list[tuple[Item, Account]]) -> None:
        """Record the checked sessions together."""
        features.record_feature_sessions(
            reports=[
                features.SessionReport(
                    account=account,
                    feature=self.catalogue[item.event.feature],
                    minutes=item.event.minutes,
                    cause=item.cause,
                    started_at=item.event.started_at,
                )
                for item, account in checked
            ]
        )


# Each event type's batch service. Order matters only among order-free types:
# a run mixing them is applied type by type in this order.
BATCHES: dict[str, type[Batch]] = {
    "login": LoginBatch,
    "feature.used": FeatureUseBatch,
    "account.signed_up": SignUps,
    "payment.succeeded": Payments,
    "payment.failed": Payments,
    "subscription.cancelled": Cancellations,
    "plan.changed": PlanChanges,
    "appointment.booked": Bookings,
    "appointment.rescheduled": Reschedules,
    "appointment.cancelled": AppointmentOutcomes,
    "appointment.attended": AppointmentOutcomes,
    "appointment.no_show": AppointmentOutcomes,
}
