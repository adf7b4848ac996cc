"""django-q2 entry points (thin: each calls one service; safe to run twice or at once)."""

from .services.snapshots import rescore_touched, score_due_accounts


def score_due() -> int:
    """The hourly schedule: today's snapshot of every active account not scored today."""
    return score_due_accounts()


def rescore() -> int:
    """The every-minute schedule: re-score the accounts events touched."""
    return rescore_touched()
