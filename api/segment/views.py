"""Segment's HTTP tracking API: POST /v1/batch, /v1/identify, /v1/track, /v1/group, /v1/page,
/v1/screen, and /v1/webhook for Segment's webhook destination (one message of any type).

Authenticated by an API token used as the write key (HTTP Basic, the key as
user name; or `writeKey` in the body). Messages go through the events API's
batch path (api.events.ingest) with Segment's messageIds as the ids: every
message is answered on its own, a repeat changes nothing. Answers: 200
`{"success": true, …results}`; 422 if every message was refused (the results
say why); 400 over the size limits or for a body that is not JSON; 401 without
a live token; 429 over the token's rate limit; 503 when concurrent batches kept
colliding (nothing applied; send again).
"""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core import clock
from core.ratelimit import allow

from ..events import Contended, ingest
from ..models import ApiToken, SegmentMapping
from ..tokens import token_for_key
from .messages import parse_messages
from .requests import BATCH_LIMIT, MESSAGE_LIMIT, Refusal, message_size, read_body, write_key

# Whose ids messageIds are: the Segment source's (the product's), whichever token.
SENDER = "segment"
SINGLE = {"identify", "track", "group", "page", "screen"}


def refused(status: int, code: str, message: str) -> JsonResponse:
    """Segment's error shape."""
    return JsonResponse({"success": False, "code": code, "message": message}, status=status)


def segment_mapping() -> SegmentMapping:
    """The admin's mapping, or the defaults while none is saved (nothing written)."""
    return SegmentMapping.objects.first() or SegmentMapping()


@csrf_exempt
@require_POST
def segment_call(request: HttpRequest, method: str) -> JsonResponse:
    """One Segment call (`method` names it), or a batch of them, applied once each."""
    try:
        body = read_body(request, limit=BATCH_LIMIT if method == "batch" else MESSAGE_LIMIT)
        token = _authenticate(write_key(request) or str(body.pop("writeKey", "") or ""))
        if method == "batch":
            items = body.get("batch")
            if not isinstance(items, list):
                raise Refusal(400, "invalid_request", "`batch` must be a list of messages.")
            if len(items) > settings.API_MAX_BATCH:
                raise Refusal(
                    400, "invalid_request", f"At most {settings.API_MAX_BATCH} messages a batch."
                )
            if any(message_size(item) > MESSAGE_LIMIT for item in items):
                raise Refusal(400, "payload_too_large", "A message is over 32 KB.")
            defaults = {key: body[key] for key in ("context", "integrations") if key in body}
        else:
            if method != "webhook":
                body["type"] = method  # Segment's rule: the endpoint says the type
            items, defaults = [body], {}
    except Refusal as refusal:
        response = refused(refusal.status, refusal.code, refusal.message)
        if refusal.status == 429:
            response["Retry-After"] = "60"
        return response
    mapping, received_at = segment_mapping(), clock.now()
    try:
        result = ingest(
            token=token,
            items=items,
            sender=SENDER,
            parse=lambda raw: parse_messages(
                raw, mapping=mapping, received_at=received_at, defaults=defaults
            ),
        )
    except Contended:
        response = refused(503, "contended", "Concurrent writes; nothing applied. Send again.")
        response["Retry-After"] = "1"
        return response
    answer = {"success": result.rejected < len(items), **result.model_dump()}
    if items and result.rejected == len(items):
        answer |= {"code": "invalid_request", "message": "Every message was refused; see results."}
        return JsonResponse(answer, status=422)
    return JsonResponse(answer)


class RateLimited(Refusal):
    def __init__(self) -> None:
        super().__init__(429, "rate_limited", "The token's requests a minute are used up.")


def _authenticate(key: str) -> ApiToken:
    token = token_for_key(key)
    if token is None:
        raise Refusal(401, "unauthorized", "Missing, unknown or revoked write key (API token).")
    if not allow(
        key=f"api:{token.pk}", limit=settings.API_RATE_LIMIT_PER_MINUTE, window=timedelta(minutes=1)
    ):
        raise RateLimited
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=clock.now())
    return token
