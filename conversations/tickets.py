"""Live tickets: which topics a page may listen to (core.live signs them for the page)."""

from accounts.models import Contact
from core.live import ticket

from .models import Conversation
from .realtime import conversation_topic, staff_topic


def _ticket(topics: list[str], party: str) -> str:
    return ticket(topics, party=party)


def ticket_for_contact(contact: Contact, conversation: Conversation | None) -> str | None:
    """The contact's page hears their own thread only (none before they have one)."""
    if conversation is None:
        return None
    return _ticket([conversation_topic(conversation.pk)], party=f"contact:{contact.pk}")


def ticket_for_staff(user, conversation: Conversation | None = None) -> str:
    """A staff page hears the member's inbox, and the thread it shows."""
    topics = [staff_topic(user.pk)]
    if conversation is not None:
        topics.append(conversation_topic(conversation.pk))
    return _ticket(topics, party=f"user:{user.pk}")
