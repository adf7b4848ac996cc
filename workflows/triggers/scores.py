"""Score data: milestones reached (a service or the catch-up sweep), affiliate qualification."""

from __future__ import annotations

from typing import TypedDict

from django.db.models import Expression, F, Value

from accounts.models import Milestone

from .kind import Data


class MilestoneData(TypedDict):
    milestone: str
    milestone_label: str
    score: int


class AffiliateInSQL(TypedDict):
    """Computed per account by the database (the sweep inserts it with INSERT … SELECT)."""

    score: Expression
    threshold: Expression


def milestone_key(reached: Data) -> str:
    """Once per account and milestone, whether the score service or the catch-up saw it."""
    return f"milestone:{reached['account_id']}:{reached['milestone']}"


def milestone(reached: Data) -> MilestoneData:
    """A milestone reached (`account_id`, `milestone`, `score`)."""
    return {
        "milestone": reached["milestone"],
        "milestone_label": Milestone(reached["milestone"]).label,
        "score": reached["score"],
    }


def affiliate(*, threshold: int) -> AffiliateInSQL:
    """The account's score and the threshold it reached, in SQL over the account row."""
    return {"score": F("score"), "threshold": Value(threshold)}
