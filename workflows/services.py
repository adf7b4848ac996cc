"""Changing workflows: publishing a new version, switching on and off."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock

from . import conditions as condition_rules
from . import graph, switching
from .models import Workflow, WorkflowVersion
from .triggers import BY_KEY
from .triggers import dates as date_trigger


def snapshot(workflow: Workflow) -> dict:
    """The workflow's working copy as a version stores it."""
    return {
        "trigger": workflow.trigger,
        "trigger_params": workflow.trigger_params or {},
        "conditions": [
            {"subject": c.subject, "operator": c.operator, "value": c.value}
            for c in workflow.conditions.all()
        ],
        "steps": [{"action": s.action, "params": s.params} for s in workflow.steps.all()],
        "goal": workflow.goal or {},
    }


def validate_definition(definition: dict) -> None:
    """Refuse a workflow that could not run: unknown trigger, conditions or actions, a
    decision with no paths, a wait-for with no time limit, a goal that can never be
    tested, steps nested too deep (workflows.graph).

    A definition read from a file may be any JSON, so its shape is checked too.
    """
    missing = [name for name in ("trigger", "conditions", "steps") if name not in definition]
    if missing:
        raise ValidationError(f"Missing {', '.join(f'`{name}`' for name in missing)}.")
    errors = []
    if not isinstance(definition["trigger"], str) or definition["trigger"] not in BY_KEY:
        errors.append(f"Unknown trigger {definition['trigger']!r}.")
    for label, rows in (("conditions", definition["conditions"]), ("steps", definition["steps"])):
        if not isinstance(rows, list):
            errors.append(f"`{label}` is a list.")
    errors += trigger_params_errors(definition["trigger"], definition.get("trigger_params", {}))
    if errors:
        raise ValidationError(errors)
    for number, condition in enumerate(definition["conditions"], start=1):
        try:
            condition_rules.validate(condition, trigger=BY_KEY[definition["trigger"]])
        except ValidationError as error:
            errors.append(f"Condition {number}: {' '.join(error.messages)}")
    errors += graph.step_errors(definition["steps"], trigger=BY_KEY[definition["trigger"]])
    try:
        graph.validate_goal(definition.get("goal", {}))
    except ValidationError as error:
        errors += error.messages
    if errors:
        raise ValidationError(errors)


def trigger_params_errors(trigger: str, params: object) -> list[str]:
    """Why a trigger's parameters cannot run: the date trigger needs its date, days,
    direction and late-joiner policy (workflows.triggers.dates); others take none."""
    if trigger == date_trigger.DATE_REACHED:
        return date_trigger.params_errors(params)
    if params not in ({}, None):
        return [f"The trigger {BY_KEY[trigger].name!r} takes no parameters."]
    return []


@transaction.atomic
def publish(*, workflow: Workflow, user=None) -> WorkflowVersion:
    """Make the working copy the version new runs use (a new version only if it changed).

    Runs already under way keep the version they started on.
    """
    workflow = Workflow.objects.select_for_update().get(pk=workflow.pk)
    definition = snapshot(workflow)
    validate_definition(definition)
    current = workflow.current_version
    if current is not None and _definition(current) == definition:
        return current
    latest = workflow.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = WorkflowVersion.objects.create(
        workflow=workflow,
        number=latest + 1,
        created_at=clock.now(),
        created_by=user,
        **definition,
    )
    Workflow.objects.filter(pk=workflow.pk).update(current_version=version)
    return version


def set_active(*, workflow: Workflow, active: bool) -> bool:
    """Switch a workflow on or off; off means new events start no runs of it. Switched on
    again, a time-based workflow's events of the meantime wait for a manager's choice
    (catch up or skip: workflows.switching). Returns whether it changed."""
    return switching.switch(workflow=workflow, active=active)


def _definition(version: WorkflowVersion) -> dict:
    return {
        "trigger": version.trigger,
        "trigger_params": version.trigger_params or {},
        "conditions": version.conditions,
        "steps": version.steps,
        "goal": version.goal or {},
    }
