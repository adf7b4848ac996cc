"""The door every API request passes: its token, its rate limit, then its body's
type and size, before any of the body is parsed."""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from core import clock
from core.ratelimit import allow

from .models import ApiToken
from .tokens import token_for_key

# Methods whose requests carry a JSON body in this API.
WITH_BODY = {"POST", "PUT", "PATCH"}


class RateLimited(Exception):
    """The token used up its requests for this minute."""


class UnsupportedMediaType(Exception):
    """A body that is not declared as JSON (form data, text, multipart …)."""

    def __init__(self, content_type: str) -> None:
        super().__init__(content_type)
        self.content_type = content_type


class EmptyBody(Exception):
    """A POST or PUT without a body."""


class BodyTooLarge(Exception):
    """A body over API_MAX_BODY_BYTES."""


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ocsm_…`: a live token, within its rate limit."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = token_for_key(token)
        if api_token is None:
            return None
        if not allow(
            key=f"api:{api_token.pk}",
            limit=settings.API_RATE_LIMIT_PER_MINUTE,
            window=timedelta(minutes=1),
        ):
            raise RateLimited
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=clock.now())
        read_json_body(request)
        return api_token


def is_json(content_type: str) -> bool:
    """application/json, or a JSON-based type such as application/merge-patch+json."""
    kind = content_type.strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


def read_json_body(request: HttpRequest) -> None:
    """Refuse a missing body (400), one not sent as JSON (415) or one over
    API_MAX_BODY_BYTES (413); read the rest, before anything parses it.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB, meant for forms) would
    refuse a valid batch of 1,000 events with a server error, so the API reads
    its body under its own limit, once, where `request.body` finds it.
    """
    if request.method not in WITH_BODY:
        return
    limit = settings.API_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # Django reads such a body as empty; so do we
        declared = 0
    if declared == 0:
        raise EmptyBody  # whatever its declared type: there is nothing to read
    if not is_json(request.content_type or ""):
        raise UnsupportedMediaType(request.content_type or "")
    if declared > limit:
        raise BodyTooLarge
    if not hasattr(request, "_body"):
        body = request.read(limit + 1)
        if len(body) > limit:
            raise BodyTooLarge
        request._body = body
