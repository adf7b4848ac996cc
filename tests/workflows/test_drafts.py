"""Drafts: a live workflow's edit waits until it is published; runs in flight keep their
version; a draft can be discarded; an invalid one is refused with nothing published."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Plan
from workflows import drafts, engine
from workflows.models import Condition, RunStatus, Step, Workflow
from workflows.services import set_active

from .outcomes import runs_of, tag_names
from .test_engine import UPGRADE_STEPS, build_workflow, upgrade

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def edit(workflow: Workflow, user, *, tag: str) -> drafts.Saved:
    """What the editor does: write the working copy (the last step's tag), then save."""

    def write():
        Step.objects.filter(workflow=workflow, position=2).update(params={"tag": tag})

    return drafts.save_edit(workflow=workflow, user=user, write=write)


def test_editing_a_live_workflow_keeps_a_draft_and_publishing_it_leaves_runs_in_flight_on_v1(
    deliver, frozen_time, account, manager, by_manager
):
    workflow = build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)
    deliver(lambda: upgrade(account, by_manager))
    [waiting] = runs_of("upgrade-check-in", account)

    saved = edit(workflow, manager, tag="Check-in booked")

    assert (saved.draft, saved.version.number) == (True, 1)
    assert "new runs keep using version 1" in saved.message
    assert drafts.draft_of(workflow)["steps"][2]["params"] == {"tag": "Check-in booked"}
    # Not published yet: a new run still starts on version 1.
    deliver(lambda: upgrade(account, by_manager, Plan.BUSINESS))
    assert runs_of("upgrade-check-in", account)[-1].version.number == 1

    version = drafts.publish_draft(
        workflow=workflow,
        user=manager,
        reviewed=drafts.fingerprint(drafts.draft_of(workflow)),
    )

    assert (version.number, version.created_by) == (2, manager)
    assert drafts.draft_of(workflow) is None
    frozen_time.shift(timedelta(days=1, minutes=1))
    deliver(engine.resume_due_runs)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.version.number) == (RunStatus.SUCCEEDED, 1)
    assert tag_names(account) == {"Upgraded", "Upgrade check-in due"}
    deliver(lambda: upgrade(account, by_manager, Plan.PRO))
    frozen_time.shift(timedelta(days=1, minutes=1))
    deliver(engine.resume_due_runs)
    assert runs_of("upgrade-check-in", account)[-1].version.number == 2
    assert "Check-in booked" in tag_names(account)


def test_a_workflow_that_is_off_publishes_its_edit_at_once(manager):
    workflow = build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)
    set_active(workflow=workflow, active=False)
    workflow.refresh_from_db()

    saved = edit(workflow, manager, tag="Check-in booked")

    assert (saved.draft, saved.changed, saved.version.number) == (False, True, 2)
    assert saved.message == "Saved: new runs use version 2."
    assert drafts.draft_of(workflow) is None


def test_saving_the_live_version_unchanged_is_no_draft(manager):
    workflow = build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)

    saved = edit(workflow, manager, tag="Upgrade check-in due")

    assert (saved.draft, saved.changed) == (False, False)
    assert saved.message == "Nothing changed: new runs use version 1."


def test_discarding_a_draft_puts_the_live_version_back_and_again_changes_nothing(manager):
    workflow = build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)
    edit(workflow, manager, tag="Check-in booked")
    Condition.objects.create(workflow=workflow, subject="account.plan", operator="eq", value="pro")
    Workflow.objects.filter(pk=workflow.pk).update(goal={"event": "login_recorded"})

    assert drafts.discard(workflow=workflow) is True

    workflow.refresh_from_db()
    assert drafts.draft_of(workflow) is None
    assert [s.params for s in workflow.steps.all()][2] == {"tag": "Upgrade check-in due"}
    assert (workflow.conditions.count(), workflow.goal) == (0, {})
    assert workflow.versions.count() == 1
    assert drafts.discard(workflow=workflow) is False


def test_publishing_an_invalid_draft_is_refused_and_nothing_is_published(manager):
    workflow = build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)
    # Valid when saved; its template was deleted since (or it was written elsewhere).
    Step.objects.create(
        workflow=workflow, position=3, action="send_email", params={"template": "gone"}
    )
    draft = drafts.draft_of(workflow)

    with pytest.raises(ValidationError) as refusal:
        drafts.publish_draft(workflow=workflow, user=manager, reviewed=drafts.fingerprint(draft))

    assert "Step 4 (Send e-mail): There is no message template 'gone'." in refusal.value.messages
    assert workflow.versions.count() == 1
    assert drafts.draft_of(workflow) == draft


def test_an_invalid_edit_of_a_live_workflow_is_refused_whole(manager):
    workflow = build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)

    def write():
        Step.objects.filter(workflow=workflow, position=2).update(params={"tag": ""})

    with pytest.raises(ValidationError):
        drafts.save_edit(workflow=workflow, user=manager, write=write)

    assert drafts.draft_of(workflow) is None


def test_a_draft_edited_since_its_review_is_not_published(manager):
    workflow = build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)
    edit(workflow, manager, tag="Check-in booked")
    reviewed = drafts.fingerprint(drafts.draft_of(workflow))
    edit(workflow, manager, tag="Something else")

    with pytest.raises(ValidationError, match="changed since this page was opened"):
        drafts.publish_draft(workflow=workflow, user=manager, reviewed=reviewed)
    drafts.discard(workflow=workflow)
    with pytest.raises(ValidationError, match="no draft"):
        drafts.publish_draft(workflow=workflow, user=manager, reviewed=reviewed)

    assert workflow.versions.count() == 1
