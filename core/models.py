"""What core keeps: recent hits for rate limits shared by every process."""

from django.db import models


class RateLimitHit(models.Model):
    """One request counted against a limit (a form's address, an API token), kept a day."""

    key = models.CharField(max_length=120)  # e.g. "form:feedback:203.0.113.7", "api:12"
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "created_at"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.key} at {self.created_at:%Y-%m-%d %H:%M}"
