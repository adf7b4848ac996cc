"""The step kinds a workflow can use: one small function each, plus its parameters' rules.

Each action only calls a domain service or the notifications app, and
returns a sentence saying what it did (kept on the run's step result).
Each module states its parameters' rules once (.params): `check` is what the
engine asks before running a step, `validate` what saving and importing ask.
"""

from collections.abc import Callable
from dataclasses import dataclass

from . import (
    booking,
    branching,
    chat,
    happiness,
    messages,
    score,
    signals,
    staff,
    stages,
    surveys,
    tags,
    tasks,
    wait,
    webhook,
)
from .base import StepContext

WAIT = "wait"
# Steps holding further steps (workflows.paths); the engine runs them.
DECISION = "decision"
WAIT_FOR = "wait_for"


@dataclass(frozen=True)
class ActionKind:
    key: str
    label: str
    run: Callable[[StepContext, dict], str] | None  # None: handled by the engine (wait)
    # Types, ranges and lengths, without the database: asked before every step runs.
    check: Callable[[dict], None]
    # `check`, then that what the step names exists: asked when it is saved or imported.
    validate: Callable[[dict], None]
    example: dict
    # The step for many runs at once (workflows.batches): their details, in order, in a
    # constant number of statements. None: a batch runs `run` for each, one by one.
    run_many: Callable[[list[StepContext], dict], list[str]] | None = None


ACTIONS: dict[str, ActionKind] = {
    kind.key: kind
    for kind in [
        ActionKind(
            "send_email",
            "Send e-mail",
            messages.send_email,
            messages.check,
            messages.validate_email,
            {"template": "a1-welcome"},
        ),
        ActionKind(
            "send_sms",
            "Send SMS",
            messages.send_sms,
            messages.check,
            messages.validate_sms,
            {"template": "…-sms"},
        ),
        ActionKind(
            "notify_staff",
            "Notify staff",
            staff.notify_staff,
            staff.check,
            staff.validate,
            {"template": "a1-new-account", "rule": "owner", "email": False},
        ),
        ActionKind(
            "add_tag",
            "Add tag",
            tags.add_tag,
            tags.check_add,
            tags.validate_add,
            {"tag": "VIP"},
            tags.add_tag_many,
        ),
        ActionKind(
            "remove_tag",
            "Remove tag",
            tags.remove_tag,
            tags.check_remove,
            tags.validate_remove,
            {"tag": "VIP"},
        ),
        ActionKind(
            "move_to_stage",
            "Move to stage",
            stages.move_to_stage,
            stages.check,
            stages.validate,
            {"pipeline": "health", "stage": "Healthy"},
        ),
        ActionKind(
            "add_points",
            "Add / subtract points",
            score.add_points,
            score.check,
            score.validate,
            {"points": 50, "reason": "…"},
        ),
        ActionKind(
            "set_happiness",
            "Set happiness",
            happiness.set_happiness,
            happiness.check,
            happiness.validate,
            {"level": "happy"},
        ),
        ActionKind(
            "create_task",
            "Create task",
            tasks.create_task,
            tasks.check,
            tasks.validate,
            {"title": "Follow up", "due_in_days": 3},
        ),
        ActionKind(
            "open_signal",
            "Open a signal",
            signals.open_signal,
            signals.check,
            signals.validate,
            {"reason": "usage_drop", "why": "…"},
        ),
        ActionKind(
            "offer_booking",
            "Offer a booking link",
            booking.offer_booking,
            booking.check,
            booking.validate,
            {"meeting_kind": "feature-walkthrough"},
        ),
        ActionKind(
            "call_webhook",
            "Call a webhook",
            webhook.call_webhook,
            webhook.check,
            webhook.validate,
            {"endpoint": "crm-sync", "type": "account.at_risk"},
        ),
        ActionKind(
            "send_survey",
            "Send survey",
            surveys.send_survey,
            surveys.check,
            surveys.validate,
            {"survey": "nps"},
        ),
        ActionKind(
            "send_chat_message",
            "Send a chat message",
            chat.send_chat_message,
            chat.check,
            chat.validate,
            {"text": "Thanks for writing to us: we will answer within the hour."},
        ),
        ActionKind(WAIT, "Wait", None, wait.check, wait.validate, {"days": 1}),
        ActionKind(
            DECISION,
            "Decision",
            None,
            branching.check_decision,
            branching.check_decision,  # the steps inside: workflows.graph
            {
                "paths": [
                    {
                        "name": "Pro",
                        "conditions": [
                            {"subject": "account.plan", "operator": "eq", "value": "pro"}
                        ],
                        "steps": [{"action": "add_tag", "params": {"tag": "Pro"}}],
                    }
                ],
                "otherwise": [],
            },
        ),
        ActionKind(
            WAIT_FOR,
            "Wait for",
            None,
            branching.check_wait_for,
            branching.check_wait_for,
            {"event": "login_recorded", "days": 7, "happened": [], "timed_out": []},
        ),
    ]
}
CHOICES = [(kind.key, kind.label) for kind in ACTIONS.values()]
