"""Reads of pipelines and stages."""

from django.core.exceptions import ValidationError

from accounts.models import Account

from .models import Card, Pipeline, Stage


def stage_named(*, pipeline: str, stage: str) -> Stage:
    """The stage called `stage` in the pipeline whose key or name is `pipeline`.

    Automations and imports name stages as people do ("Customer Health
    Status" › "Struggling"); an unknown name is refused with the choices.
    """
    # One query in the usual case: the stages of the pipeline with that key,
    # else of the one with that name.
    stages = list(Stage.objects.filter(pipeline__key=pipeline).select_related("pipeline")) or list(
        Stage.objects.filter(pipeline__name__iexact=pipeline).select_related("pipeline")
    )
    for candidate in stages:
        if candidate.name.casefold() == stage.casefold():
            return candidate
    found = (
        stages[0].pipeline
        if stages
        else Pipeline.objects.filter(key=pipeline).first()
        or Pipeline.objects.filter(name__iexact=pipeline).first()
    )
    if found is None:
        raise ValidationError(f"There is no pipeline {pipeline!r}.", code="unknown_pipeline")
    raise ValidationError(
        f"Pipeline {found.name!r} has no stage {stage!r}; its stages are "
        f"{', '.join(s.name for s in stages)}.",
        code="unknown_stage",
    )


def card_stage(*, account: Account, pipeline: Pipeline) -> Stage | None:
    """The stage `account`'s card sits in on `pipeline`, or None if it has no card there."""
    card = Card.objects.filter(account=account, pipeline=pipeline).select_related("stage").first()
    return card.stage if card else None
