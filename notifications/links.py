"""Signed links a customer follows from a message, without a staff login."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import Contact

from .templating import absolute_url

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(contact: Contact) -> str:
    """A token naming `contact`; it does not expire, as unsubscribe links must keep working."""
    return signing.dumps({"contact": contact.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def contact_for_unsubscribe_token(token: str) -> Contact | None:
    """The contact a token names, or None if it was tampered with or the contact is gone."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Contact.objects.filter(pk=payload.get("contact")).select_related("account").first()


def unsubscribe_url(contact: Contact) -> str:
    """The page where `contact` confirms leaving non-transactional e-mail."""
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(contact)]))


def one_click_unsubscribe_url(contact: Contact) -> str:
    """RFC 8058 target for mail clients' own "Unsubscribe" button."""
    return absolute_url(
        reverse("notifications:unsubscribe-one-click", args=[unsubscribe_token(contact)])
    )


def company_links() -> dict[str, str]:
    """Links into the company's own systems that any customer message may use."""
    return {
        "billing": settings.BILLING_URL,
        "affiliate": settings.AFFILIATE_URL,
        "testimonial": settings.TESTIMONIAL_URL,
    }
