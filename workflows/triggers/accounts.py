"""Account data: sign-ups, hand-set health, happiness, plans, churn, contacts, tags, cards."""

from __future__ import annotations

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
    account = Account.objects.select_related("owner").get(pk=announcement["account_id"])
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


def contact_changed(announcement: Data) -> ContactData:
    contact = Contact.objects.get(pk=announcement["contact_id"])
    previous = Contact.objects.filter(pk=announcement.get("previous_primary_id")).first()
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
