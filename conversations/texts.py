"""What a message may say: plain text, 1 to MESSAGE_MAX_LENGTH characters.

HTML is not removed but kept as the characters typed: every page and the widget
show a body as text (templates escape it, the widget sets `textContent`), so
`<b>` reads as `<b>`. Control characters other than line breaks and tabs are
dropped (PostgreSQL refuses NUL, and they render as nothing anyway).
"""

import re

from django.core.exceptions import ValidationError

from .models import MESSAGE_MAX_LENGTH, PREVIEW_LENGTH

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_body(body: object) -> str:
    """The message as it will be stored, or a ValidationError saying what to fix."""
    if not isinstance(body, str):
        raise ValidationError("A message is text.", code="invalid")
    text = CONTROL.sub("", body.replace("\r\n", "\n")).strip()
    if not text:
        raise ValidationError("Write a message first: this one is empty.", code="empty")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            f"Keep a message under {MESSAGE_MAX_LENGTH:,} characters (this one has {len(text):,}).",
            code="too_long",
        )
    return text


def preview(body: str) -> str:
    """One line of the message for lists."""
    line = " ".join(body.split())
    return line if len(line) <= PREVIEW_LENGTH else line[: PREVIEW_LENGTH - 1] + "…"
