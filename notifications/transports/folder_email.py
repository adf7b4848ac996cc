"""A Django e-mail backend that writes each message to the development mail folder.

Django's file backend appends every message of a connection to one `.log`
file with separators; the Development mail page needs one message per file,
so this one stores each as its own `.eml` (see notifications.mail_folder).
"""

from django.core.mail.backends.base import BaseEmailBackend

from .. import mail_folder
from ..models import Channel


class EmailBackend(BaseEmailBackend):
    """Sends nothing: each message becomes a file. An unwritable folder raises OSError."""

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            mail_folder.write(channel=Channel.EMAIL, content=message.message().as_bytes())
        return len(email_messages)
