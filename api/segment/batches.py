"""The batch services of the events Segment's calls become (see api.segment.schemas).

Registered in api.batches.BATCHES beside the events API's own types, so a
Segment batch takes the same path: accounts locked once, ids recorded with
the changes, every item answered on its own.
"""

from collections.abc import Sequence

from accounts.models import Account
from accounts.services import change_plan, update_account, upsert_contact
from accounts.services.signups import SignUpReport, sign_up_accounts
from activity.services import product_events

from ..batching import Batch, CheckedTogether, Item, OneByOne, Outcome
from . import schemas


class Groups(Batch):
    """segment.group: new accounts signed up together (`sign_up_accounts`), known ones
    updated one by one with the traits sent (name, plan, MRR)."""

    def apply(self, items: Sequence[Item]) -> list[Outcome]:
        """Sign up the accounts not on record; update the others."""
        reports = [_sign_up(item.event, item) for item in items]
        outcomes: list[Outcome] = []
        updates = Updates(self.accounts)
        for item, outcome in zip(items, sign_up_accounts(reports), strict=True):
            if outcome.error is not None:
                outcomes.append(Outcome.refused(outcome.error))
                continue
            self.accounts[outcome.account.external_id] = outcome.account
            if outcome.created:
                outcomes.append(Outcome(account=outcome.account))
            else:
                [updated] = updates.apply([item])
                outcomes.append(updated)
        return outcomes


def _sign_up(event: schemas.AccountGrouped, item: Item) -> SignUpReport:
    return SignUpReport(
        external_id=event.account,
        name=event.name or event.account,
        plan=event.plan or "free",
        mrr=event.mrr if event.mrr is not None else 0,
        signed_up_at=event.signed_up_at,
        cause=item.cause,
    )


class Updates(OneByOne):
    """A group call for an account on record: the traits it sends, through their services."""

    def apply_one(self, event: schemas.AccountGrouped, cause) -> Account:
        """Rename the account and change its plan or MRR, where sent and different."""
        account = self.account(event)
        if event.name:
            update_account(account=account, cause=cause, name=event.name)
        if event.plan is not None or event.mrr is not None:
            change_plan(account=account, plan=event.plan, mrr=event.mrr, cause=cause)
        return account


class Identifies(OneByOne):
    """segment.identify: the contact (its userId as its external id) upserted at its account."""

    def apply_one(self, event: schemas.ContactIdentified, cause) -> Account:
        """Create or update the contact; a new one is named by its e-mail or id if need be."""
        account = self.account(event)
        sent = event.model_fields_set
        upsert_contact(
            account=account,
            external_id=event.contact_id,
            name=event.name or _new_contact_name(account, event),
            email=(event.email or "") if "email" in sent else None,
            phone=(event.phone or "") if "phone" in sent else None,
            cause=cause,
        )
        return account


def _new_contact_name(account: Account, event: schemas.ContactIdentified) -> str | None:
    """None keeps a known contact's name; a new contact needs one: its e-mail or its id."""
    if account.contacts.filter(external_id=event.contact_id).exists():
        return None
    return event.email or event.contact_id


class ProductEvents(CheckedTogether):
    """segment.event: custom product events recorded together (three queries a run)."""

    order_free = True

    def check(self, event: schemas.ProductEventTracked) -> None:
        """Refuse an event in the future."""
        product_events.event_time(event.occurred_at)

    def record(self, checked: list[tuple[Item, Account]]) -> None:
        """Record the checked events in one go."""
        product_events.record_product_events(
            reports=[
                product_events.ProductEventReport(
                    account=account,
                    name=item.event.name,
                    properties=item.event.properties,
                    external_id=item.event.id,
                    occurred_at=item.event.occurred_at,
                    cause=item.cause,
                )
                for item, account in checked
            ]
        )
