"""In-app staff alerts: delivery is an inbox row, created once per message."""

from core import clock

from ..models import Alert, Message
from .base import Transport


class InAppTransport(Transport):
    def send(self, message: Message) -> str:
        alert, _ = Alert.objects.get_or_create(
            message=message,
            defaults={
                "user_id": message.user_id,
                "account_id": message.account_id,
                "title": message.subject,
                "body": message.body_text,
                "link": message.link,
                "created_at": clock.now(),
            },
        )
        return f"alert-{alert.pk}"
