"""SMS kept in the development mail folder: the default, so a laptop needs no SMS provider."""

import logging

from .. import mail_folder
from ..models import Message
from .base import Transport

logger = logging.getLogger("opencsm.sms")


class ConsoleSmsTransport(Transport):
    def send(self, message: Message) -> str:
        name = mail_folder.write_sms(to=message.recipient, text=message.body_text)
        # INFO: on the console only with LOG_LEVEL=INFO; the file holds the message.
        logger.info("SMS to %s: %s", message.recipient, message.body_text)
        return name  # the file, as the provider's id
