"""Creating, checking and revoking API tokens."""

import hashlib
import secrets

from django.db import transaction

from core import clock

from .models import ApiToken

PREFIX = "ocsm_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(*, name: str, user=None) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown this once and never stored."""
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, prefix=key[:12], key_hash=_hash(key), created_by=user, created_at=clock.now()
    )
    return token, key


def token_for_key(key: str) -> ApiToken | None:
    """The live token with this secret, or None (unknown or revoked)."""
    if not key or not key.startswith(PREFIX):
        return None
    return ApiToken.objects.filter(key_hash=_hash(key), revoked_at=None).first()


def revoke_token(*, token: ApiToken) -> bool:
    """Stop a token from working. Returns False if it already was revoked."""
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=clock.now())
    )
