"""OpenCSM's default playbooks (SPEC §4), installed from `playbooks.json`.

The file is the catalogue: readable, diffable in git, and in the same shape
a workflow exports to. Installing never overwrites a workflow a manager has
already got (matched by key), so it is safe to run on every deploy.
"""

import json
from pathlib import Path

PLAYBOOKS_FILE = Path(__file__).resolve().parent / "playbooks.json"


def default_playbooks() -> list[dict]:
    """Every default workflow definition, in catalogue order."""
    return json.loads(PLAYBOOKS_FILE.read_text())


def validate_playbook(playbook: dict) -> None:
    """Refuse a playbook from a file that could not be installed or could not run."""
    from django.core.exceptions import ValidationError

    from .models import Workflow
    from .services import validate_definition

    if not isinstance(playbook, dict):
        raise ValidationError("A playbook is an object with `key`, `name`, `trigger`, … .")
    for name in ("key", "name"):
        value, length = playbook.get(name), Workflow._meta.get_field(name).max_length
        if not isinstance(value, str) or not value.strip() or len(value) > length:
            raise ValidationError(f"`{name}` is a text of 1 to {length} characters.")
    if not isinstance(playbook.get("description", ""), str):
        raise ValidationError("`description` is text.")
    if not isinstance(playbook.get("is_active", True), bool):
        raise ValidationError("`is_active` is true or false.")
    validate_definition(playbook)


def install_playbooks(models: dict, playbooks: list[dict] | None = None, now=None) -> int:
    """Create each missing playbook with its conditions, steps and version 1.

    `models` maps "Workflow", "Condition", "Step" and "WorkflowVersion" to
    model classes, so a migration can pass its historical models. Returns
    how many workflows were created.
    """
    from django.utils import timezone

    now = now or timezone.now()
    created = 0
    for position, playbook in enumerate(playbooks or default_playbooks()):
        if models["Workflow"].objects.filter(key=playbook["key"]).exists():
            continue
        # An older migration's models have no goal yet (a later one gives it: see
        # replace_steps_if_untouched).
        has_goal = _has_goal(models)
        goal = {"goal": playbook.get("goal") or {}} if has_goal else {}
        # A parameterised trigger's parameters (the date trigger's), where the models have them.
        if _has_field(models, "trigger_params"):
            goal["trigger_params"] = playbook.get("trigger_params") or {}
        workflow = models["Workflow"].objects.create(
            key=playbook["key"],
            name=playbook["name"],
            description=playbook.get("description", ""),
            trigger=playbook["trigger"],
            is_active=playbook.get("is_active", True),
            position=position,
            **goal,
        )
        for number, condition in enumerate(playbook["conditions"]):
            models["Condition"].objects.create(workflow=workflow, position=number, **condition)
        for number, step in enumerate(playbook["steps"]):
            models["Step"].objects.create(workflow=workflow, position=number, **step)
        version = models["WorkflowVersion"].objects.create(
            workflow=workflow,
            number=1,
            trigger=playbook["trigger"],
            conditions=playbook["conditions"],
            steps=playbook["steps"],
            created_at=now,
            **goal,
        )
        models["Workflow"].objects.filter(pk=workflow.pk).update(current_version=version)
        created += 1
    return created


def _has_goal(models: dict) -> bool:
    return _has_field(models, "goal")


def _has_field(models: dict, name: str) -> bool:
    return any(field.name == name for field in models["Workflow"]._meta.get_fields())


def export_playbook(workflow) -> dict:
    """A workflow in the catalogue's shape (its working copy); `trigger_params` only for a
    trigger that takes them, so other playbooks export as they always did."""
    from .services import snapshot

    exported = {
        "key": workflow.key,
        "name": workflow.name,
        "description": workflow.description,
        "is_active": workflow.is_active,
        **snapshot(workflow),
    }
    if not exported["trigger_params"]:
        del exported["trigger_params"]
    return exported


def insert_step_if_untouched(
    models: dict, *, key: str, shipped: list[dict], position: int, step: dict, now=None
) -> bool:
    """Give an installed playbook a step a later catalogue added, if nobody edited it.

    The playbook counts as untouched when both its working copy and its current
    version still have the `shipped` steps; then `step` goes in at `position` and
    is published as a new version (runs under way keep theirs). An edited
    playbook is the manager's and is left alone. `models` as for install_playbooks.
    Returns whether the playbook changed.
    """

    def insert(workflow, steps: list) -> list[dict]:
        for later in reversed(steps[position:]):
            models["Step"].objects.filter(pk=later.pk).update(position=later.position + 1)
        models["Step"].objects.create(workflow=workflow, position=position, **step)
        return [*shipped[:position], step, *shipped[position:]]

    return _change_if_untouched(models, key=key, shipped=shipped, change=insert, now=now)


