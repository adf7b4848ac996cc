from django.db import models


class RelayedMessage(models.Model):
    """A publish on its way to the web processes when the channel layer is in-memory.

    The layer then reaches only its own process, so `publish` writes a row here, in the
    caller's transaction (a rollback takes it back), and every web process holding
    sockets polls for new rows (core.live.relay). Rows live about a minute.
    """

    topic = models.CharField(max_length=200)
    payload = models.JSONField()
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.topic} at {self.created_at:%H:%M:%S}"
