"""The offline e-mail: a team message the contact has not read within 10 minutes.

One sweep every minute finds, in one query, every conversation with such
messages (not yet e-mailed, newer than the contact's read marker) and queues one
e-mail per conversation through the outbox, which applies opt-outs (the e-mail
is not transactional: an unsubscribe stops it). Exactly once: the outbox row is
unique per cause key (`chat-unread:<conversation>:<newest message>`), and the
messages it covers are marked e-mailed in the same transaction, so the next run,
or a second worker, finds nothing more for them. A message the contact reads
first is never e-mailed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max

from core import clock
from core.causes import Cause
from notifications.services import queue_customer_message

from .models import AuthorKind, Conversation, Message

TEMPLATE = "chat-unread-message"
# Older unread messages are history (a new install, an outage): not worth an e-mail now.
LOOKBACK = timedelta(days=2)
QUOTED = 5  # messages quoted in the e-mail, newest last


def _due():
    now = clock.now()
    cutoff = now - timedelta(minutes=settings.CHAT_EMAIL_UNREAD_AFTER_MINUTES)
    return Message.objects.filter(
        emailed_at__isnull=True,
        created_at__lte=cutoff,
        created_at__gt=now - LOOKBACK,
        id__gt=F("conversation__contact_read_upto"),
    ).exclude(author_kind=AuthorKind.CONTACT)


def email_unread_messages() -> int:
    """Queue the offline e-mails now due; how many conversations got one."""
    per_conversation = list(
        _due().values("conversation_id").annotate(newest=Max("id"), count=Count("id"))
    )
    sent = 0
    for row in per_conversation:
        sent += _email_one(row["conversation_id"], row["newest"], row["count"])
    return sent


@transaction.atomic
def _email_one(conversation_id: int, newest: int, count: int) -> int:
    conversation = Conversation.objects.select_related("account", "contact").get(pk=conversation_id)
    covered = _due().filter(conversation_id=conversation_id, id__lte=newest)
    quoted = list(covered.select_related("author_user").order_by("-id")[:QUOTED])[::-1]
    text = "\n\n".join(f"{_name(m)}: {m.body}" for m in quoted)
    queue_customer_message(
        account=conversation.account,
        contact=conversation.contact,
        template_key=TEMPLATE,
        cause_key=f"chat-unread:{conversation_id}:{newest}",
        cause=Cause.by_system("chat: unread messages"),
        data={"messages": text, "count": count, "conversation_id": conversation_id},
    )
    return bool(covered.update(emailed_at=clock.now()))


def _name(message: Message) -> str:
    user = message.author_user
    if user is not None:
        return user.get_full_name() or user.get_username()
    return settings.COMPANY_NAME
