"""Which events make an account due for a re-score, handed over in the event's transaction.

A core.handover recorder: it sees each batch of announcements at once, marks their
accounts touched with one INSERT, and the every-minute task re-scores them. Nothing is
scored here (a receiver only hands over).
"""

from collections.abc import Sequence
from typing import Any

from django.dispatch import Signal

from activity import signals as activity_signals

from .services.snapshots import touch_accounts

TOUCHING = {
    activity_signals.login_recorded,
    activity_signals.feature_session_recorded,
    activity_signals.payment_succeeded,
    activity_signals.payment_failed,
    activity_signals.feedback_submitted,
    activity_signals.task_created,
    activity_signals.task_resolved,
}


def mark_touched(signal: Signal, announcements: Sequence[dict[str, Any]]) -> None:
    """The recorder: the batch's accounts are due for a re-score."""
    if signal in TOUCHING:
        touch_accounts([a["account_id"] for a in announcements])
