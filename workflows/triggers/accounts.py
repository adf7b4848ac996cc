"""Account data: sign-ups, hand-set health, happiness, plans, churn and reactivation, contacts,
tags, cards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict

from accounts.models import Account, AccountEvent, Contact, HealthStatus, Plan

from .kind import Data


class SignedUpData(TypedDict):
    plan: str
    mrr: str
    owner_name: str


class HealthData(TypedDict):
    from_status: str
    to_status: str
    to_status_label: str
    note: str


class HappinessData(TypedDict):
    from_level: str
    to_level: str


class PlanData(TypedDict):
    from_plan: str
    to_plan: str
    upgrade: bool


class CancelledData(TypedDict):
    mrr_lost: str


class ReactivatedData(TypedDict):
    how: str
    mrr: str
    plan: str


class ContactData(TypedDict):
    contact_id: int
    contact_name: str
    fields: list[str]
    became_primary: bool
    previous_contact_name: str


class TagData(TypedDict):
    tag: str


class CardMovedData(TypedDict):
    pipeline: str
    from_stage: str
    to_stage: str


def signed_up(announcement: Data) -> SignedUpData:
    """A new (or imported) account's plan, MRR and owner."""
    return signed_up_many([announcement])[0]


def signed_up_many(announcements: Sequence[Data]) -> list[SignedUpData]:
    """`signed_up` for a batch of sign-ups: one query."""
    accounts = Account.objects.select_related("owner").in_bulk(
        [announcement["account_id"] for announcement in announcements]
    )
    return [_account_data(accounts[announcement["account_id"]]) for announcement in announcements]


def _account_data(account: Account) -> SignedUpData:
    return {
        "plan": account.plan,
        "mrr": str(account.mrr),
        "owner_name": account.owner.get_full_name() if account.owner else "",
    }


def health_changed(announcement: Data) -> HealthData:
    return {
        "from_status": announcement["from_status"],
        "to_status": announcement["to_status"],
        "to_status_label": HealthStatus(announcement["to_status"]).label,
        "note": announcement["note"],
    }


def happiness_changed(announcement: Data) -> HappinessData:
    return {"from_level": announcement["from_level"], "to_level": announcement["to_level"]}


def plan_changed(announcement: Data) -> PlanData:
    order = list(Plan.values)
    return {
        "from_plan": Plan(announcement["from_plan"]).label,
        "to_plan": Plan(announcement["to_plan"]).label,
        "upgrade": order.index(announcement["to_plan"]) > order.index(announcement["from_plan"]),
    }


def cancelled(announcement: Data) -> CancelledData:
    """The MRR lost, as the churn's history row recorded it."""
    recorded: dict[str, Any] = AccountEvent.objects.values_list("data", flat=True).get(
        pk=announcement["event_id"]
    )
    return {"mrr_lost": recorded.get("mrr_lost", "")}


def reactivated(announcement: Data) -> ReactivatedData:
    """What brought the account back ("payment" or "subscription"), and its plan and MRR now."""
    account = Account.objects.only("plan", "mrr").get(pk=announcement["account_id"])
    return {"how": announcement["how"], "mrr": str(account.mrr), "plan": account.plan}


def contact_changed(announcement: Data) -> ContactData:
    return contacts_changed([announcement])[0]


def contacts_changed(announcements: Sequence[Data]) -> list[ContactData]:
    """`contact_changed` for a batch of changes (a batch of sign-ups): one query."""
    wanted = {a[key] for a in announcements for key in ("contact_id", "previous_primary_id")}
    contacts = Contact.objects.in_bulk(wanted - {None})
    return [_contact_data(announcement, contacts) for announcement in announcements]


def _contact_data(announcement: Data, contacts: dict[int, Contact]) -> ContactData:
    contact = contacts[announcement["contact_id"]]
    previous = contacts.get(announcement.get("previous_primary_id"))
    return {
        "contact_id": contact.pk,
        "contact_name": contact.name,
        "fields": announcement["fields"],
        # A new primary contact replacing another (not the account's first contact).
        "became_primary": bool(contact.is_primary and previous),
        "previous_contact_name": previous.name if previous else "",
    }


def tag_changed(announcement: Data) -> TagData:
    return {"tag": announcement["tag_name"]}


def card_moved(announcement: Data) -> CardMovedData:
    return {
        "pipeline": announcement["pipeline_key"],
        "from_stage": announcement["from_stage"],
        "to_stage": announcement["to_stage"],
    }
