"""The step kinds a workflow can use: one small function each, plus its validator.

Each action only calls a domain service or the notifications app, and
returns a sentence saying what it did (kept on the run's step result).
"""

from collections.abc import Callable
from dataclasses import dataclass

from . import happiness, messages, score, staff, stages, tags, tasks, wait
from .base import StepContext

WAIT = "wait"


@dataclass(frozen=True)
class ActionKind:
    key: str
    label: str
    run: Callable[[StepContext, dict], str] | None  # None: handled by the engine (wait)
    validate: Callable[[dict], None]
    example: dict


ACTIONS: dict[str, ActionKind] = {
    kind.key: kind
    for kind in [
        ActionKind(
            "send_email",
            "Send e-mail",
            messages.send_email,
            messages.validate_email,
            {"template": "a1-welcome"},
        ),
        ActionKind(
            "send_sms", "Send SMS", messages.send_sms, messages.validate_sms, {"template": "…-sms"}
        ),
        ActionKind(
            "notify_staff",
            "Notify staff",
            staff.notify_staff,
            staff.validate,
            {"template": "a1-new-account", "rule": "owner", "email": False},
        ),
        ActionKind("add_tag", "Add tag", tags.add_tag, tags.validate, {"tag": "VIP"}),
        ActionKind("remove_tag", "Remove tag", tags.remove_tag, tags.validate, {"tag": "VIP"}),
        ActionKind(
            "move_to_stage",
            "Move to stage",
            stages.move_to_stage,
            stages.validate,
            {"pipeline": "health", "stage": "Healthy"},
        ),
        ActionKind(
            "add_points",
            "Add / subtract points",
            score.add_points,
            score.validate,
            {"points": 50, "reason": "…"},
        ),
        ActionKind(
            "set_happiness",
            "Set happiness",
            happiness.set_happiness,
            happiness.validate,
            {"level": "happy"},
        ),
        ActionKind(
            "create_task",
            "Create task",
            tasks.create_task,
            tasks.validate,
            {"title": "Follow up", "due_in_days": 3},
        ),
        ActionKind(WAIT, "Wait", None, wait.validate, {"days": 1}),
    ]
}
CHOICES = [(kind.key, kind.label) for kind in ACTIONS.values()]
