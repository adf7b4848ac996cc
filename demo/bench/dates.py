"""The date sweep at scale: two date-triggered workflows over the whole book.

A sign-up anniversary playbook whose waits span the year makes every account's
occurrence current (each a late joiner), so the first run records one event per
account; the re-run finds nothing new. Made inside the bench's rolled-back block.
"""

from workflows.models import Step, Workflow
from workflows.services import publish


def date_workflows() -> None:
    """A renewal (30 days before) and a year-long anniversary playbook, published."""
    for key, params, steps in (
        ("bench-renewal", {"field": "renewal_date", "days": 30}, [{"tag": "Renewal soon"}]),
        ("bench-anniversary", {"field": "signup_anniversary", "days": 0}, [{"tag": "Year"}]),
    ):
        made = Workflow.objects.create(
            key=key,
            name=key,
            trigger="date_reached",
            trigger_params=params | {"direction": "before", "late_joiners": "skip"},
        )
        for position, tag in enumerate(steps):
            Step.objects.create(workflow=made, position=position, action="add_tag", params=tag)
        if key == "bench-anniversary":
            Step.objects.create(workflow=made, position=1, action="wait", params={"days": 364})
        publish(workflow=made)
