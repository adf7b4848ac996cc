"""A transport that keeps e-mail and SMS instead of sending them: the dry run's way out.

Inside `captured()` (this thread only), `transport_for` hands e-mail, SMS,
webhooks and Slack posts to a `Captured` collector, which records each message
as its recipient would have received it, at the time (core.clock) it would have
gone, and reports it sent. Nothing reaches a mail server, an SMS provider, a
webhook receiver or Slack. In-app alerts keep their own transport: they are
rows, which the simulator's transaction rolls back.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from core import clock

from ..models import Message
from .base import Transport


@dataclass(frozen=True)
class CapturedMessage:
    """One message as it would have left: what the recipient would have seen."""

    message_id: int
    channel: str
    recipient: str
    subject: str
    body_text: str
    body_html: str
    sent_at: datetime


@dataclass
class Captured:
    """Every message the capturing transport took, in the order it took them."""

    messages: list[CapturedMessage] = field(default_factory=list)


_collector: ContextVar[Captured | None] = ContextVar("captured_messages", default=None)


def collector() -> Captured | None:
    """The collector in effect here, or None (messages really go)."""
    return _collector.get()


@contextmanager
def captured() -> Iterator[Captured]:
    """Within this block, e-mail, SMS, webhooks and Slack posts are captured, not sent."""
    collected = Captured()
    token = _collector.set(collected)
    try:
        yield collected
    finally:
        _collector.reset(token)


class CapturingTransport(Transport):
    """Records each message in the collector and calls it delivered."""

    def __init__(self, collected: Captured) -> None:
        self.collected = collected

    def send(self, message: Message) -> str:
        self.collected.messages.append(
            CapturedMessage(
                message_id=message.pk,
                channel=message.channel,
                recipient=message.recipient,
                subject=message.subject,
                body_text=message.body_text,
                body_html=message.body_html,
                sent_at=clock.now(),
            )
        )
        return f"simulated-{message.pk}"

    def send_many(self, messages: Sequence[Message]) -> Iterator[str | Exception]:
        for message in messages:
            yield self.send(message)
