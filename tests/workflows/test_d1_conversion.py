"""The shipped d1 re-engagement playbook waits for a login with a goal (migration 0014),
on installs nobody edited; an edited d1 is the manager's and is left alone."""

import importlib

import pytest

from workflows import services
from workflows.catalogue import default_playbooks, replace_steps_if_untouched
from workflows.models import Condition, Step, Workflow, WorkflowVersion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

d1_update = importlib.import_module("workflows.migrations.0017_d1_waits_for_a_login_with_a_goal")
MODELS = {
    "Workflow": Workflow,
    "Condition": Condition,
    "Step": Step,
    "WorkflowVersion": WorkflowVersion,
}
[D1] = [p for p in default_playbooks() if p["key"] == "d1-inactive"]


def installed_before(steps: list[dict]) -> Workflow:
    """d1 as an earlier install left it: these steps, no goal, published."""
    workflow = Workflow.objects.get(key="d1-inactive")
    workflow.steps.all().delete()
    for position, step in enumerate(steps):
        Step.objects.create(workflow=workflow, position=position, **step)
    Workflow.objects.filter(pk=workflow.pk).update(goal={})
    workflow.refresh_from_db()
    services.publish(workflow=workflow)
    return Workflow.objects.get(pk=workflow.pk)


def update_d1() -> bool:
    return replace_steps_if_untouched(
        MODELS,
        key="d1-inactive",
        shipped=d1_update.SHIPPED_D1_STEPS,
        steps=D1["steps"],
        goal=D1["goal"],
    )


def test_a_fresh_install_has_the_wait_and_the_goal():
    workflow = Workflow.objects.get(key="d1-inactive")
    assert workflow.goal == workflow.current_version.goal == {"event": "login_recorded"}
    assert workflow.current_version.steps == services.snapshot(workflow)["steps"] == D1["steps"]


def test_an_unedited_d1_gets_the_wait_for_login_and_the_goal_once():
    old = installed_before(d1_update.SHIPPED_D1_STEPS)

    assert update_d1() is True

    workflow = Workflow.objects.get(key="d1-inactive")
    assert workflow.current_version.number == old.current_version.number + 1
    assert workflow.current_version.steps == D1["steps"]
    assert services.snapshot(workflow) == {
        **services.snapshot(workflow),
        "steps": D1["steps"],
        "goal": D1["goal"],
    }
    assert update_d1() is False


def test_an_edited_d1_is_left_alone():
    edited = [*d1_update.SHIPPED_D1_STEPS[:3]]  # the manager dropped the owner's alert
    old = installed_before(edited)

    assert update_d1() is False

    workflow = Workflow.objects.get(key="d1-inactive")
    assert (workflow.current_version_id, workflow.goal) == (old.current_version_id, {})
    assert services.snapshot(workflow)["steps"] == edited
