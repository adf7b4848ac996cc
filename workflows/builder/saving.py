"""Saving what the builder validated: the working copy's rows (workflows.drafts then
publishes them, or keeps them as a draft of a live workflow)."""

from ..models import Condition, Step, Workflow
from .editor import Builder


def write_working_copy(builder: Builder) -> Workflow:
    """Replace the working copy with the builder's definition (in the caller's
    transaction: drafts.save_edit validates it next and rolls back a refusal)."""
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
    return workflow
