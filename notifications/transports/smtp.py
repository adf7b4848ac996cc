"""Django's SMTP backend, able to tell "not sent" from "outcome unknown".

Django's backend raises the same exceptions (a timeout, a dropped
connection) whether the message never left — the connection was refused,
login or a recipient failed: safe to retry — or the connection broke after
the DATA command, when the server may already have stored the message and
a retry could deliver a second copy. This backend only changes the DATA
step: a network failure there becomes OutcomeUnknown. An explicit refusal
after DATA (a 4xx/5xx reply) is still an ordinary, known failure.

The outbox's e-mail transport uses it in place of Django's SMTP backend.
"""

import smtplib

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

from .base import OutcomeUnknown


class _DataPhaseAware:
    def data(self, msg):
        try:
            return super().data(msg)
        except smtplib.SMTPResponseException:
            raise  # the server answered: it did not take the message
        except OSError as error:  # includes SMTPServerDisconnected and timeouts
            raise OutcomeUnknown(
                f"The connection to the mail server broke during DATA ({error}): "
                "it may or may not have been delivered."
            ) from error


class _SMTP(_DataPhaseAware, smtplib.SMTP):
    pass


class _SMTPSSL(_DataPhaseAware, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSMTPBackend):
    """Django's SMTP backend whose DATA step raises OutcomeUnknown on a broken connection."""

    @property
    def connection_class(self):
        return _SMTPSSL if self.use_ssl else _SMTP
