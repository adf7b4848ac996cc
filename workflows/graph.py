"""Validating a workflow's whole tree of steps before it is saved, imported or published.

Each step is checked by its own action's `validate`; a decision's or a wait-for's
steps are walked in turn, their conditions tested against the trigger's data (a
decision) or the awaited event's (a wait-for), and nesting stops at `MAX_DEPTH`
branching steps. Every refusal is named by the step's position as people count it
("Step 3.2.1 (Add tag): …"), so all show at once. Steps are a tree (JSON lists
inside JSON objects): a cycle cannot be written down.
"""

from django.core.exceptions import ValidationError

from . import conditions as condition_rules
from . import listeners, paths
from .actions import ACTIONS, DECISION, WAIT_FOR
from .actions.branching import listener
from .triggers import BY_KEY, TriggerKind

# Branching steps inside branching steps: a decision in a decision in a decision.
MAX_DEPTH = 3


def step_errors(
    steps: object, *, trigger: TriggerKind | None, prefix: paths.Path = ()
) -> list[str]:
    """Why these steps (and every step inside them) could not run; [] if they can."""
    if not isinstance(steps, list):
        return ["`steps` is a list."]
    errors = []
    for index, step in enumerate(steps):
        path = (*prefix, index)
        where = f"Step {paths.label(path)}"
        if not isinstance(step, dict) or set(step) != {"action", "params"}:
            errors.append(f"{where}: a step is an object with `action` and `params`.")
            continue
        kind = ACTIONS.get(step["action"]) if isinstance(step["action"], str) else None
        if kind is None:
            errors.append(f"{where}: unknown action {step['action']!r}.")
            continue
        params = step["params"] or {}
        try:
            kind.validate(params)
        except ValidationError as error:
            errors.append(f"{where} ({kind.label}): {' '.join(error.messages)}")
            continue
        if kind.key not in paths.BRANCHING:
            continue
        depth = len(path) // 2 + 1
        if depth > MAX_DEPTH:
            errors.append(
                f"{where} ({kind.label}): nested too deep; at most {MAX_DEPTH} decisions or "
                "waits inside one another."
            )
            continue
        errors += _own_errors(kind.key, params, trigger=trigger, where=f"{where} ({kind.label})")
        for number, inner in enumerate(paths.branches(step)):
            errors += step_errors(inner, trigger=trigger, prefix=(*path, number))
    return errors


def _own_errors(action: str, params: dict, *, trigger: TriggerKind | None, where: str) -> list[str]:
    """What the step's own shape check cannot know: the data its conditions may read."""
    errors = []
    if action == DECISION:
        for number, path in enumerate(params["paths"], start=1):
            for index, condition in enumerate(path["conditions"], start=1):
                try:
                    condition_rules.validate(condition, trigger=trigger)
                except ValidationError as error:
                    errors.append(
                        f"{where}, path {number}, condition {index}: {' '.join(error.messages)}"
                    )
    elif action == WAIT_FOR:
        try:
            listeners.validate(listener(params), what="What it waits for")
        except ValidationError as error:
            errors.append(f"{where}: {' '.join(error.messages)}")
    return errors


def validate_steps(steps: object, *, trigger_key: str) -> None:
    """Raise every reason these steps could not run."""
    errors = step_errors(steps, trigger=BY_KEY.get(trigger_key))
    if errors:
        raise ValidationError(errors)


def validate_goal(goal: object) -> None:
    """A goal is {} (none) or a listener that can be tested."""
    if goal in ({}, None):
        return
    listeners.validate(goal, what="The goal")
