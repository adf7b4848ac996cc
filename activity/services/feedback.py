"""Recording a customer's feedback / NPS answer (playbook b2's input), and changing it.

One link is one answer. A customer who answers again on the same link either
sends the same answer (nothing changes) or, once they have confirmed it,
replaces it: the change is a FeedbackChange row (unique per revision) and a
new feedback_submitted event, so b2 runs again and the happiness follows the
latest answer.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account, Contact
from accounts.services import lock_account, require_same_account
from core import clock
from core.causes import Cause
from core.handover import record_and_announce
from core.inputs import text_for_field
from core.records import create_once

from .. import signals
from ..models import Feedback, FeedbackChange

MAX_COMMENT = 5000


def _clean_answer(nps: int, comment: str) -> str:
    """The comment as stored; ValidationError if the score or the comment is refused."""
    if isinstance(nps, bool) or not isinstance(nps, int) or not 0 <= nps <= 10:
        raise ValidationError("The NPS answer is a whole number from 0 to 10.", code="invalid_nps")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            f"The comment is longer than {MAX_COMMENT} characters.", code="too_long"
        )
    return comment


def _announce(feedback: Feedback, *, previous_nps: int | None, cause: Cause) -> None:
    # The revision is part of the event key: each answer is one event, a replay none.
    record_and_announce(
        signals.feedback_submitted,
        sender=Feedback,
        account_id=feedback.account_id,
        feedback_id=feedback.pk,
        nps=feedback.nps,
        revision=feedback.revision,
        previous_nps=previous_nps,
        cause=cause,
    )


@transaction.atomic
def record_feedback(
    *,
    account: Account,
    nps: int,
    cause: Cause,
    comment: str = "",
    contact: Contact | None = None,
    submission_key: str = "",
) -> tuple[Feedback, bool]:
    """Record an NPS answer (0–10) with an optional comment. Returns (feedback, created).

    `submission_key` identifies the form submission: a double submit or a
    retried request is stored once, keeping the first answer (changing it is
    `answer_feedback` with `replaces`).
    """
    comment = _clean_answer(nps, comment)
    submission_key = text_for_field(
        submission_key, Feedback._meta.get_field("submission_key"), "The submission key"
    )
    locked = lock_account(account)
    require_same_account(contact, locked)
    now = clock.now()
    fields = {
        "account": locked,
        "contact": contact,
        "nps": nps,
        "comment": comment,
        "submitted_at": now,
        "created_at": now,
        **cause.as_fields(),
    }
    if submission_key:
        feedback, created = create_once(
            Feedback,
            identity={"submission_key": submission_key},
            account_id=locked.pk,
            what="This feedback submission",
            conflict_code="feedback_conflict",
            fields=fields,
        )
        if not created:
            return feedback, False
    else:
        feedback = Feedback.objects.create(**fields)
    _announce(feedback, previous_nps=None, cause=cause)
    return feedback, True


class Answer(StrEnum):
    """What became of an answer sent on a link."""

    RECORDED = "recorded"  # the link's first answer
    UNCHANGED = "unchanged"  # the answer the link already holds: nothing changes
    CONFIRM = "confirm"  # a different answer, not yet confirmed as replacing the recorded one
    CHANGED = "changed"  # it replaced the recorded answer (b2 runs again)
    STALE = "stale"  # it was to replace an answer that has changed since (another tab)


@dataclass(frozen=True)
class FeedbackAnswer:
    feedback: Feedback  # as it stands after this call
    outcome: Answer


@transaction.atomic
def answer_feedback(
    *,
    account: Account,
    nps: int,
    submission_key: str,
    cause: Cause,
    comment: str = "",
    contact: Contact | None = None,
    replaces: int | None = None,
) -> FeedbackAnswer:
    """A customer's answer on one link: the first, the same again, or a confirmed change.

    `replaces` is the revision of the answer the customer saw and chose to
    replace (the change form carries it); without it a different answer is
    only reported back (CONFIRM), never silently taken or dropped.
    """
    if not submission_key:
        raise ValidationError("An answer on a link needs its submission key.", code="required")
    feedback, created = record_feedback(
        account=account,
        nps=nps,
        comment=comment,
        contact=contact,
        submission_key=submission_key,
        cause=cause,
    )
    if created:
        return FeedbackAnswer(feedback, Answer.RECORDED)
    # record_feedback holds the account's lock: what we read now stays true until commit.
    if (feedback.nps, feedback.comment) == (nps, _clean_answer(nps, comment)):
        return FeedbackAnswer(feedback, Answer.UNCHANGED)
    if replaces is None:
        return FeedbackAnswer(feedback, Answer.CONFIRM)
    if replaces != feedback.revision:
        return FeedbackAnswer(feedback, Answer.STALE)
    return FeedbackAnswer(
        change_feedback(feedback=feedback, nps=nps, comment=comment, cause=cause), Answer.CHANGED
    )


@transaction.atomic
def change_feedback(*, feedback: Feedback, nps: int, cause: Cause, comment: str = "") -> Feedback:
    """Replace a recorded answer with a new one; returns the feedback as changed.

    Writes the FeedbackChange (unique per feedback and revision, so a replay
    cannot change it twice) and announces the new answer as its own event.
    The caller decides that the customer meant to replace it (answer_feedback).
    """
    comment = _clean_answer(nps, comment)
    lock_account(feedback.account_id)
    current = Feedback.objects.get(pk=feedback.pk)
    now = clock.now()
    revision = current.revision + 1
    FeedbackChange.objects.create(
        feedback=current,
        revision=revision,
        from_nps=current.nps,
        to_nps=nps,
        from_comment=current.comment,
        to_comment=comment,
        created_at=now,
        **cause.as_fields(),
    )
    Feedback.objects.filter(pk=current.pk).update(
        nps=nps, comment=comment, revision=revision, changed_at=now
    )
    previous_nps = current.nps
    current.nps, current.comment, current.revision, current.changed_at = (
        nps,
        comment,
        revision,
        now,
    )
    _announce(current, previous_nps=previous_nps, cause=cause)
    return current
