"""Every event type's batch service, and the frequent ones applied in a few queries.

api.events hands each run of a batch to the class registered here for its
type (`BATCHES`); the interface is api.batching's. A new batch service for
a type replaces its one entry.
"""

from accounts.models import Account
from accounts.services.signups import ContactReport, SignUpReport, sign_up_accounts
from activity.models import Feature
from activity.services import features, logins

from . import schemas
from .batching import Batch, CheckedTogether, Item, Outcome
from .one_by_one import (
    AffiliateJoins,
    AppointmentOutcomes,
    Bookings,
    Cancellations,
    Payments,
    PlanChanges,
    Reschedules,
)
from .segment.batches import Groups, Identifies, ProductEvents


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


class SignUps(Batch):
    """account.signed_up: a run signed up together by `sign_up_accounts`
    (one INSERT per kind of row however long the run), each item refused
    on its own as it would be alone."""

    def apply(self, items) -> list[Outcome]:
        """Sign the run up; the accounts it names become known to later runs."""
        reports = [sign_up_report(item.event, item.cause) for item in items]
        outcomes = []
        for outcome in sign_up_accounts(reports):
            if outcome.error is not None:
                outcomes.append(Outcome.refused(outcome.error))
                continue
            self.accounts[outcome.account.external_id] = outcome.account
            outcomes.append(Outcome(account=outcome.account))
        return outcomes


def sign_up_report(event: schemas.AccountSignedUp, cause) -> SignUpReport:
    """What an account.signed_up event asks of accounts.services.signups."""
    contact = None
    if event.contact is not None:
        # A field left out keeps the stored value; null clears it.
        sent = event.contact.model_fields_set
        contact = ContactReport(
            name=event.contact.name,
            email=(event.contact.email or "") if "email" in sent else None,
            phone=(event.contact.phone or "") if "phone" in sent else None,
            external_id=event.contact.external_id or "",
            is_primary=True,
        )
    return SignUpReport(
        external_id=event.account,
        name=event.name,
        plan=event.plan,
        mrr=event.mrr,
        signed_up_at=event.signed_up_at,
        cause=cause,
        contact=contact,
    )


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
    "affiliate.joined": AffiliateJoins,
    # What Segment's calls become (api.segment): never sent to /api/v1/events.
    "segment.group": Groups,
    "segment.identify": Identifies,
    "segment.event": ProductEvents,
}
