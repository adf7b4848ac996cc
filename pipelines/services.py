"""Moving accounts through pipelines: the one door that writes cards."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Account, HealthStatus
from accounts.services import account_transaction, change_health_status
from core import clock
from core.causes import Cause
from core.handover import record_and_announce

from . import board_rules, signals
from .models import Card, Pipeline, Stage, StageMove

# The board that mirrors the manager-set health status (playbook b1).
HEALTH_PIPELINE = "health"


def move_card(
    *,
    account: Account,
    pipeline: Pipeline,
    stage: Stage,
    cause: Cause,
    unless_moved_after: datetime | None = None,
) -> bool:
    """Put `account`'s card for `pipeline` into `stage` (placing it if it has none).

    Returns False if the card is already there, or, with `unless_moved_after`, if
    the card entered its stage after that moment: an automation acting on an older
    fact (a playbook's step, run a while after its trigger) must not undo a newer
    move, such as the manager's drag that caused it. Refuses a stage of another
    pipeline, so a card can never sit in a column its board does not have.
    """
    if stage.pipeline_id != pipeline.pk:
        raise ValidationError(
            f"Stage {stage.name!r} is not in pipeline {pipeline.name!r}.", code="stage_mismatch"
        )
    with account_transaction(account) as locked:
        now = clock.now()
        card = (
            Card.objects.filter(account=locked, pipeline=pipeline).select_related("stage").first()
        )
        if card and card.stage_id == stage.pk:
            return False
        if card and unless_moved_after and card.entered_stage_at > unless_moved_after:
            return False
        from_stage = card.stage if card else None
        if card:
            Card.objects.filter(pk=card.pk).update(stage=stage, entered_stage_at=now)
        else:
            Card.objects.create(
                account=locked, pipeline=pipeline, stage=stage, entered_stage_at=now
            )
        move = StageMove.objects.create(
            account=locked,
            pipeline=pipeline,
            from_stage=from_stage,
            to_stage=stage,
            created_at=now,
            **cause.as_fields(),
        )
        record_and_announce(
            signals.card_moved,
            sender=Card,
            account_id=locked.pk,
            move_id=move.pk,
            pipeline_key=pipeline.key,
            from_stage=from_stage.name if from_stage else "",
            to_stage=stage.name,
            cause=cause,
        )
        return True


def move_card_by_hand(
    *, account: Account, pipeline: Pipeline, stage: Stage, user, cause: Cause, note: str = ""
) -> bool:
    """A person puts `account`'s card into `stage`: a board drop or the admin action.

    A column of the Customer Health Status board is the account's health status, which
    only managers set by hand (SPEC §1): a move there is that change, made through
    `change_health_status` so playbook b1 follows (tag, messages), or refused with
    PermissionDenied; the health service moves the card itself, in the same transaction
    (`follow_health_status`). Every other drop follows its pipeline's rule (`board_rules`):
    the tags (and churn) the column stands for change with the card, in one transaction.
    Returns whether anything changed.
    """
    status = stage.name.lower()
    if pipeline.key == HEALTH_PIPELINE and status in HealthStatus.values:
        if not user.has_perm("accounts.change_health_status"):
            raise PermissionDenied("Only managers change the health status.")
        return change_health_status(account=account, status=status, cause=cause, note=note)
    if stage.pipeline_id != pipeline.pk:
        return move_card(account=account, pipeline=pipeline, stage=stage, cause=cause)  # refuses
    # Refused before the transaction: a refusal must leave a caller's transaction usable.
    board_rules.check_drop(account=account, pipeline=pipeline, stage=stage)
    with account_transaction(account) as locked:
        if not move_card(account=locked, pipeline=pipeline, stage=stage, cause=cause):
            return False  # dropped where it was: nothing to do, as the first time
        board_rules.apply_drop(account=locked, pipeline=pipeline, stage=stage, cause=cause)
        return True


def follow_health_status(*, account: Account, to_status: str, cause: Cause, **facts) -> None:
    """Move the card on the Customer Health Status board to the account's new health status.

    The receiver of `accounts.signals.health_status_set`, inside the status change's
    transaction: the manager sees the card in its new column on the next page load,
    however long the queue before playbook b1 is (its own move then finds the card
    there). Nothing happens if the board or that column was removed.
    """
    stage = (
        Stage.objects.filter(pipeline__key=HEALTH_PIPELINE, name__iexact=to_status)
        .select_related("pipeline")
        .first()
    )
    if stage is not None:
        move_card(account=account, pipeline=stage.pipeline, stage=stage, cause=cause)
