"""The interface every channel's transport implements."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Message


class TransportError(Exception):
    """Delivery failed. `permanent` errors are not retried (a refused address)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport:
    """Delivers messages; returns the provider's id for each.

    Called outside any transaction, at most once per claim; raises
    TransportError on failure. A transport never writes the Message row:
    the delivery loop records the outcome.
    """

    def send(self, message: Message) -> str:
        raise NotImplementedError

    def send_many(self, messages: Sequence[Message]) -> Iterator[str | Exception]:
        """Each message's outcome in turn, sent as it is asked for: its provider id, or
        the exception that stopped it (a caller that stops asking sends no more).

        One at a time by default; a transport that can share a connection or a
        statement across a batch (e-mail, in-app) does.
        """
        for message in messages:
            try:
                yield self.send(message)
            except Exception as error:  # the delivery loop settles every kind
                yield error


class OutcomeUnknown(Exception):
    """The provider may or may not have accepted the message.

    Raised when the connection broke after the message was handed over (for
    SMTP: once DATA has begun) but before the provider confirmed it. Sending
    again could deliver a second copy, so the delivery loop never retries
    this on its own: a person decides.
    """
