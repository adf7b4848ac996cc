"""Drafts: a live workflow's edits wait in its working copy until a manager publishes them.

The working copy is the workflow's trigger, trigger parameters, goal and its Condition
and Step rows (services.snapshot); runs use the current version. When the two differ,
the working copy is the draft. Editing a live (switched on, published) workflow keeps
the edit as a draft, so nothing reaches customers before someone has read the review
page (its diff and impact preview) and pressed Publish; a workflow that is off or
never published has nobody to surprise, so its edits publish at once as before.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from . import services
from .models import Condition, Step, Workflow, WorkflowVersion


@dataclass(frozen=True)
class Saved:
    """What saving the editor did: published a version, kept a draft, or changed nothing."""

    version: WorkflowVersion | None  # the version new runs use after the save
    draft: bool  # the edit waits as a draft for review
    changed: bool

    @property
    def message(self) -> str:
        """The sentence the editor shows after saving."""
        number = self.version.number if self.version else None
        if self.draft:
            return (
                f"Saved as a draft: new runs keep using version {number} until you review "
                "and publish it."
            )
        if not self.changed:
            return f"Nothing changed: new runs use version {number}."
        return f"Saved: new runs use version {number}."


def is_live(workflow: Workflow) -> bool:
    """Switched on and published: new events start runs of its current version."""
    return workflow.is_active and workflow.current_version_id is not None


def definition_of(version: WorkflowVersion) -> dict:
    """A version's definition, in the shape services.snapshot gives the working copy."""
    return {
        "trigger": version.trigger,
        "trigger_params": version.trigger_params or {},
        "conditions": version.conditions,
        "steps": version.steps,
        "goal": version.goal or {},
    }


def draft_of(workflow: Workflow) -> dict | None:
    """The workflow's draft (its working copy, when that differs from the current
    version), or None. A workflow never published has no version to differ from: its
    working copy is the draft once it holds a step. Read afresh: a caller's instance may
    predate a publish."""
    workflow = Workflow.objects.select_related("current_version").get(pk=workflow.pk)
    working = services.snapshot(workflow)
    current = workflow.current_version
    if current is None:
        return working if working["steps"] else None
    return None if working == definition_of(current) else working


def fingerprint(definition: dict) -> str:
    """A short digest of a definition: the review page posts it back, so Publish
    publishes the draft that was reviewed, not one edited since."""
    text = json.dumps(definition, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def save_edit(*, workflow: Workflow, user, write: Callable[[], None]) -> Saved:
    """Write the editor's working copy (`write`), then publish it, or keep it as a draft
    when the workflow is live. Either way it is validated first: an invalid edit is
    refused and rolled back whole."""
    write()
    workflow = Workflow.objects.select_related("current_version").get(pk=workflow.pk)
    if not is_live(workflow):
        previous = workflow.current_version_id
        version = services.publish(workflow=workflow, user=user)
        return Saved(version=version, draft=False, changed=version.pk != previous)
    services.validate_definition(services.snapshot(workflow))
    has_draft = draft_of(workflow) is not None
    return Saved(version=workflow.current_version, draft=has_draft, changed=has_draft)


@transaction.atomic
def publish_draft(*, workflow: Workflow, user, reviewed: str) -> WorkflowVersion:
    """Publish the draft that was reviewed (its `fingerprint`). Refused, with nothing
    published, when there is no draft, it changed since the review, or it cannot run."""
    workflow = _locked(workflow)
    draft = draft_of(workflow)
    if draft is None:
        raise ValidationError("There is no draft to publish.", code="no_draft")
    if fingerprint(draft) != reviewed:
        raise ValidationError(
            "The draft changed since this page was opened: review it again before publishing.",
            code="stale",
        )
    return services.publish(workflow=workflow, user=user)


def _locked(workflow: Workflow) -> Workflow:
    """The workflow, row-locked until commit: two managers' publish / discard queue up."""
    return Workflow.objects.select_for_update().get(pk=workflow.pk)


@transaction.atomic
def discard(*, workflow: Workflow) -> bool:
    """Put the working copy back to the current version; returns whether there was a draft."""
    workflow = _locked(workflow)
    version = workflow.current_version
    if version is None or draft_of(workflow) is None:
        return False
    Workflow.objects.filter(pk=workflow.pk).update(
        trigger=version.trigger,
        trigger_params=version.trigger_params or {},
        goal=version.goal or {},
    )
    workflow.conditions.all().delete()
    workflow.steps.all().delete()
    Condition.objects.bulk_create(
        Condition(workflow=workflow, position=position, **condition)
        for position, condition in enumerate(version.conditions)
    )
    Step.objects.bulk_create(
        Step(workflow=workflow, position=position, action=step["action"], params=step["params"])
        for position, step in enumerate(version.steps)
    )
    return True
