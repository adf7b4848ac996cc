"""A step a later catalogue adds reaches installs whose playbook nobody edited (migration 0009)."""

import importlib

import pytest
from django.apps import apps as django_apps

from accounts.services import add_tag, cancel_subscription
from tests.workflows.outcomes import tag_names
from workflows import services
from workflows.catalogue import default_playbooks, insert_step_if_untouched
from workflows.models import Condition, Step, Workflow, WorkflowVersion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

e3_update = importlib.import_module("workflows.migrations.0009_e3_removes_active_saas")
MODELS = {
    "Workflow": Workflow,
    "Condition": Condition,
    "Step": Step,
    "WorkflowVersion": WorkflowVersion,
}


def installed_before(steps: list[dict]) -> Workflow:
    """e3 as an earlier install left it: these steps, published."""
    workflow = Workflow.objects.get(key="e3-churn")
    workflow.steps.all().delete()
    for position, step in enumerate(steps):
        Step.objects.create(workflow=workflow, position=position, **step)
    services.publish(workflow=workflow)
    return Workflow.objects.get(pk=workflow.pk)


def update_e3() -> bool:
    return insert_step_if_untouched(
        MODELS,
        key="e3-churn",
        shipped=e3_update.SHIPPED_E3_STEPS,
        position=1,
        step=e3_update.REMOVE_ACTIVE_SAAS,
    )


def test_an_unedited_e3_gets_the_step_and_then_removes_active_saas_on_churn(
    deliver, account, contact, by_api
):
    old = installed_before(e3_update.SHIPPED_E3_STEPS)

    assert update_e3() is True

    workflow = Workflow.objects.get(key="e3-churn")
    [catalogue] = [p for p in default_playbooks() if p["key"] == "e3-churn"]
    assert workflow.current_version.steps == catalogue["steps"]
    assert workflow.current_version.number == old.current_version.number + 1
    assert services.snapshot(workflow)["steps"] == catalogue["steps"]
    add_tag(account=account, tag="Active SaaS", cause=by_api)
    deliver(lambda: cancel_subscription(account=account, cause=by_api))
    assert "Active SaaS" not in tag_names(account)
    assert update_e3() is False  # once only


def test_an_edited_e3_is_left_as_the_manager_made_it():
    edited = [*e3_update.SHIPPED_E3_STEPS[:2]]  # the manager removed the staff alert
    old = installed_before(edited)

    assert update_e3() is False

    workflow = Workflow.objects.get(key="e3-churn")
    assert workflow.current_version == old.current_version
    assert services.snapshot(workflow)["steps"] == edited


c2_update = importlib.import_module("workflows.migrations.0012_c2_alerts_the_cs_team_as_a_digest")


def test_an_unedited_c2_alerts_the_cs_team_and_an_edited_one_is_left_alone():
    workflow = Workflow.objects.get(key="c2-feature-nudge")
    workflow.steps.all().delete()
    for position, step in enumerate(c2_update.SHIPPED_C2_STEPS):
        Step.objects.create(workflow=workflow, position=position, **step)
    services.publish(workflow=workflow)
    Workflow.objects.filter(pk=workflow.pk).update(description=c2_update.SHIPPED_DESCRIPTION)

    c2_update.alert_the_team(django_apps, None)

    workflow = Workflow.objects.get(key="c2-feature-nudge")
    [catalogue] = [p for p in default_playbooks() if p["key"] == "c2-feature-nudge"]
    assert workflow.current_version.steps == catalogue["steps"]
    assert services.snapshot(workflow)["steps"] == catalogue["steps"]
    assert workflow.description == catalogue["description"]

    Step.objects.filter(workflow=workflow, position=1).update(
        params={"template": "c2-feature-unused-alert", "rule": "role", "role": "CSM"}
    )
    services.publish(workflow=workflow)
    edited = Workflow.objects.get(pk=workflow.pk).current_version
    c2_update.alert_the_team(django_apps, None)
    assert Workflow.objects.get(pk=workflow.pk).current_version == edited
