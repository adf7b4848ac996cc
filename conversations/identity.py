"""Who is chatting: a contact the SaaS product vouches for, or a signed portal link.

The product signs `"<account external id>/<contact external id>"` with
HMAC-SHA256 and this installation's CHAT_IDENTITY_SECRET (the identity
verification of Intercom and its peers) and renders the hex digest into its
page beside the two ids. Ids never contain "/" (the API refuses them), so the
signed text names one contact. Without the secret, an id alone proves nothing:
another installation's signature, a forged or a missing one is refused, and a
refused visitor sees nobody's messages.

A verified visitor gets a short-lived session token (Django's signing) that the
widget sends with each request. The portal's chat page is reached instead by the
signed `links.chat` every customer message carries (notifications.links).
"""

import hashlib
import hmac

from django.conf import settings
from django.core import signing

from accounts.models import Contact

SESSION_SALT = "conversations.widget"
SESSION_SECONDS = 12 * 3600


class IdentityError(Exception):
    """The visitor is not who they say: `reason` is what the widget shows."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def identity_hash(account_external_id: str, contact_external_id: str, *, secret: str = "") -> str:
    """The signature the SaaS product puts in its page for this contact (hex)."""
    key = (secret or settings.CHAT_IDENTITY_SECRET).encode()
    text = f"{account_external_id}/{contact_external_id}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()


def verified_contact(*, account: str, contact: str, signature: str) -> Contact:
    """The contact these ids name, if `signature` is this installation's; else IdentityError."""
    if not settings.CHAT_IDENTITY_SECRET:
        raise IdentityError("Chat is not set up on this installation.")
    if not (account and contact and signature):
        raise IdentityError("The chat needs the account, the contact and their signature.")
    if "/" in account or "/" in contact:
        raise IdentityError("That is not an account or contact id.")
    expected = identity_hash(account, contact)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise IdentityError("This chat's identity signature is not valid.")
    found = (
        Contact.objects.select_related("account")
        .filter(account__external_id=account, external_id=contact)
        .first()
    )
    if found is None:
        raise IdentityError("We do not know this contact yet.")
    return found


def session_token(contact: Contact) -> str:
    """What the widget sends with each request after its identity was verified."""
    return signing.dumps({"c": contact.pk}, salt=SESSION_SALT, compress=True)


def contact_for_session(token: str) -> Contact:
    """The contact a widget session names; IdentityError when forged, expired or gone."""
    return _read(token, SESSION_SALT, SESSION_SECONDS)


def _read(token: str, salt: str, max_age: int) -> Contact:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise IdentityError("This chat session has expired: open the chat again.") from None
    except signing.BadSignature:
        raise IdentityError("This chat session is not valid.") from None
    contact = Contact.objects.select_related("account").filter(pk=payload.get("c")).first()
    if contact is None:
        raise IdentityError("This chat session is not valid.")
    return contact
