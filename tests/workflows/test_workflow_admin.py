"""Managers edit workflows in the admin: every save is a new version; bad steps are refused."""

import json

import pytest
from django.urls import reverse

from workflows.models import Run, RunStatus, Workflow

pytestmark = pytest.mark.django_db


def formset(prefix: str, rows: list[dict], initial: int) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def edit_form(workflow: Workflow, steps: list[dict]) -> dict:
    conditions = [
        {
            "id": c.pk,
            "workflow": workflow.pk,
            "position": c.position,
            "subject": c.subject,
            "operator": c.operator,
            "value": c.value,
        }
        for c in workflow.conditions.all()
    ]
    existing = list(workflow.steps.all())
    step_rows = [
        {"id": existing[i].pk if i < len(existing) else "", "workflow": workflow.pk, **row}
        for i, row in enumerate(steps)
    ]
    return {
        "key": workflow.key,
        "name": workflow.name,
        "description": workflow.description,
        "trigger": workflow.trigger,
        "is_active": "on",
        "position": workflow.position,
        **formset("conditions", conditions, len(conditions)),
        **formset("steps", step_rows, len(existing)),
    }


@pytest.fixture
def manager_client(client, manager):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    return client


def test_a_manager_edit_publishes_a_new_version(manager_client, manager):
    workflow = Workflow.objects.get(key="e3-churn")
    steps = [
        {"position": s.position, "action": s.action, "params": json.dumps(s.params)}
        for s in workflow.steps.all()
    ]
    steps[2]["params"] = '{"template": "e3-winback"}'
    steps.append({"position": 9, "action": "add_tag", "params": '{"tag": "Churned"}'})

    response = manager_client.post(
        reverse("admin:workflows_workflow_change", args=[workflow.pk]), edit_form(workflow, steps)
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    workflow.refresh_from_db()
    assert workflow.current_version.number == 2
    assert workflow.current_version.created_by == manager
    assert workflow.current_version.steps[-1] == {"action": "add_tag", "params": {"tag": "Churned"}}


def test_a_step_that_could_not_run_is_refused_with_the_reason(manager_client):
    workflow = Workflow.objects.get(key="e3-churn")
    steps = [
        {
            "position": 0,
            "action": "move_to_stage",
            "params": '{"pipeline": "subscription", "stage": "Gone"}',
        }
    ]

    response = manager_client.post(
        reverse("admin:workflows_workflow_change", args=[workflow.pk]), edit_form(workflow, steps)
    )

    assert response.status_code == 200
    assert "has no stage" in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.current_version.number == 1


def test_changing_the_trigger_in_the_admin_refuses_a_condition_it_cannot_answer(manager_client):
    workflow = Workflow.objects.get(key="g1-task-overdue-escalation")  # data.priority
    steps = [
        {"position": s.position, "action": s.action, "params": json.dumps(s.params)}
        for s in workflow.steps.all()
    ]
    data = edit_form(workflow, steps) | {"trigger": "subscription_cancelled"}

    response = manager_client.post(
        reverse("admin:workflows_workflow_change", args=[workflow.pk]), data
    )

    assert response.status_code == 200
    assert "carries no `data.priority`" in response.content.decode()
    workflow.refresh_from_db()
    assert (workflow.trigger, workflow.current_version.number) == ("task_overdue", 1)


@pytest.mark.parametrize(
    ("action", "params", "error"),
    [
        ("wait", '{"days": 999999999}', "`days` is from 0 to 365."),
        ("wait", '{"days": 1000000000}', "`days` is from 0 to 365."),
        ("send_email", '{"template": "e3-winback", "throttle_days": true}', "whole number"),
    ],
)
def test_a_step_out_of_range_is_refused_in_the_admin_too(manager_client, action, params, error):
    workflow = Workflow.objects.get(key="e3-churn")
    steps = [
        {"position": s.position, "action": s.action, "params": json.dumps(s.params)}
        for s in workflow.steps.all()
    ]
    steps.append({"position": 9, "action": action, "params": params})

    response = manager_client.post(
        reverse("admin:workflows_workflow_change", args=[workflow.pk]), edit_form(workflow, steps)
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert workflow.steps.count() == len(steps) - 1
    workflow.refresh_from_db()
    assert workflow.current_version.number == 1


def test_a_csm_can_read_workflows_but_not_change_them(client, csm):
    csm.is_staff = True
    csm.save()
    client.force_login(csm)
    workflow = Workflow.objects.get(key="a1-welcome")

    assert client.get(reverse("admin:workflows_workflow_changelist")).status_code == 200
    client.post(reverse("admin:workflows_workflow_change", args=[workflow.pk]), {"name": "Hacked"})
    workflow.refresh_from_db()
    assert workflow.name != "Hacked"


def test_every_installed_playbook_is_valid_and_published():
    from workflows.catalogue import default_playbooks
    from workflows.services import snapshot, validate_definition

    workflows = Workflow.objects.all()
    assert workflows.count() == len(default_playbooks())
    for workflow in workflows:
        validate_definition(snapshot(workflow))
        assert workflow.current_version.steps == snapshot(workflow)["steps"]


def test_the_run_list_and_a_run_page_open(client, account, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import User

    from accounts.services import change_health_status
    from core.causes import Cause

    with django_capture_on_commit_callbacks(execute=True):
        change_health_status(account=account, status="steady", cause=Cause.by_system())
    client.force_login(User.objects.create_superuser("root", "r@example.com", "pw"))
    skipped = Run.objects.filter(status=RunStatus.SKIPPED).first()

    assert client.get(reverse("admin:workflows_run_changelist")).status_code == 200
    page = client.get(reverse("admin:workflows_run_change", args=[skipped.pk]))
    assert "data.to_status" in page.content.decode()
    assert client.get(reverse("admin:workflows_triggerevent_changelist")).status_code == 200
