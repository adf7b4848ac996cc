"""The event types a SaaS product sends most, and how a batch of each is applied.

api.events applies a stretch of these in one go; each type says here how
one event is checked (with its service's own checks, so both paths refuse
alike) and how the checked ones are recorded together.
"""

from typing import Any

from accounts.models import Account
from accounts.services.signups import (
    ContactReport,
    SignUpReport,
    check_sign_up,
    sign_up_accounts,
)
from activity.models import Feature
from activity.services import features, logins
from core.causes import Cause

from . import schemas


class Batch:
    """Consecutive events of one frequent type, applied together (api.events)."""

    # Sign-ups create the accounts later events name: they are applied in runs of
    # their own, before what follows them.
    signs_up = False

    def __init__(self, events: list) -> None:
        """Read what checking `events` needs (one query at most)."""

    def check(self, event) -> None:
        """Raise ValidationError if `event` would be refused alone
        (the service's own checks, so both paths refuse alike)."""

    def record(self, items: list[tuple[Any, Account | None, Cause]]) -> dict[str, Account] | None:
        """Apply the checked (event, account, cause) items in one go; a batch that
        signs up returns the accounts, by external id (their account was None)."""
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


# What a sign-up is checked with: the cause takes no part in the checks.
CHECKING = Cause.by_api("checking a sign-up")


class SignUpBatch(Batch):
    signs_up = True

    def check(self, event: schemas.AccountSignedUp) -> None:
        check_sign_up(sign_up_report(event, CHECKING))

    def record(self, items) -> dict[str, Account]:
        outcomes = sign_up_accounts([sign_up_report(event, cause) for event, _, cause in items])
        for outcome in outcomes:
            if outcome.error is not None:  # e.g. a contact conflict on an account on record
                raise outcome.error
        return {outcome.account.external_id: outcome.account for outcome in outcomes}


def sign_up_report(event: schemas.AccountSignedUp, cause: Cause) -> SignUpReport:
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


# What a SaaS product sends most: a stretch of these in a batch is applied together.
BATCHES: dict[str, type[Batch]] = {
    "account.signed_up": SignUpBatch,
    "login": LoginBatch,
    "feature.used": FeatureUseBatch,
}
