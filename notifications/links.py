"""Signed links a customer follows from a message, without a staff login.

Unsubscribe links never expire; the customer form links (feedback, task
request, the chat conversation) expire after PORTAL_LINK_DAYS and carry a nonce, which the portal
turns into the key that makes one link one answer (portal.links). A message's
eleven NPS score links (`nps_0` … `nps_10`) share its feedback link's nonce, so
they are one answer too: each opens the feedback form with its score chosen.
"""

import secrets
from dataclasses import dataclass

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


# The customer forms a message may link to, each with its own signing salt.
FORM_SALTS = {
    "feedback": "portal.feedback",
    "request": "portal.request",
    "survey": "surveys.response",  # one survey send (surveys.links)
    "chat": "portal.chat",
}


@dataclass(frozen=True)
class LinkPayload:
    """What a customer form link names: its contact, and the nonce that makes it one link."""

    contact: Contact
    nonce: str
    # The score a message's score link carries (0–10), preselected on the form; None otherwise.
    score: int | None = None


class LinkError(Exception):
    """The link was tampered with, has expired, or its contact is gone."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


NPS_SCORES = range(11)


def make_token(form: str, contact: Contact, *, nonce: str = "", score: int | None = None) -> str:
    """A signed token for `contact`'s `form`: a fresh nonce unless given, and a score if given."""
    payload: dict[str, object] = {"c": contact.pk, "n": nonce or secrets.token_urlsafe(9)}
    if score is not None:
        payload["s"] = score
    return signing.dumps(payload, salt=FORM_SALTS[form], compress=True)


def read_token(form: str, token: str) -> LinkPayload:
    """The contact and nonce a token names, or LinkError."""
    try:
        payload = signing.loads(
            token, salt=FORM_SALTS[form], max_age=settings.PORTAL_LINK_DAYS * 86400
        )
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    contact = Contact.objects.select_related("account").filter(pk=payload.get("c")).first()
    if contact is None:
        raise LinkError("invalid")
    score = payload.get("s")
    if score is not None and (type(score) is not int or score not in NPS_SCORES):
        raise LinkError("invalid")
    return LinkPayload(contact=contact, nonce=str(payload.get("n", "")), score=score)


def form_links(contact: Contact) -> dict[str, str]:
    """The links to this contact's feedback and task-request forms, for a message.

    Also `nps_0` … `nps_10`: the feedback link with a score chosen, for an e-mail
    that asks the question itself. They share the feedback link's nonce, so
    whichever the customer follows, the message holds one answer.
    """
    feedback_nonce = secrets.token_urlsafe(9)

    def url(form: str, **token: object) -> str:
        return absolute_url(reverse(f"portal:{form}", args=[make_token(form, contact, **token)]))

    links = {
        "feedback": url("feedback", nonce=feedback_nonce),
        "request": url("request"),
        # The contact's chat conversation in the portal (conversations), from any message.
        "chat": url("chat"),
    }
    for score in NPS_SCORES:
        links[f"nps_{score}"] = url("feedback", nonce=feedback_nonce, score=score)
    return links
