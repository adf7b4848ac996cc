"""What a simulation runs: the active catalogue, or one workflow (its latest version or,
once drafts exist, its draft), set up inside the simulation's transaction."""

from django.core.exceptions import ValidationError

from accounts.models import Account
from core import clock

from .. import drafts
from ..models import Workflow, WorkflowVersion


def draft_of(workflow: Workflow) -> dict | None:
    """The workflow's unpublished draft as a version's fields (trigger, conditions, steps,
    goal), or None: `--draft` and the review page's "Simulate the draft" run it instead
    of the current version."""
    return drafts.draft_of(workflow)


def run_only(workflow: Workflow, *, draft: dict | None = None) -> None:
    """Inside the simulation's transaction: `workflow` is the only one on, on `draft` if
    given (published there as a version nobody else ever sees)."""
    Workflow.objects.exclude(pk=workflow.pk).update(is_active=False)
    changes: dict = {"is_active": True}
    if draft is not None:
        changes["current_version"] = _draft_version(workflow, draft)
        changes["trigger"] = draft["trigger"]
        changes["trigger_params"] = draft.get("trigger_params") or {}
        changes["goal"] = draft.get("goal") or {}
    Workflow.objects.filter(pk=workflow.pk).update(**changes)


def _draft_version(workflow: Workflow, draft: dict) -> WorkflowVersion:
    missing = {"trigger", "conditions", "steps"} - set(draft)
    if missing:
        raise ValidationError(f"A draft needs {', '.join(sorted(missing))}.", code="bad_draft")
    latest = workflow.versions.order_by("-number").values_list("number", flat=True).first()
    return WorkflowVersion.objects.create(
        workflow=workflow,
        number=(latest or 0) + 1,
        trigger=draft["trigger"],
        trigger_params=draft.get("trigger_params") or {},
        conditions=draft["conditions"],
        steps=draft["steps"],
        goal=draft.get("goal") or {},
        created_at=clock.now(),
    )


def describe(workflow: Workflow | None, *, draft: bool) -> str:
    """What was simulated, in words."""
    if workflow is None:
        return "the active catalogue"
    version = workflow.current_version.number if workflow.current_version else "?"
    return f"{workflow.name} ({'draft' if draft else f'version {version}'})"


def find_account(reference: str) -> Account | None:
    """The account a person names by its external id or its number ("#12" or "12")."""
    value = reference.strip()
    found = Account.objects.filter(external_id=value).first()
    number = value.lstrip("#")
    if found is None and number.isdigit():
        found = Account.objects.filter(pk=int(number)).first()
    return found
