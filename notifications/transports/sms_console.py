"""SMS written to the log: the default, so a laptop needs no SMS provider."""

import logging

from ..models import Message
from .base import Transport

logger = logging.getLogger("opencsm.sms")


class ConsoleSmsTransport(Transport):
    def send(self, message: Message) -> str:
        logger.info("SMS to %s: %s", message.recipient, message.body_text)
        return f"console-sms-{message.pk}"
