"""Moving accounts through pipelines: the one door that writes cards."""

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


def move_card(*, account: Account, pipeline: Pipeline, stage: Stage, cause: Cause) -> bool:
    """Put `account`'s card for `pipeline` into `stage` (placing it if it has none).

    Returns False if the card is already there. Refuses a stage of another
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
    `change_health_status` so playbook b1 follows (and moves the card), or refused with
    PermissionDenied. Every other drop follows its pipeline's rule (`board_rules`): the
    tags (and churn) the column stands for change with the card, in one transaction.
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
