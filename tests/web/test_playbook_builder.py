"""The playbook builder (workflows/builder/): every shape it makes saves, publishes,
exports and re-imports as it was; a two-path decision built with its buttons; kinds
with no typed form yet; the page's queries do not grow with its steps."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.integration_models import WebhookEndpoint
from tests.web.builder_form import builder_data, form_of, submit
from workflows import services
from workflows.actions import ACTIONS, ActionKind
from workflows.builder import registry
from workflows.catalogue import export_playbook
from workflows.models import Step, Workflow

pytestmark = pytest.mark.django_db


def url(workflow: Workflow) -> str:
    return reverse("workflows:edit", args=[workflow.pk])


def switched_off(key: str) -> Workflow:
    """A shipped workflow, off: the builder's save publishes it at once (a live one's edit
    waits as a draft for review: tests/web/test_draft_views.py)."""
    Workflow.objects.filter(key=key).update(is_active=False)
    return Workflow.objects.get(key=key)


def test_every_default_playbook_comes_back_from_the_builder_as_it_was(client, manager):
    """Each step kind's typed fields read and write its parameters without loss."""
    client.force_login(manager)
    for workflow in Workflow.objects.all():
        before = services.snapshot(workflow)

        response = submit(client, workflow)

        assert response.status_code == 302, (workflow.key, response.context["builder"].errors)
        after = services.snapshot(Workflow.objects.get(pk=workflow.pk))
        assert after == before, workflow.key


EVERY_SHAPE = [
    {"action": "send_email", "params": {"template": "e3-winback"}},
    {"action": "send_sms", "params": {"template": "f1-reminder-hour-sms"}},
    {
        "action": "notify_staff",
        "params": {"template": "e3-churn-alert", "rule": "role", "role": "Manager", "email": True},
    },
    {"action": "add_tag", "params": {"tag": "Churned", "replaces": ["VIP", "Trial"]}},
    {"action": "remove_tag", "params": {"tag": "VIP"}},
    {"action": "move_to_stage", "params": {"pipeline": "health", "stage": "Struggling"}},
    {"action": "add_points", "params": {"points": -20, "reason": "Churned"}},
    {"action": "set_happiness", "params": {"level": "not_happy"}},
    {
        "action": "create_task",
        "params": {"title": "Call", "details": "Why?", "priority": "high", "due_in_days": 2},
    },
    {"action": "wait", "params": {"hours": 26}},
    {"action": "offer_booking", "params": {"meeting_kind": "feature-walkthrough"}},
    {"action": "call_webhook", "params": {"endpoint": "crm-sync", "type": "account.at_risk"}},
    {
        "action": "send_survey",
        "params": {
            "survey": "csat",
            "template": "satisfaction-survey",
            "contact": "data.contact_id",
        },
    },
    {
        "action": "decision",
        "params": {
            "paths": [
                {
                    "name": "Big",
                    "conditions": [{"subject": "account.mrr", "operator": "gte", "value": "500"}],
                    "steps": [{"action": "add_tag", "params": {"tag": "Big loss"}}],
                },
                {
                    "name": "Tagged",
                    "conditions": [{"subject": "", "operator": "has_tag", "value": "VIP"}],
                    "steps": [],
                },
            ],
            "otherwise": [
                {
                    "action": "wait_for",
                    "params": {
                        "event": "feedback_submitted",
                        "conditions": [{"subject": "data.nps", "operator": "gte", "value": "9"}],
                        "days": 3,
                        "happened": [{"action": "add_tag", "params": {"tag": "Promoter"}}],
                        "timed_out": [],
                    },
                }
            ],
        },
    },
]


def test_every_shape_the_builder_makes_saves_exports_and_reimports_as_it_was(
    client, manager, tmp_path
):
    workflow = switched_off("e3-churn")
    WebhookEndpoint.objects.create(
        key="crm-sync", name="CRM sync", url="https://hooks.example.com/"
    )
    conditions = [{"subject": "data.mrr_lost", "operator": "gte", "value": "100"}]
    data = builder_data(workflow, steps=EVERY_SHAPE, conditions=conditions)
    client.force_login(manager)

    response = client.post(url(workflow), data)

    assert response.status_code == 302, response.context["builder"].errors
    workflow.refresh_from_db()
    version = workflow.current_version
    assert (version.steps, version.conditions) == (EVERY_SHAPE, conditions)
    # The page shows it again as built, and saving it untouched changes nothing.
    again = submit(client, workflow)
    assert again.status_code == 302
    assert Workflow.objects.get(pk=workflow.pk).current_version == version
    # Exported, removed and installed from the file: the same playbook.
    exported = StringIO()
    call_command("export_playbooks", stdout=exported)
    playbooks = [p for p in json.loads(exported.getvalue()) if p["key"] == "e3-churn"]
    assert playbooks[0]["steps"] == EVERY_SHAPE
    path = tmp_path / "playbooks.json"
    path.write_text(json.dumps(playbooks))
    workflow.delete()
    call_command("install_playbooks", file=path, stdout=StringIO())
    installed = Workflow.objects.get(key="e3-churn")
    assert installed.current_version.steps == EVERY_SHAPE
    assert export_playbook(installed)["conditions"] == conditions


