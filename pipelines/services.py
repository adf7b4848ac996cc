"""Moving accounts through pipelines: the one door that writes cards."""

from django.core.exceptions import ValidationError

from accounts.models import Account
from accounts.services import account_transaction
from core import clock
from core.causes import Cause
from core.events import send_on_commit

from . import signals
from .models import Card, Pipeline, Stage, StageMove


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
        send_on_commit(
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
