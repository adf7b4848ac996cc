"""The editor's date trigger (#18 item 4): its fields, their refusals, the switch's report of
what became due while a workflow was off, and export/import of playbooks.json."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core import clock
from tests.factories import AccountFactory
from tests.web.builder_form import edit_form
from tests.web.test_workflow_views import HTMX
from tests.workflows.dated import date_workflow, tag
from tests.workflows.drafting import publish_reviewed_draft
from workflows import tasks
from workflows.models import Step, SweepBacklog, Workflow
from workflows.services import publish, set_active

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(db) -> Workflow:
    made = Workflow.objects.create(key="renewal", name="Renewal prep", trigger="tag_added")
    Step.objects.create(workflow=made, position=0, action="add_tag", params={"tag": "Renewal"})
    publish(workflow=made)
    return made


DATE = {
    "trigger": "date_reached",
    "date_field": "renewal_date",
    "offset_days": "30",
    "direction": "before",
    "late_joiners": "latest",
}


def test_a_manager_chooses_the_date_trigger_and_its_parameters_are_published(
    client, manager, workflow
):
    client.force_login(manager)

    response = client.post(
        reverse("workflows:edit", args=[workflow.pk]), edit_form(client, workflow, **DATE)
    )

    assert response.status_code == 302
    publish_reviewed_draft(client, workflow)
    workflow.refresh_from_db()
    version = workflow.current_version
    assert (version.number, version.trigger) == (2, "date_reached")
    assert version.trigger_params == {
        "field": "renewal_date",
        "days": 30,
        "direction": "before",
        "late_joiners": "latest",
    }
    page = client.get(reverse("workflows:edit", args=[workflow.pk])).content.decode()
    assert 'id="date-trigger-fields"' in page
    assert "Run the latest past step only" in page
    assert 'value="30"' in page


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"offset_days": "-3"}, "Give the days as a whole number from 0 to 365."),
        ({"offset_days": "400"}, "Give the days as a whole number from 0 to 365."),
        ({"offset_days": "soon"}, "Give the days as a whole number from 0 to 365."),
        ({"offset_days": ""}, "Give the days as a whole number from 0 to 365."),
        ({"date_field": "birthday"}, "Unknown date field “birthday”"),
        ({"date_field": ""}, "Choose which date the trigger counts from."),
        ({"direction": "around"}, "Select a valid choice"),
        ({"direction": ""}, "Say whether it is before or after the date."),
        ({"late_joiners": "some"}, "Select a valid choice"),
    ],
)
def test_bad_date_trigger_input_is_refused_with_a_message_and_nothing_is_published(
    client, manager, workflow, changes, error
):
    client.force_login(manager)

    response = client.post(
        reverse("workflows:edit", args=[workflow.pk]), edit_form(client, workflow, **DATE | changes)
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    workflow.refresh_from_db()
    assert (workflow.trigger, workflow.trigger_params, workflow.versions.count()) == (
        "tag_added",
        {},
        1,
    )


def test_another_trigger_keeps_no_date_parameters(client, manager, workflow):
    client.force_login(manager)
    client.post(reverse("workflows:edit", args=[workflow.pk]), edit_form(client, workflow, **DATE))

    data = edit_form(
        client, Workflow.objects.get(pk=workflow.pk), **DATE | {"trigger": "tag_added"}
    )
    client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    version = Workflow.objects.get(pk=workflow.pk).current_version
    assert (version.trigger, version.trigger_params) == ("tag_added", {})


def test_switching_on_again_says_what_became_due_and_offers_the_choice(
    client, manager, django_capture_on_commit_callbacks
):
    Workflow.objects.update(is_active=False)
    AccountFactory(renewal_date=clock.now().date() + timedelta(days=30))
    made = date_workflow("renewal-prep", [tag("Renewal in 30 days")], days=30)
    set_active(workflow=made, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_sweep("date_occurrences")
    client.force_login(manager)

    response = client.post(reverse("workflows:switch", args=[made.pk]), {"active": "on"}, **HTMX)

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("workflows:list")
    page = client.get(reverse("workflows:list")).content.decode()
    assert "While it was off, 1 became due" in page
    assert "was off: 1 became due meanwhile" in page
    assert "Catch up now" in page
    assert "Skip them" in page
    [backlog] = SweepBacklog.objects.filter(workflow=made)

    response = client.post(
        reverse("workflows:backlog_choose", args=[backlog.pk]), {"choice": "from_now"}
    )

    assert response.status_code == 302
    page = client.get(reverse("workflows:list")).content.decode()
    assert "chose <strong>Skip them</strong>" in page


# --- playbooks.json ---------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_date_triggered_playbook_exports_and_reimports_with_its_trigger(tmp_path):
    date_workflow("renewal-prep", [tag("Renewal in 30 days")], days=30, late_joiners="all")
    exported = next(w for w in json.loads(run("export_playbooks")) if w["key"] == "renewal-prep")
    assert exported["trigger_params"] == {
        "field": "renewal_date",
        "days": 30,
        "direction": "before",
        "late_joiners": "all",
    }
    others = [w for w in json.loads(run("export_playbooks")) if w["key"] != "renewal-prep"]
    assert all("trigger_params" not in w for w in others)  # unchanged for the rest
    Workflow.objects.filter(key="renewal-prep").delete()
    path = tmp_path / "playbooks.json"
    path.write_text(json.dumps([exported]))

    run("install_playbooks", "--file", str(path))

    installed = Workflow.objects.get(key="renewal-prep")
    assert installed.trigger_params == installed.current_version.trigger_params
    assert installed.current_version.trigger_params == exported["trigger_params"]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"field": "renewal_date", "days": -1, "direction": "before"}, "from 0 to 365"),
        ({"field": "birthday", "days": 3, "direction": "before"}, "Unknown date field"),
        ({"field": "renewal_date", "days": 3, "direction": "before", "x": 1}, "Unknown trigger"),
        ({"field": "renewal_date", "days": 3}, "before or after"),
    ],
)
def test_a_file_with_a_bad_date_trigger_is_refused_and_installs_nothing(tmp_path, params, error):
    playbook = {
        "key": "bad-dates",
        "name": "Bad dates",
        "trigger": "date_reached",
        "trigger_params": params,
        "conditions": [],
        "steps": [tag("x")],
    }
    path = tmp_path / "playbooks.json"
    path.write_text(json.dumps([playbook]))

    with pytest.raises(CommandError, match=error):
        run("install_playbooks", "--file", str(path))
    assert not Workflow.objects.filter(key="bad-dates").exists()


def test_parameters_on_a_trigger_that_takes_none_are_refused(tmp_path):
    playbook = {
        "key": "odd",
        "name": "Odd",
        "trigger": "tag_added",
        "trigger_params": {"days": 3},
        "conditions": [],
        "steps": [tag("x")],
    }
    path = tmp_path / "playbooks.json"
    path.write_text(json.dumps([playbook]))
    with pytest.raises(CommandError, match="takes no parameters"):
        run("install_playbooks", "--file", str(path))
