"""Messages as the widget and the portal page receive them (JSON, plain text)."""

from typing import Any

from django.conf import settings

from .models import AuthorKind, Message


def author_name(message: Message) -> str:
    """Who wrote it, as the customer sees it: a team member's name, or the company's."""
    if message.author_kind == AuthorKind.CONTACT:
        return message.conversation.contact.name
    user = message.author_user
    if message.author_kind == AuthorKind.STAFF and user is not None:
        return user.get_full_name() or user.get_username()
    return settings.COMPANY_NAME


def as_json(message: Message, name: str) -> dict[str, Any]:
    return {
        "id": message.pk,
        "author": message.author_kind,
        "name": name,
        "body": message.body,
        "at": message.created_at.isoformat(),
        # A poll's choices ({"label", "url"}), shown as buttons; [] for a plain message.
        "choices": list(message.poll.get("choices", [])) if message.poll else [],
    }


def messages_json(messages: list[Message]) -> list[dict[str, Any]]:
    """`messages` (with conversation__contact and author_user joined) as JSON."""
    return [as_json(message, author_name(message)) for message in messages]
