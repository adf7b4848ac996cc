"""Recording a customer's feedback / NPS answer (playbook b2's input)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account, Contact
from accounts.services import lock_account, require_same_account
from core import clock
from core.causes import Cause
from core.events import send_on_commit
from core.inputs import text_for_field
from core.records import create_once

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
    submission_key = text_for_field(
        submission_key, Feedback._meta.get_field("submission_key"), "The submission key"
    )
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            f"The comment is longer than {MAX_COMMENT} characters.", code="too_long"
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
    send_on_commit(
        signals.feedback_submitted,
        sender=Feedback,
        account_id=locked.pk,
        feedback_id=feedback.pk,
        nps=nps,
        cause=cause,
    )
    return feedback, True
