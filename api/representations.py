"""What the API answers about an account and a contact, and the query that reads it."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet

from accounts.models import Account, Contact
from health.selectors import contributions
from pipelines.models import Card


def contact_out(contact: Contact) -> dict:
    """A contact as the API shows it."""
    return {
        "external_id": contact.external_id,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "is_primary": contact.is_primary,
    }


def account_out(account: Account) -> dict:
    """An account as the API shows it (read it with `accounts_to_show`)."""
    return {
        "external_id": account.external_id,
        "name": account.name,
        "plan": account.plan,
        "mrr": account.mrr,
        "lifecycle": account.lifecycle,
        "owner": account.owner.email if account.owner else None,
        "billing_customer_id": account.billing_customer_id,
        "timezone": account.timezone,
        "health_status": account.health_status,
        "happiness": account.happiness,
        "score": account.score,
        "milestone": account.milestone,
        "last_login_at": account.last_login_at,
        "signed_up_at": account.signed_up_at,
        "tags": sorted(tag.name for tag in account.tags.all()),
        "stages": {card.pipeline.key: card.stage.name for card in account.cards.all()},
        "contacts": [contact_out(contact) for contact in account.contacts.all()],
        "health": health_out(account),
    }


def health_out(account: Account) -> dict | None:
    """The computed health score and each factor's contribution (None before a first score)."""
    try:
        health = account.health
    except ObjectDoesNotExist:
        return None
    return {
        "score": health.score,
        "band": health.band,
        "model": health.version.model.name,
        "version": health.version.number,
        "computed_at": health.computed_at,
        "contributions": [
            {
                "factor": c.key,
                "label": c.label,
                "raw": health.factors.get(c.key, [None])[0],
                "points": c.points,
                "weight": c.weight,
                "missing": c.missing,
                "explanation": c.text,
            }
            for c in contributions(health.version.definition, health.factors)
        ],
    }


def accounts_to_show() -> QuerySet[Account]:
    """Accounts with everything `account_out` shows, in four queries for any number (the
    computed health joined to the account row)."""
    return Account.objects.select_related("owner", "health__version__model").prefetch_related(
        "tags",
        "contacts",
        Prefetch("cards", queryset=Card.objects.select_related("pipeline", "stage")),
    )
