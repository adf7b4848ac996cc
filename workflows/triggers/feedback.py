"""Feedback data: answers to the NPS form, and the survey falling due."""

from __future__ import annotations

from typing import TypedDict

from activity.models import Feedback

from .kind import Data


class FeedbackData(TypedDict):
    feedback_id: int
    nps: int
    comment: str
    previous_nps: int | None


class NoData(TypedDict):
    """A kind whose workflows test only the account."""


def feedback_key(announcement: Data) -> str:
    """A changed answer is a new fact (b2 runs again); the first keeps its old key."""
    revision = announcement.get("revision")
    return f"feedback:{announcement['feedback_id']}" + (f":{revision}" if revision else "")


def feedback(announcement: Data) -> FeedbackData:
    return {
        "feedback_id": announcement["feedback_id"],
        "nps": announcement["nps"],
        "comment": Feedback.objects.values_list("comment", flat=True).get(
            pk=announcement["feedback_id"]
        ),
        "previous_nps": announcement.get("previous_nps"),  # None for a first answer
    }


def no_data(**_: object) -> NoData:
    return {}
