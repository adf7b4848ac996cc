"""The development mail folder: e-mail and SMS kept as files instead of leaving the machine.

With no EMAIL_URL and SMS_BACKEND=console (a laptop's `make run`), the
transports write each message to one file in DEV_MAIL_DIR, so nothing is sent
and nothing floods the console. The files are plain RFC 5322 messages (`.eml`,
which any mail client opens); an SMS is one too, with its text as the body.
The Development mail page reads them back through `newest_first` and `read`;
writing and reading live here together so the file format has one owner.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from django.conf import settings

from core import clock

from .models import Channel
from .transports import SMS_BACKENDS

# The Django e-mail backend that writes here (EMAIL_BACKEND when EMAIL_URL is unset).
EMAIL_BACKEND = "notifications.transports.folder_email.EmailBackend"
# <UTC time>-<channel>-<random>.eml: names sort by time, and nothing else is ever read.
STAMP = "%Y%m%dT%H%M%S.%fZ"
NAME = re.compile(r"^(?P<at>\d{8}T\d{6}\.\d{6}Z)-(?P<channel>email|sms)-[0-9a-f]{8}\.eml$")


@dataclass(frozen=True)
class FolderMessage:
    """One message as the development backends wrote it."""

    name: str
    channel: str
    sent_at: datetime
    recipient: str
    subject: str
    text: str
    html: str

    def get_channel_display(self) -> str:
        return Channel(self.channel).label


def kept_channels() -> list[str]:
    """The channels whose messages go to the folder rather than to a provider."""
    sms_backend = SMS_BACKENDS.get(settings.SMS_BACKEND, settings.SMS_BACKEND)
    kept = {
        Channel.EMAIL: settings.EMAIL_BACKEND == EMAIL_BACKEND,
        Channel.SMS: sms_backend == SMS_BACKENDS["console"],
    }
    return [channel for channel, is_kept in kept.items() if is_kept]


def in_use() -> bool:
    """True while e-mail or SMS goes to the folder: the Development mail page is there."""
    return bool(kept_channels())


def folder() -> Path:
    return Path(settings.DEV_MAIL_DIR)


def write(*, channel: str, content: bytes, at: datetime | None = None) -> str:
    """Store one message's bytes as a new file; returns its name.

    Written under a hidden name and renamed, so the page never reads half a file.
    """
    at = (at or clock.now()).astimezone(UTC)
    name = f"{at.strftime(STAMP)}-{channel}-{secrets.token_hex(4)}.eml"
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    partial = target / f".{name}.partial"
    partial.write_bytes(content)
    os.replace(partial, target / name)
    return name


def write_sms(*, to: str, text: str, at: datetime | None = None) -> str:
    """Store one SMS, as a message whose body is the text."""
    at = at or clock.now()
    sms = EmailMessage()
    sms["To"] = to
    sms["From"] = settings.TWILIO_FROM_NUMBER or "OpenCSM"
    sms["Date"] = format_datetime(at.astimezone(UTC))
    sms.set_content(text)
    return write(channel=Channel.SMS, content=sms.as_bytes(), at=at)


def newest_first() -> list[str]:
    """The names of every stored message, the newest first."""
    try:
        names = [entry.name for entry in os.scandir(folder()) if NAME.match(entry.name)]
    except FileNotFoundError:  # nothing written yet
        return []
    return sorted(names, reverse=True)


def read(name: str) -> FolderMessage | None:
    """The stored message called `name`, or None if there is none (or the name is not ours)."""
    match = NAME.match(name)
    if match is None:
        return None
    try:
        content = (folder() / name).read_bytes()
    except FileNotFoundError:
        return None
    parsed = email.message_from_bytes(content, policy=email.policy.default)
    return FolderMessage(
        name=name,
        channel=match["channel"],
        sent_at=datetime.strptime(match["at"], STAMP).replace(tzinfo=UTC),
        recipient=str(parsed.get("To", "")),
        subject=str(parsed.get("Subject", "")),
        text=_part(parsed, "plain"),
        html=_part(parsed, "html"),
    )


def _part(parsed: EmailMessage, subtype: str) -> str:
    body = parsed.get_body(preferencelist=(subtype,))
    return body.get_content() if body is not None else ""
