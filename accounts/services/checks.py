"""Input checks several account services share, so every door refuses alike."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from core.inputs import decimal_for_field, text_for_field

from ..models import Account, Contact

account_field = Account._meta.get_field


def clean_mrr(mrr: Decimal) -> Decimal:
    """An MRR within the column's digits, and not negative."""
    mrr = decimal_for_field(mrr, account_field("mrr"), "MRR")
    if mrr < 0:
        raise ValidationError("MRR cannot be negative.", code="negative_mrr")
    return mrr


def clean_external_id(value: str, field, what: str) -> str:
    """A SaaS product's id for an account or a contact: stripped, within the column, no `/`.

    The id is part of the API's URLs (/accounts/{id}), where a `/` would
    split it, so an id with one could be written but never read back.
    """
    external_id = text_for_field(value, field, what)
    if "/" in external_id:
        raise ValidationError(
            f"{what} {external_id!r} contains `/`, which cannot be part of a URL path.",
            code="invalid_external_id",
        )
    return external_id


def require_same_account(contact: Contact | None, account: Account) -> None:
    """Refuse a contact of another account (a mix-up in a form, an import, a workflow)."""
    if contact is not None and contact.account_id != account.pk:
        raise ValidationError("The contact belongs to another account.", code="contact_mismatch")
