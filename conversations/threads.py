"""Staff changes to a thread other than a message: assign, close, reopen, read markers.

Each is a conditional UPDATE: repeated, it changes nothing and says so (False).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from core import clock

from . import realtime
from .models import AuthorKind, Conversation, ConversationStatus, Message


@transaction.atomic
def assign(*, conversation: Conversation, assignee) -> bool:
    """Give the thread to `assignee` (None: back to unassigned)."""
    before = conversation.assignee_id
    new_id = assignee.pk if assignee else None
    changed = (
        Conversation.objects.filter(pk=conversation.pk)
        .exclude(assignee_id=new_id)
        .update(assignee_id=new_id)
        if new_id
        else Conversation.objects.filter(pk=conversation.pk, assignee__isnull=False).update(
            assignee_id=None
        )
    )
    if changed:
        conversation.assignee_id = new_id
        realtime.announce_inbox_change(conversation, also={before} if before else set())
    return bool(changed)


@transaction.atomic
def close(*, conversation: Conversation) -> bool:
    """Close the thread: it owes no reply any more; the contact's next message opens a new one."""
    changed = Conversation.objects.filter(
        pk=conversation.pk, status=ConversationStatus.OPEN
    ).update(
        status=ConversationStatus.CLOSED,
        closed_at=clock.now(),
        awaiting_since=None,
        awaiting_message_id=None,
        response_due_at=None,
        escalation_due_at=None,
    )
    if changed:
        realtime.announce_inbox_change(conversation)
    return bool(changed)


def reopen(*, conversation: Conversation) -> bool:
    """Open a closed thread again, unless the contact has started another since."""
    try:
        with transaction.atomic():
            changed = Conversation.objects.filter(
                pk=conversation.pk, status=ConversationStatus.CLOSED
            ).update(status=ConversationStatus.OPEN, closed_at=None)
    except IntegrityError:
        raise ValidationError(
            "The customer has another open conversation: answer there.", code="open_exists"
        ) from None
    if changed:
        realtime.announce_inbox_change(conversation)
    return bool(changed)


def mark_read_by_staff(*, conversation: Conversation) -> bool:
    """The team has seen everything in the thread up to its newest message."""
    newest = conversation.messages.order_by("-id").values_list("id", flat=True).first() or 0
    changed = Conversation.objects.filter(
        Q(staff_unread__gt=0) | Q(staff_read_upto__lt=newest), pk=conversation.pk
    ).update(staff_read_upto=newest, staff_unread=0)
    if changed:
        realtime.announce_inbox_change(conversation)
    return bool(changed)


def mark_read_by_contact(*, conversation: Conversation, upto: int) -> bool:
    """The contact has seen the thread up to message `upto` (what their widget showed)."""
    newest = (
        Message.objects.filter(conversation=conversation, id__lte=upto)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if newest is None:
        return False
    unread = (
        Message.objects.filter(conversation=conversation, id__gt=newest)
        .exclude(author_kind=AuthorKind.CONTACT)
        .count()
    )
    changed = Conversation.objects.filter(pk=conversation.pk, contact_read_upto__lt=newest).update(
        contact_read_upto=newest, contact_unread=unread
    )
    return bool(changed)


def unread_for_staff(user) -> int:
    """Open threads with unread customer messages that are the user's: assigned to them, or
    unassigned on an account they own (the navbar badge)."""
    return Conversation.objects.filter(
        Q(assignee=user) | Q(assignee__isnull=True, account__owner=user),
        status=ConversationStatus.OPEN,
        staff_unread__gt=0,
    ).count()
