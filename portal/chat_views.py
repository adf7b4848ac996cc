"""The contact's chat conversation in the portal, reached by `links.chat` in any message.

A plain page (no login, no widget needed): the thread as text and a box to
write in. The link is signed and expires as the other form links do; a page
nonce makes a double-clicked Send one message.
"""

import secrets

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from conversations import throttle
from conversations.models import MESSAGE_MAX_LENGTH
from conversations.selectors import open_or_latest, thread_messages
from conversations.serializers import author_name
from conversations.services import post_customer_message
from conversations.threads import mark_read_by_contact
from conversations.tickets import ticket_for_contact
from core.causes import Cause
from core.ratelimit import client_address
from notifications.links import LinkError, read_token

from .views import rate_limited

NONCE_LENGTH = 32


def _page(request: HttpRequest, contact, *, error: str = "", body: str = "", status: int = 200):
    conversation = open_or_latest(contact)
    thread = thread_messages(conversation) if conversation else []
    if conversation and thread:
        mark_read_by_contact(conversation=conversation, upto=thread[-1].pk)
    context = {
        "contact": contact,
        "conversation": conversation,
        "thread": [(message, author_name(message)) for message in thread],
        "error": error,
        "body": body,
        "nonce": secrets.token_urlsafe(12),
        "max_length": MESSAGE_MAX_LENGTH,
        "live": ticket_for_contact(contact, conversation),
    }
    return render(request, "portal/chat.html", context, status=status)


@require_http_methods(["GET", "POST"])
def chat(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the conversation; POST: the contact writes in it, then sees it again."""
    try:
        contact = read_token("chat", token).contact
    except LinkError as error:
        return render(
            request, "portal/link_invalid.html", {"expired": error.reason == "expired"}, status=400
        )
    if request.method == "GET":
        return _page(request, contact)
    body = request.POST.get("body", "")
    nonce = request.POST.get("nonce", "")[:NONCE_LENGTH]
    if not throttle.allowed(throttle.SEND, address=client_address(request), contact_id=contact.pk):
        return rate_limited(request)
    try:
        post_customer_message(
            contact=contact,
            body=body,
            dedupe_key=f"portal:{nonce}" if nonce else "",
            cause=Cause.by_customer(f"chat page ({contact.name})"),
        )
    except ValidationError as refused:
        return _page(
            request, contact, error=refused.messages[0], body=body[:MESSAGE_MAX_LENGTH], status=400
        )
    return redirect("portal:chat", token=token)
