"""Conversation data: a thread started, a customer's message, a first reply overdue."""

from __future__ import annotations

from typing import TypedDict

from django.urls import reverse

from conversations.models import Conversation, Message
from core import clock
from notifications.templating import absolute_url

from .kind import Data


class ConversationData(TypedDict):
    conversation_id: int
    contact_id: int
    contact_name: str
    assignee_id: int | None


class ChatMessageData(ConversationData):
    message_id: int
    body: str  # the customer's words (at most 500 characters)


class FirstResponseData(ChatMessageData):
    level: str  # "owner", then "manager"
    waiting_since: str  # when the customer's first unanswered message came, local time
    conversation_url: str  # the thread on the staff's Conversations page


def _conversation(conversation: Conversation) -> ConversationData:
    return {
        "conversation_id": conversation.pk,
        "contact_id": conversation.contact_id,
        "contact_name": conversation.contact.name,
        "assignee_id": conversation.assignee_id,
    }


def started(announcement: Data) -> ConversationData:
    conversation = Conversation.objects.select_related("contact").get(
        pk=announcement["conversation_id"]
    )
    return _conversation(conversation)


def message_received(announcement: Data) -> ChatMessageData:
    message = Message.objects.select_related("conversation__contact").get(
        pk=announcement["message_id"]
    )
    return {
        **_conversation(message.conversation),
        "message_id": message.pk,
        "body": message.body[:500],
    }


def first_response_key(announcement: Data) -> str:
    """Once per waiting spell (its first unanswered message) and level."""
    return (
        f"chat-first-response:{announcement['conversation_id']}:"
        f"{announcement['message_id']}:{announcement['level']}"
    )


def first_response(announcement: Data) -> FirstResponseData:
    message = Message.objects.select_related("conversation__contact", "conversation__account").get(
        pk=announcement["message_id"]
    )
    account = message.conversation.account
    return {
        **_conversation(message.conversation),
        "message_id": message.pk,
        "body": message.body[:500],
        "level": announcement["level"],
        "waiting_since": clock.format_local(message.created_at, account.timezone),
        "conversation_url": absolute_url(
            reverse("conversations:thread", args=[message.conversation_id])
        ),
    }
