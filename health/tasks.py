"""django-q2 entry points (thin: each calls one service; safe to run twice or at once)."""

from .services.backtests import record_backtest
from .services.snapshots import rescore_touched, score_due_accounts


def score_due() -> int:
    """The hourly schedule: today's snapshot of every active account not scored today."""
    return score_due_accounts()


def rescore() -> int:
    """The every-minute schedule: re-score the accounts events touched."""
    return rescore_touched()


def backtest() -> int:
    """The weekly schedule: a fresh backtest for the Reports page; its sample count."""
    return record_backtest().report["samples"]
