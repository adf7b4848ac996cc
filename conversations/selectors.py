"""Reads the pages share: a contact's thread, its messages, the staff lists."""

from django.db.models import Q, QuerySet

from accounts.models import Contact

from .models import Conversation, Message

# How many of a thread's newest messages a page shows.
THREAD_LENGTH = 200

BOXES = {
    "mine": "Mine",
    "unassigned": "Unassigned",
    "all": "All",
}
STATUSES = {"open": "Open", "closed": "Closed"}


def open_or_latest(contact: Contact) -> Conversation | None:
    """The contact's open thread, else their latest closed one (what the widget shows)."""
    return (
        Conversation.objects.filter(contact=contact)
        # "open" sorts after "closed": descending puts the open thread first.
        .order_by("-status", "-last_message_at", "-id")
        .first()
    )


def thread_messages(conversation: Conversation) -> list[Message]:
    """The newest THREAD_LENGTH messages, oldest first, with their authors."""
    newest = (
        Message.objects.filter(conversation=conversation)
        .select_related("author_user", "conversation__contact")
        .order_by("-id")[:THREAD_LENGTH]
    )
    return list(reversed(newest))


def conversation_list(*, user, box: str, status: str) -> QuerySet[Conversation]:
    """The Conversations page's threads: `box` mine / unassigned / all, open or closed."""
    threads = Conversation.objects.filter(status=status).select_related(
        "account", "contact", "assignee"
    )
    if box == "mine":
        threads = threads.filter(Q(assignee=user) | Q(assignee__isnull=True, account__owner=user))
    elif box == "unassigned":
        threads = threads.filter(assignee__isnull=True)
    return threads.order_by("-last_message_at", "-id")