def replace_step_if_untouched(
    models: dict, *, key: str, shipped: list[dict], position: int, step: dict, now=None
) -> bool:
    """Give an installed playbook's step at `position` a later catalogue's parameters, if
    nobody edited the playbook (as for insert_step_if_untouched), published as a new
    version. Returns whether the playbook changed."""

    def replace(workflow, steps: list) -> list[dict]:
        models["Step"].objects.filter(pk=steps[position].pk).update(
            action=step["action"], params=step["params"]
        )
        return [*shipped[:position], step, *shipped[position + 1 :]]

    return _change_if_untouched(models, key=key, shipped=shipped, change=replace, now=now)


def replace_steps_if_untouched(
    models: dict, *, key: str, shipped: list[dict], steps: list[dict], goal: dict, now=None
) -> bool:
    """Give an installed playbook a later catalogue's steps and goal, if nobody edited it
    (its working copy and current version still have the `shipped` steps and no goal),
    published as a new version. An install made from the later catalogue by an older
    migration (whose models had no goal) has `steps` already: it gets the goal.
    Returns whether the playbook changed."""

    def replace(workflow, rows: list) -> list[dict]:
        models["Step"].objects.filter(workflow=workflow).delete()
        for position, step in enumerate(steps):
            models["Step"].objects.create(workflow=workflow, position=position, **step)
        return steps

    def keep(workflow, rows: list) -> list[dict]:
        return steps

    for expected, change in ((shipped, replace), (steps, keep)):
        if _change_if_untouched(
            models, key=key, shipped=expected, change=change, now=now, goal=goal
        ):
            return True
    return False


def _change_if_untouched(
    models: dict, *, key: str, shipped: list[dict], change, now, goal: dict | None = None
) -> bool:
    """`change(workflow, steps)` edits the working copy of an untouched playbook and returns
    its new steps, which are then published as the next version."""
    from django.utils import timezone

    workflow = models["Workflow"].objects.filter(key=key).first()
    if workflow is None or workflow.current_version_id is None:
        return False
    steps = list(models["Step"].objects.filter(workflow=workflow).order_by("position", "id"))
    working = [{"action": s.action, "params": s.params} for s in steps]
    current = models["WorkflowVersion"].objects.get(pk=workflow.current_version_id)
    if working != shipped or current.steps != shipped:
        return False
    if goal is not None and (workflow.goal or current.goal):  # a goal set by a manager
        return False
    changed = change(workflow, steps)
    goal_fields = {"goal": goal} if goal is not None else {}
    numbers = models["WorkflowVersion"].objects.filter(workflow=workflow)
    version = models["WorkflowVersion"].objects.create(
        workflow=workflow,
        number=max(numbers.values_list("number", flat=True)) + 1,
        trigger=current.trigger,
        conditions=current.conditions,
        steps=changed,
        created_at=now or timezone.now(),
        **({"goal": current.goal} if _has_goal(models) else {}) | goal_fields,
    )
    models["Workflow"].objects.filter(pk=workflow.pk).update(current_version=version, **goal_fields)
    return True


# Releases held first-run backlogs at the rate their managers chose (workflows.backlogs).
RELEASE_SCHEDULE = "Workflows: release held backlogs"


def install_missing_defaults() -> None:
    """The default playbooks, the sweep rules row and the engine's and sweeps' schedules,
    each only where missing (schedules are upserted by name)."""
    from django_q.models import Schedule

    from core.schedules import upsert_schedule

    from .models import Condition, Step, SweepRules, Workflow, WorkflowVersion
    from .sweeps import SWEEPS

    models = {
        "Workflow": Workflow,
        "Condition": Condition,
        "Step": Step,
        "WorkflowVersion": WorkflowVersion,
    }
    install_playbooks(models)
    SweepRules.objects.get_or_create(pk=1)
    schedules = [
        ("Workflows: resume due runs", "workflows.tasks.resume_due_runs", 1, ""),
        (RELEASE_SCHEDULE, "workflows.tasks.release_backlogs", 5, ""),
    ]
    schedules += [
        (s.name, "workflows.tasks.run_sweep", s.minutes, repr(s.run.__name__)) for s in SWEEPS
    ]
    for name, func, minutes, args in schedules:
        upsert_schedule(Schedule, name=name, func=func, minutes=minutes, args=args)
