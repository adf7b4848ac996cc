"""What the other side sees at once: each message and change is published to its topics.

Topics: `conversation:<id>` (the customer's widget or portal page and the staff
thread view) and `staff-inbox:<user id>` (a staff member's Conversations page and
navbar badge). core.live sends after commit, so a rolled-back message is never seen.
"""

from typing import Any

from core.live import publish

from .models import Conversation, Message
from .serializers import as_json


def _publish(topic: str, payload: dict[str, Any]) -> None:
    publish(topic, payload)


def conversation_topic(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def staff_topic(user_id: int) -> str:
    return f"staff-inbox:{user_id}"


def message_payload(message: Message, author_name: str) -> dict[str, Any]:
    """A message as both sides' pages render it (as text: the client never parses HTML)."""
    return {"type": "message", "conversation": message.conversation_id} | as_json(
        message, author_name
    )


def watchers(conversation: Conversation) -> set[int]:
    """The staff whose inbox shows this thread: its assignee, else the account's owner."""
    owner_id = conversation.assignee_id or conversation.account.owner_id
    return {owner_id} if owner_id else set()


def announce_message(conversation: Conversation, message: Message, author_name: str) -> None:
    """The message to the thread's viewers; a nudge to the inboxes that list it."""
    _publish(conversation_topic(conversation.pk), message_payload(message, author_name))
    announce_inbox_change(conversation)


def announce_inbox_change(conversation: Conversation, *, also: set[int] | None = None) -> None:
    """Tell the staff whose lists or badge show this thread that it changed."""
    for user_id in watchers(conversation) | (also or set()):
        _publish(staff_topic(user_id), {"type": "inbox", "conversation": conversation.pk})
