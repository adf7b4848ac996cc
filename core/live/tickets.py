"""Signed, expiring tickets: which topics one page may listen to, and for whom.

A ticket is the only authority a socket has (no session cookie is read), so the chat
widget on a customer's own site connects the same way as a staff page, and a page from
another origin cannot borrow a staff member's login to listen in.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

SALT = "core.live.ticket"
MAX_TOPICS = 50
MAX_TOPIC_LENGTH = 200

# Close codes the consumer ends a refused socket with (nothing else is sent first);
# static/js/live.js stops reconnecting on them.
CLOSE_NO_TICKET = 4400
CLOSE_BAD_TICKET = 4401
CLOSE_EXPIRED = 4403


class TicketRefused(Exception):
    """A ticket that cannot open a socket; `code` is the close code to send."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code


@dataclass(frozen=True)
class Ticket:
    topics: tuple[str, ...]
    party: str
    expires_at: float  # seconds since the epoch


def _checked_topics(topics: list[str]) -> list[str]:
    if isinstance(topics, str) or not topics:
        raise ValueError("A ticket names a list of one or more topics.")
    if len(topics) > MAX_TOPICS:
        raise ValueError(f"A ticket names at most {MAX_TOPICS} topics.")
    for topic in topics:
        if not isinstance(topic, str) or not topic or len(topic) > MAX_TOPIC_LENGTH:
            raise ValueError(f"A topic is a non-empty string of at most {MAX_TOPIC_LENGTH}.")
    return list(dict.fromkeys(topics))


def ticket(topics: list[str], *, party: str, expires_in: timedelta | None = None) -> str:
    """A signed ticket for `topics`, good for `expires_in` (default LIVE_TICKET_HOURS).

    `party` says who holds it ("user:12", "contact:34"): the consumer keeps it on the
    socket for logs and for the features built on top.
    """
    if not isinstance(party, str) or not party:
        raise ValueError("A ticket names its party.")
    lifetime = expires_in if expires_in is not None else timedelta(hours=settings.LIVE_TICKET_HOURS)
    expires_at = int(time.time() + lifetime.total_seconds())
    return signing.dumps(
        {"t": _checked_topics(topics), "p": party, "x": expires_at}, salt=SALT, compress=True
    )


def read_ticket(raw: str | None) -> Ticket:
    """The ticket `raw` carries, or TicketRefused (missing, forged, malformed or expired)."""
    if not raw:
        raise TicketRefused(CLOSE_NO_TICKET, "no ticket")
    try:
        data = signing.loads(raw, salt=SALT)
        topics, party, expires_at = data["t"], data["p"], data["x"]
        if not isinstance(expires_at, int) or not isinstance(party, str):
            raise ValueError("malformed")
        topics = _checked_topics(topics)
    except (signing.BadSignature, ValueError, TypeError, KeyError) as error:
        raise TicketRefused(CLOSE_BAD_TICKET, "forged or malformed ticket") from error
    if expires_at <= time.time():
        raise TicketRefused(CLOSE_EXPIRED, "expired ticket")
    return Ticket(topics=tuple(topics), party=party, expires_at=float(expires_at))
