"""Token authentication and the per-token rate limit."""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from core import clock
from core.ratelimit import allow

from .models import ApiToken
from .tokens import token_for_key


class RateLimited(Exception):
    """The token used up its requests for this minute."""


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
        return api_token
