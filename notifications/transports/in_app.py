"""In-app staff alerts: delivery is an inbox row, created once per message."""

from collections.abc import Iterator, Sequence

from core import clock

from ..models import Alert, Message
from .base import Transport


class InAppTransport(Transport):
    def send(self, message: Message) -> str:
        return next(self.send_many([message]))

    def send_many(self, messages: Sequence[Message]) -> Iterator[str]:
        """A batch's inbox rows in one INSERT (a row that exists already, from an earlier
        attempt, is kept: one per message) and their ids in one SELECT."""
        now = clock.now()
        Alert.objects.bulk_create(
            [
                Alert(
                    message_id=message.pk,
                    user_id=message.user_id,
                    account_id=message.account_id,
                    title=message.subject,
                    body=message.body_text,
                    link=message.link,
                    created_at=now,
                )
                for message in messages
            ],
            ignore_conflicts=True,
        )
        alerts = dict(
            Alert.objects.filter(message_id__in=[m.pk for m in messages]).values_list(
                "message_id", "pk"
            )
        )
        for message in messages:
            yield f"alert-{alerts[message.pk]}"
