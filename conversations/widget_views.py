"""The chat widget's JSON endpoints, called from the SaaS product's pages (another site).

CSRF: nothing here reads a cookie. A visitor proves who they are with the ids and
the HMAC signature the product rendered into its own page (conversations.identity),
exchanged for a session token that the widget keeps in memory and sends in the
`Authorization: Bearer` header. A cross-site attacker's page can neither read that
page nor that token, and a browser adds no such header on its own, so there is no
ambient credential for a forged request to ride on: the views are exempt from
Django's cookie-based CSRF check because they do not use cookies at all. Bodies must
be `application/json` (a plain HTML form cannot send that), and the CORS answer
allows any origin but never credentials, so a reply can only be read by the page
that holds the token.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from core.causes import Cause
from core.ratelimit import client_address

from . import throttle
from .identity import IdentityError, contact_for_session, session_token, verified_contact
from .selectors import open_or_latest, thread_messages
from .serializers import messages_json
from .services import post_customer_message
from .threads import mark_read_by_contact
from .tickets import ticket_for_contact

MAX_BODY_BYTES = 32 * 1024
CLIENT_ID_LENGTH = 64


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
    response["Access-Control-Max-Age"] = "600"
    return response


def refuse(status: int, error: str, **extra: Any) -> JsonResponse:
    """A refusal the widget shows as is: `{"error": "…"}`."""
    response = JsonResponse({"error": error, **extra}, status=status)
    if status == 429:
        response["Retry-After"] = "60"
    return _cors(response)


def endpoint(methods: tuple[str, ...]) -> Callable:
    """CORS, the allowed methods and a JSON body (as `request.json`) for a widget view."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "OPTIONS":
                return _cors(HttpResponse(status=204))
            if request.method not in methods:
                return refuse(405, "This address does not take that method.")
            request.json = {}
            if request.method == "POST":
                if request.content_type != "application/json":
                    return refuse(415, "Send JSON (Content-Type: application/json).")
                if len(request.body) > MAX_BODY_BYTES:
                    return refuse(413, "That request is too large.")
                try:
                    request.json = json.loads(request.body or b"{}")
                except ValueError:
                    return refuse(400, "That request is not valid JSON.")
                if not isinstance(request.json, dict):
                    return refuse(400, "Send a JSON object.")
            return _cors(view(request, *args, **kwargs))

        return wrapper

    return decorate


def _contact(request: HttpRequest):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise IdentityError("Open the chat again: this session is missing its identity.")
    return contact_for_session(header.removeprefix("Bearer ").strip())


def _state(contact) -> dict[str, Any]:
    conversation = open_or_latest(contact)
    messages = thread_messages(conversation) if conversation else []
    return {
        "conversation": conversation.pk if conversation else None,
        "messages": messages_json(messages),
        "live": ticket_for_contact(contact, conversation),
    }


@endpoint(("POST",))
def session(request: HttpRequest) -> HttpResponse:
    """Verify the product's identity for a contact; answer a session token and the thread."""
    address = client_address(request)
    if not throttle.allowed(throttle.SESSION, address=address):
        return refuse(429, "Too many attempts: wait a minute and try again.")
    data = request.json
    try:
        contact = verified_contact(
            account=str(data.get("account") or ""),
            contact=str(data.get("contact") or ""),
            signature=str(data.get("signature") or ""),
        )
    except IdentityError as refused:
        return refuse(403, refused.reason)
    return JsonResponse({"token": session_token(contact), "name": contact.name, **_state(contact)})


@endpoint(("GET", "POST"))
def messages(request: HttpRequest) -> HttpResponse:
    """GET: the thread (newer than `after`); POST `{"body", "client_id"}`: write in it."""
    try:
        contact = _contact(request)
    except IdentityError as refused:
        return refuse(403, refused.reason)
    address = client_address(request)
    limit = throttle.SEND if request.method == "POST" else throttle.READ
    if not throttle.allowed(limit, address=address, contact_id=contact.pk):
        return refuse(429, "You are sending very fast: wait a minute and try again.")
    if request.method == "GET":
        return JsonResponse(_state(contact))
    client_id = request.json.get("client_id") or ""
    if not isinstance(client_id, str) or len(client_id) > CLIENT_ID_LENGTH:
        return refuse(400, f"client_id is text of at most {CLIENT_ID_LENGTH} characters.")
    try:
        posted = post_customer_message(
            contact=contact,
            body=request.json.get("body"),
            dedupe_key=f"widget:{client_id}" if client_id else "",
            cause=Cause.by_customer(f"chat widget ({contact.name})"),
        )
    except ValidationError as refused:
        return refuse(400, refused.messages[0])
    state = _state(contact)
    return JsonResponse({**state, "sent": posted.message.pk}, status=201 if posted.created else 200)


@endpoint(("POST",))
def read(request: HttpRequest) -> HttpResponse:
    """`{"upto": <message id>}`: the contact has seen the thread up to there."""
    try:
        contact = _contact(request)
    except IdentityError as refused:
        return refuse(403, refused.reason)
    if not throttle.allowed(throttle.READ, address=client_address(request), contact_id=contact.pk):
        return refuse(429, "Too many requests: wait a minute and try again.")
    upto = request.json.get("upto")
    if type(upto) is not int or upto < 0:
        return refuse(400, "upto is a message id.")
    conversation = open_or_latest(contact)
    changed = bool(conversation) and mark_read_by_contact(conversation=conversation, upto=upto)
    return JsonResponse({"read": changed})
