"""Signed, expiring links that open a customer form for one contact.

The token names the contact and carries a nonce: one feedback link is one
answer (a second one is the same answer, or a change the customer confirms),
and one request link opens one task per request it is sent, however often
(a double click, Back and Send again): the task's key is the link and what
the request says.
"""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from accounts.models import Contact
from notifications.templating import absolute_url

SALTS = {"feedback": "portal.feedback", "request": "portal.request"}


@dataclass(frozen=True)
class LinkPayload:
    contact: Contact
    nonce: str


class LinkError(Exception):
    """The link was tampered with, has expired, or its contact is gone."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def make_token(form: str, contact: Contact) -> str:
    return signing.dumps(
        {"c": contact.pk, "n": secrets.token_urlsafe(9)}, salt=SALTS[form], compress=True
    )


def read_token(form: str, token: str) -> LinkPayload:
    """The contact and nonce a token names, or LinkError."""
    try:
        payload = signing.loads(token, salt=SALTS[form], max_age=settings.PORTAL_LINK_DAYS * 86400)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except signing.BadSignature:
        raise LinkError("invalid") from None
    contact = Contact.objects.select_related("account").filter(pk=payload.get("c")).first()
    if contact is None:
        raise LinkError("invalid")
    return LinkPayload(contact=contact, nonce=str(payload.get("n", "")))


def form_links(contact: Contact) -> dict[str, str]:
    """The links to this contact's feedback and task-request forms, for a message."""
    return {
        form: absolute_url(reverse(f"portal:{form}", args=[make_token(form, contact)]))
        for form in SALTS
    }


def feedback_key(link: LinkPayload) -> str:
    """The submission key of the one answer a feedback link holds."""
    return f"portal:{link.nonce}"


def request_key_prefix(link: LinkPayload) -> str:
    """What every request key sent through this link starts with."""
    return f"portal:{link.nonce}:"


def request_key(link: LinkPayload, *, title: str, details: str) -> str:
    """The key of a request on this link: the same words, however spaced or cased, are one.

    The urgency is left out: sending the same request again as more urgent is
    still the same request, not a second task.
    """
    content = "\n".join(
        " ".join(unicodedata.normalize("NFKC", text).casefold().split())
        for text in (title, details)
    )
    return request_key_prefix(link) + hashlib.sha256(content.encode()).hexdigest()[:40]