def test_a_manager_builds_a_two_path_decision_with_the_buttons(client, manager):
    workflow = switched_off("upgrade-follow-up")
    client.force_login(manager)
    data = form_of(client.get(url(workflow)))

    page = submit(client, workflow, {**data, "new-root": "decision"}, op="add:root")
    data = form_of(page)
    decision = data["order-root"].split(",")[-1]
    page = submit(client, workflow, data, op=f"addpath:{decision}")
    data = form_of(page)
    first, second = data[f"order-{decision}-paths"].split(",")
    for path, name, plan in ((first, "Pro", "pro"), (second, "Business", "business")):
        [condition] = data[f"order-{path}-conds"].split(",")
        data.update(
            {
                f"{path}-name": name,
                f"{condition}-subject": "data.to_plan",
                f"{condition}-operator": "eq",
                f"{condition}-value": plan,
                f"new-{path}-steps": "add_tag",
            }
        )
        data = form_of(submit(client, workflow, data, op=f"add:{path}-steps"))
        [step] = data[f"order-{path}-steps"].split(",")
        data[f"{step}-tag"] = f"{name} upgrade"
    labels = [
        s.label for s in submit(client, workflow, data, op="refresh").context["builder"].all_steps()
    ]
    response = client.post(url(workflow), data)

    assert labels[-3:] == ["3", "3.1.1", "3.2.1"]
    assert response.status_code == 302, response.context["builder"].errors
    decision_step = Workflow.objects.get(pk=workflow.pk).current_version.steps[-1]
    assert decision_step == {
        "action": "decision",
        "params": {
            "paths": [
                {
                    "name": "Pro",
                    "conditions": [{"subject": "data.to_plan", "operator": "eq", "value": "pro"}],
                    "steps": [{"action": "add_tag", "params": {"tag": "Pro upgrade"}}],
                },
                {
                    "name": "Business",
                    "conditions": [
                        {"subject": "data.to_plan", "operator": "eq", "value": "business"}
                    ],
                    "steps": [{"action": "add_tag", "params": {"tag": "Business upgrade"}}],
                },
            ],
            "otherwise": [],
        },
    }


def test_a_decision_path_left_without_conditions_is_refused_at_its_step(client, manager):
    workflow = Workflow.objects.get(key="upgrade-follow-up")
    client.force_login(manager)
    data = form_of(client.get(url(workflow)))
    data = form_of(submit(client, workflow, {**data, "new-root": "decision"}, op="add:root"))

    response = client.post(url(workflow), data)

    assert response.status_code == 200
    [*_, decision] = response.context["builder"].all_steps()
    assert decision.errors == [
        "Step 3 (Decision): Path 1 needs conditions (the “otherwise” path has none)."
    ]
    assert workflow.versions.count() == 1


@pytest.fixture
def new_kind(monkeypatch):
    """A step kind another part of the product adds, with no typed form yet."""

    def check(params):
        from workflows.actions.params import Params

        read = Params(params, allowed=["url"])
        read.text("url", max_length=200, required=True)
        read.done()

    kind = ActionKind(
        "post_to_intranet",
        "Post to the intranet",
        lambda ctx, p: "ok",
        check,
        check,
        {"url": "https://…"},
    )
    monkeypatch.setitem(ACTIONS, kind.key, kind)
    return kind


def test_a_kind_without_a_typed_form_is_edited_as_json_and_refused_by_its_own_rules(
    client, manager, new_kind
):
    workflow = switched_off("e3-churn")
    client.force_login(manager)
    data = form_of(client.get(url(workflow)))
    page = submit(client, workflow, {**data, "new-root": "post_to_intranet"}, op="add:root")
    data = form_of(page)
    node = data["order-root"].split(",")[-1]
    assert "For example {&quot;url&quot;: &quot;https://…&quot;}" in page.content.decode()

    refused = client.post(url(workflow), {**data, f"{node}-params_json": '{"link": 1}'})
    saved = client.post(url(workflow), {**data, f"{node}-params_json": '{"url": "https://x"}'})

    assert registry.form_class("post_to_intranet") is registry.GenericForm
    assert "Unknown parameter `link`" in refused.content.decode()
    assert saved.status_code == 302
    steps = Workflow.objects.get(pk=workflow.pk).current_version.steps
    assert steps[-1] == {"action": "post_to_intranet", "params": {"url": "https://x"}}


def big_playbook(workflow: Workflow, copies: int) -> None:
    """`copies` of every shape above as the working copy."""
    workflow.steps.all().delete()
    Step.objects.bulk_create(
        Step(workflow=workflow, position=n, action=s["action"], params=s["params"])
        for n, s in enumerate(EVERY_SHAPE * copies)
    )


def test_the_editor_page_reads_the_same_number_of_queries_for_15_or_150_steps(client, manager):
    workflow = Workflow.objects.get(key="e3-churn")
    client.force_login(manager)
    counts = []
    for copies in (1, 10):
        big_playbook(workflow, copies)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(workflow))
        assert response.status_code == 200
        counts.append(len(queries))

    # The same for 15 and 150 steps; three of them are the lists of meeting kinds,
    # webhook endpoints and surveys, read once each for their steps' pickers.
    assert counts == [20, 20], counts
