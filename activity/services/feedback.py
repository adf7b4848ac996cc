"""Recording a customer's feedback / NPS answer (playbook b2's input)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account, Contact
from accounts.services import lock_account
from core import clock
from core.causes import Cause
from core.events import send_on_commit

from .. import signals
from ..models import Feedback

MAX_COMMENT = 5000


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
    retried request is stored once.
    """
    if isinstance(nps, bool) or not isinstance(nps, int) or not 0 <= nps <= 10:
        raise ValidationError("The NPS answer is a whole number from 0 to 10.", code="invalid_nps")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            f"The comment is longer than {MAX_COMMENT} characters.", code="too_long"
        )
    locked = lock_account(account)
    if contact is not None and contact.account_id != locked.pk:
        raise ValidationError("The contact belongs to another account.", code="contact_mismatch")
    if submission_key:
        existing = Feedback.objects.filter(submission_key=submission_key).first()
        if existing:
            if existing.account_id != locked.pk:
                raise ValidationError(
                    "This feedback submission belongs to another account.",
                    code="feedback_conflict",
                )
            return existing, False
    now = clock.now()
    feedback = Feedback.objects.create(
        account=locked,
        contact=contact,
        nps=nps,
        comment=comment,
        submitted_at=now,
        submission_key=submission_key,
        created_at=now,
        **cause.as_fields(),
    )
    send_on_commit(
        signals.feedback_submitted,
        sender=Feedback,
        account_id=locked.pk,
        feedback_id=feedback.pk,
        nps=nps,
        cause=cause,
    )
    return feedback, True
