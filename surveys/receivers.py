"""Hand-overs from other apps' signals to survey services (no logic here)."""

from typing import Any

from .history import mirror_feedback


def feedback_submitted(sender: Any, *, feedback_id: int, **_: Any) -> None:
    """A feedback form answer: keep the NPS survey's copy of it (surveys.history)."""
    mirror_feedback(feedback_id=feedback_id)
