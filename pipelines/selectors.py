"""Reads of pipelines and stages."""

from django.core.exceptions import ValidationError

from .models import Pipeline, Stage


def stage_named(*, pipeline: str, stage: str) -> Stage:
    """The stage called `stage` in the pipeline whose key or name is `pipeline`.

    Automations and imports name stages as people do ("Customer Health
    Status" › "Struggling"); an unknown name is refused with the choices.
    """
    found = (
        Pipeline.objects.filter(key=pipeline).first()
        or Pipeline.objects.filter(name__iexact=pipeline).first()
    )
    if found is None:
        raise ValidationError(f"There is no pipeline {pipeline!r}.", code="unknown_pipeline")
    stages = list(found.stages.all())
    for candidate in stages:
        if candidate.name.casefold() == stage.casefold():
            return candidate
    raise ValidationError(
        f"Pipeline {found.name!r} has no stage {stage!r}; its stages are "
        f"{', '.join(s.name for s in stages)}.",
        code="unknown_stage",
    )
