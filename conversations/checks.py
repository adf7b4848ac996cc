"""A deployment check: without its secret the chat widget cannot tell one contact from another."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def check_identity_secret(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """CHAT_IDENTITY_SECRET must be set (and long) in production: the widget refuses every
    identity without it, and a guessable one lets anyone read a contact's messages."""
    secret = settings.CHAT_IDENTITY_SECRET
    if settings.DEBUG or len(secret) >= 32:
        return []
    return [
        Error(
            "CHAT_IDENTITY_SECRET is not set (or shorter than 32 characters): the chat "
            "widget refuses every visitor.",
            hint="Set it to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, and give the "
            "same value to your SaaS product, which signs each contact's id with it.",
            id="conversations.E001",
        )
    ]
