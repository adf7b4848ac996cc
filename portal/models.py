"""What the portal keeps: recent submission attempts, for rate limiting."""

from django.db import models


class SubmissionAttempt(models.Model):
    """One POST to a customer form, kept for a day to count attempts per address."""

    key = models.CharField(max_length=100)  # e.g. "feedback:203.0.113.7"
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "created_at"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.key} at {self.created_at:%Y-%m-%d %H:%M}"
