"""Every change to a conversation: one function each, atomic, a no-op when repeated.

The conversation row is locked first (its counters and read markers change with
each message), so two messages at once queue up. Each service announces what
workflows may act on through core.handover, and what the other side's page
shows through conversations.realtime, both after commit.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.models import Account, Contact
from core import clock
from core.causes import Cause
from core.handover import record_and_announce
from workqueue.models import TouchKind
from workqueue.touches import log_touch

from . import realtime, signals
from .business_hours import add_business_hours
from .models import AuthorKind, Conversation, ConversationStatus, Message
from .texts import clean_body, preview


@dataclass(frozen=True)
class Posted:
    message: Message
    created: bool  # False: the same send (its key) was already recorded


def _lock(conversation: Conversation | int) -> Conversation:
    pk = conversation if isinstance(conversation, int) else conversation.pk
    return Conversation.objects.select_for_update().select_related("account").get(pk=pk)


@transaction.atomic
def open_conversation(*, contact: Contact, cause: Cause) -> Conversation:
    """The contact's open thread, started (and announced) if there is none."""
    existing = Conversation.objects.filter(contact=contact, status=ConversationStatus.OPEN).first()
    if existing is not None:
        return existing
    now = clock.now()
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                account_id=contact.account_id,
                contact=contact,
                created_at=now,
                last_message_at=now,
            )
    except IntegrityError:  # another request started it a moment ago
        return Conversation.objects.get(contact=contact, status=ConversationStatus.OPEN)
    record_and_announce(
        signals.conversation_started,
        sender=Conversation,
        account_id=contact.account_id,
        cause=cause,
        conversation_id=conversation.pk,
        contact_id=contact.pk,
    )
    return conversation


def _add(conversation: Conversation, *, dedupe_key: str, **fields) -> Posted:
    """Insert the message once per key (a retried send returns the first)."""
    if dedupe_key:
        first = Message.objects.filter(conversation=conversation, dedupe_key=dedupe_key).first()
        if first is not None:
            return Posted(first, False)
    message = Message.objects.create(
        conversation=conversation, dedupe_key=dedupe_key, created_at=clock.now(), **fields
    )
    return Posted(message, True)


@transaction.atomic
def post_customer_message(
    *, contact: Contact, body: str, cause: Cause, dedupe_key: str = ""
) -> Posted:
    """The contact writes: into their open thread (a new one after a close).

    Starts the first-response clock if the team owes no reply yet.
    """
    text = clean_body(body)
    conversation = _lock(open_conversation(contact=contact, cause=cause))
    posted = _add(conversation, dedupe_key=dedupe_key, author_kind=AuthorKind.CONTACT, body=text)
    if not posted.created:
        return posted
    message, now = posted.message, posted.message.created_at
    changes = {
        "staff_unread": F("staff_unread") + 1,
        "contact_read_upto": message.pk,
        "contact_unread": 0,
        "last_customer_message_at": now,
        "last_message_at": now,
        "last_message_preview": preview(text),
    }
    if conversation.awaiting_since is None:
        changes |= {
            "awaiting_since": now,
            "awaiting_message_id": message.pk,
            "response_due_at": add_business_hours(now, settings.CHAT_FIRST_RESPONSE_HOURS),
            "escalation_due_at": add_business_hours(now, settings.CHAT_ESCALATION_HOURS),
        }
    Conversation.objects.filter(pk=conversation.pk).update(**changes)
    record_and_announce(
        signals.customer_message_received,
        sender=Conversation,
        account_id=conversation.account_id,
        cause=cause,
        conversation_id=conversation.pk,
        message_id=message.pk,
    )
    realtime.announce_message(conversation, message, contact.name)
    return posted


def _team_message(conversation: Conversation, message: Message) -> None:
    """What any message from the team's side changes: the contact has one more to read."""
    now = message.created_at
    Conversation.objects.filter(pk=conversation.pk).update(
        contact_unread=F("contact_unread") + 1,
        last_message_at=now,
        last_message_preview=preview(message.body),
    )


@transaction.atomic
def post_staff_reply(*, conversation: Conversation, user, body: str, cause: Cause) -> Posted:
    """A CSM answers: the team owes no reply any more, and the reply joins the account's
    timeline as a chat touch (it moves the account's last touch)."""
    text = clean_body(body)
    conversation = _lock(conversation)
    posted = _add(
        conversation, dedupe_key="", author_kind=AuthorKind.STAFF, author_user=user, body=text
    )
    message = posted.message
    _team_message(conversation, message)
    Conversation.objects.filter(pk=conversation.pk).update(
        last_staff_message_at=message.created_at,
        staff_read_upto=message.pk,
        staff_unread=0,
        awaiting_since=None,
        awaiting_message_id=None,
        response_due_at=None,
        escalation_due_at=None,
        # Whoever answers an unassigned thread takes it.
        assignee_id=conversation.assignee_id or user.pk,
    )
    log_touch(
        account=conversation.account,
        kind=TouchKind.CHAT,
        summary=text,
        author=user,
        contact=conversation.contact,
        happened_at=message.created_at,
    )
    conversation.assignee_id = conversation.assignee_id or user.pk
    realtime.announce_message(conversation, message, user.get_full_name() or user.get_username())
    return posted


@transaction.atomic
def post_playbook_message(
    *,
    account: Account,
    body: str,
    dedupe_key: str,
    cause: Cause,
    contact: Contact | None = None,
    poll: dict | None = None,
) -> Posted:
    """A playbook's step writes to the contact (the primary one unless named), once per key.

    It is not a reply: a customer still waiting for a person still is. `poll` makes
    it a one-question poll (see Message.poll): the widget and the portal page show
    its choices as buttons.
    """
    text = clean_body(body)
    contact = contact or account.contacts.filter(is_primary=True).first()
    if contact is None:
        raise ValidationError("The account has no contact to write to.", code="no_contact")
    if contact.account_id != account.pk:
        raise ValidationError("The contact belongs to another account.", code="contact_mismatch")
    conversation = _lock(open_conversation(contact=contact, cause=cause))
    posted = _add(
        conversation,
        dedupe_key=dedupe_key,
        author_kind=AuthorKind.WORKFLOW,
        run_id=cause.run_id,
        body=text,
        poll=poll or {},
    )
    if posted.created:
        _team_message(conversation, posted.message)
        realtime.announce_message(conversation, posted.message, settings.COMPANY_NAME)
    return posted
