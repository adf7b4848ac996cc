"""Saving what the builder validated: the working copy's rows, then a new version."""

from django.db import transaction

from .. import services
from ..models import Condition, Step, WorkflowVersion
from .editor import Builder


@transaction.atomic
def save_and_publish(builder: Builder, *, user) -> WorkflowVersion:
    """Replace the working copy with the builder's definition and publish it (a new
    version only if it changed); a refusal at publishing rolls the whole save back."""
    definition = builder.definition
    builder.form.instance.goal = definition["goal"]
    workflow = builder.form.save()
    workflow.conditions.all().delete()
    Condition.objects.bulk_create(
        Condition(workflow=workflow, position=position, **condition)
        for position, condition in enumerate(definition["conditions"])
    )
    workflow.steps.all().delete()
    Step.objects.bulk_create(
        Step(workflow=workflow, position=position, action=step["action"], params=step["params"])
        for position, step in enumerate(definition["steps"])
    )
    return services.publish(workflow=workflow, user=user)
