"""The impact-preview part of the bench (#19): "if published now" over the whole book.

A day of the draft's trigger for every account (one login each, inserted in bulk), then
the review page's figures for a draft with three account conditions, a tag test and a
two-path decision: the preview's three queries over every account's event. Rolled back.
"""

from accounts.models import Account
from core import clock
from core.causes import Cause
from workflows import impact
from workflows.models import TriggerEvent, Workflow

from .measure import measured, rolled_back

KIND = "login_recorded"
BATCH = 5_000
DRAFT = {
    "trigger": KIND,
    "trigger_params": {},
    "conditions": [
        {"subject": "account.plan", "operator": "ne", "value": "free"},
        {"subject": "account.score", "operator": "gte", "value": "10"},
        {"subject": "account.health_status", "operator": "in", "value": "healthy, at_risk, "},
        {"subject": "", "operator": "lacks_tag", "value": "Churned"},
    ],
    "steps": [
        {"action": "send_email", "params": {"template": "a1-welcome"}},
        {
            "action": "decision",
            "params": {
                "paths": [
                    {
                        "name": "High",
                        "conditions": [
                            {"subject": "account.score", "operator": "gte", "value": "300"}
                        ],
                        "steps": [
                            {"action": "notify_staff", "params": {"template": "a1-new-account"}}
                        ],
                    }
                ],
                "otherwise": [{"action": "wait", "params": {"days": 2}}],
            },
        },
    ],
    "goal": {},
}


def measure_impact() -> dict:
    """Seconds of the preview over one event per account (the seeding is not timed)."""

    def seed_and_preview() -> dict:
        _one_login_each()
        workflow = Workflow.objects.create(key="bench-impact", name="Bench impact", trigger=KIND)
        return measured(lambda: impact.preview(workflow, DRAFT))

    return rolled_back(seed_and_preview)


def _one_login_each() -> int:
    now, fields = clock.now(), Cause.by_api("bench").as_fields()
    ids = list(Account.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        TriggerEvent.objects.bulk_create(
            TriggerEvent(
                kind=KIND,
                account_id=pk,
                event_key=f"bench-impact:{pk}",
                data={"occurred_at": now.isoformat(), "days_since_previous": 1},
                created_at=now,
                processed_at=now,
                **fields,
            )
            for pk in ids[start : start + BATCH]
        )
    return len(ids)
