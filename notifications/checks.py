"""A deployment check: customer e-mail that is written to a folder is never received."""

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

from .mail_folder import EMAIL_BACKEND as FOLDER_BACKEND


@register(deploy=True)
def check_email_is_sent(app_configs: Any = None, **kwargs: Any) -> list:
    """Without EMAIL_URL every customer e-mail lands in DEV_MAIL_DIR on the server: the
    playbooks look as if they ran, and nobody receives anything."""
    if settings.DEBUG or settings.EMAIL_BACKEND != FOLDER_BACKEND:
        return []
    return [
        Warning(
            f"EMAIL_URL is not set: e-mail is written to {settings.DEV_MAIL_DIR}, not sent.",
            hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.com:587.",
            id="notifications.W001",
        )
    ]
