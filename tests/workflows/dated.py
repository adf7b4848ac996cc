"""Date-triggered workflows for tests: "N days before/after a date", made and published
as a manager would, and the steps they run."""

from workflows.models import Step, Workflow
from workflows.services import publish


def date_workflow(
    key: str,
    steps: list[dict],
    *,
    field: str = "renewal_date",
    days: int = 30,
    direction: str = "before",
    late_joiners: str = "skip",
    conditions: tuple[dict, ...] = (),
) -> Workflow:
    params = {"field": field, "days": days, "direction": direction, "late_joiners": late_joiners}
    made = Workflow.objects.create(
        key=key, name=key.replace("-", " ").title(), trigger="date_reached", trigger_params=params
    )
    for position, step in enumerate(steps):
        Step.objects.create(workflow=made, position=position, **step)
    for position, condition in enumerate(conditions):
        made.conditions.create(position=position, **condition)
    publish(workflow=made)
    return made


def tag(name: str) -> dict:
    return {"action": "add_tag", "params": {"tag": name}}


def wait(days: int) -> dict:
    return {"action": "wait", "params": {"days": days}}
