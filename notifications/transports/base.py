"""The interface every channel's transport implements."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Message


class TransportError(Exception):
    """Delivery failed. `permanent` errors are not retried (a refused address)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport:
    """Delivers one message; returns the provider's id for it.

    Called outside any transaction, at most once per claim; raises
    TransportError on failure. A transport never writes the Message row:
    the delivery loop records the outcome.
    """

    def send(self, message: Message) -> str:
        raise NotImplementedError


class OutcomeUnknown(Exception):
    """The provider may or may not have accepted the message.

    Raised when the connection broke after the message was handed over (for
    SMTP: once DATA has begun) but before the provider confirmed it. Sending
    again could deliver a second copy, so the delivery loop never retries
    this on its own: a person decides.
    """
