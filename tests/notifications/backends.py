"""An e-mail backend that fails like an SMTP server having a bad day."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FlakySMTPBackend(EmailBackend):
    """Raises the configured error instead of sending while `failure` is set."""

    failure: Exception | None = None

    def send_messages(self, messages):
        if FlakySMTPBackend.failure is not None:
            raise FlakySMTPBackend.failure
        return super().send_messages(messages)


def outage() -> Exception:
    return smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def refused(address: str) -> Exception:
    return smtplib.SMTPRecipientsRefused({address: (550, b"No such user")})


class CountingBackend(EmailBackend):
    """Counts the connections opened; fails the messages to `failing` with its error."""

    opened = 0
    failing: dict[str, Exception] = {}

    def open(self):
        CountingBackend.opened += 1
        return True

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in CountingBackend.failing:
                raise CountingBackend.failing[message.to[0]]
        return super().send_messages(messages)
