"""The editor and the playbooks file take decisions, waits for the customer and goals, and
refuse the ones that could never run: a clear message, nothing published."""

import pytest
from django.urls import reverse

from tests.web.builder_form import builder_data, edit_form, form_of
from tests.workflows.drafting import publish_reviewed_draft
from workflows.catalogue import export_playbook, validate_playbook
from workflows.models import Workflow

pytestmark = pytest.mark.django_db


def tag(name):
    return {"action": "add_tag", "params": {"tag": name}}


PRO = {"subject": "data.to_plan", "operator": "eq", "value": "Pro"}
GOOD_DECISION = {
    "paths": [{"name": "Pro", "conditions": [PRO], "steps": [tag("Pro")]}],
    "otherwise": [tag("Other")],
}


def nested(depth: int) -> dict:
    """A decision holding a decision … `depth` deep."""
    steps = [tag("Deepest")]
    for _ in range(depth):
        steps = [
            {"action": "decision", "params": {"paths": [{"conditions": [PRO], "steps": steps}]}}
        ]
    return steps[0]["params"]


def post_step(client, manager, workflow, action, params, **changes):
    """Save `workflow` with one step more, built in the builder field by field."""
    steps = [{"action": s.action, "params": s.params} for s in workflow.steps.all()]
    conditions = [
        {"subject": c.subject, "operator": c.operator, "value": c.value}
        for c in workflow.conditions.all()
    ]
    steps.append({"action": action, "params": params})
    data = builder_data(workflow, steps=steps, conditions=conditions, **changes)
    client.force_login(manager)
    return client.post(reverse("workflows:edit", args=[workflow.pk]), data, follow=True)


def test_a_manager_adds_a_two_path_decision_and_it_is_published(client, manager):
    workflow = Workflow.objects.get(key="upgrade-follow-up")

    post_step(client, manager, workflow, "decision", GOOD_DECISION)
    response = publish_reviewed_draft(client, workflow)

    assert "Published: new runs use version 2" in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.current_version.steps[-1] == {"action": "decision", "params": GOOD_DECISION}


@pytest.mark.parametrize(
    ("action", "params", "error"),
    [
        ("decision", {"paths": [], "otherwise": []}, "A decision needs at least one path"),
        ("decision", {"paths": [{"conditions": [], "steps": []}]}, "Path 1 needs conditions"),
        ("decision", {"paths": [{"conditions": [PRO], "steps": []}] * 6}, "at most 5 paths"),
        (
            "decision",
            {"paths": [{"conditions": [{**PRO, "subject": "data.nps"}], "steps": []}]},
            "carries no `data.nps`",
        ),
        (
            "decision",
            {"paths": [{"conditions": [PRO], "steps": [tag("")]}]},
            "Step 3.1.1 (Add tag)",  # its place in the whole playbook
        ),
        ("decision", nested(4), "nested too deep; at most 3"),
        ("wait_for", {"event": "login_recorded", "happened": []}, "needs a time limit"),
        ("wait_for", {"event": "login_recorded", "days": 0}, "needs a time limit"),
        ("wait_for", {"days": 3}, "can never be tested"),
        ("wait_for", {"event": "no_such_event", "days": 3}, "Select a valid choice"),
        (
            "wait_for",
            {"conditions": [{"subject": "data.nps", "operator": "gte", "value": "9"}], "days": 3},
            "with no event there is no `data`",
        ),
    ],
)
def test_a_branching_step_that_could_never_run_is_refused_and_nothing_is_published(
    client, manager, action, params, error
):
    workflow = Workflow.objects.get(key="upgrade-follow-up")
    before = workflow.current_version_id

    response = post_step(client, manager, workflow, action, params)

    assert response.status_code == 200
    assert error in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.current_version_id == before
    assert workflow.versions.count() == 1


def test_nesting_three_deep_is_allowed(client, manager):
    workflow = Workflow.objects.get(key="upgrade-follow-up")

    response = post_step(client, manager, workflow, "decision", nested(3))

    assert "Saved as a draft" in response.content.decode()


@pytest.mark.parametrize(
    ("event", "condition", "error"),
    [
        ("logged_in_again", None, "Select a valid choice"),
        ("", {"subject": "data.nps", "operator": "gte", "value": "9"}, "no `data`"),
        (
            "login_recorded",
            {"subject": "data.nps", "operator": "gte", "value": "9"},
            "carries no `data.nps`",
        ),
        ("", {"subject": "account.score", "operator": "gte", "value": "many"}, "is a number"),
    ],
)
def test_a_goal_that_can_never_be_tested_is_refused(client, manager, event, condition, error):
    workflow = Workflow.objects.get(key="upgrade-follow-up")
    client.force_login(manager)
    data = edit_form(client, workflow, **{"goal-event": event})
    if condition:
        page = client.post(
            reverse("workflows:edit", args=[workflow.pk]), {**data, "op": "add:goal-conds"}
        )
        data = form_of(page)
        node = data["order-goal-conds"]
        data.update({f"{node}-{name}": value for name, value in condition.items()})

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 200
    assert error in response.content.decode()
    workflow.refresh_from_db()
    assert (workflow.goal, workflow.versions.count()) == ({}, 1)


def test_a_goal_is_picked_saved_and_published_with_the_steps(client, manager):
    workflow = Workflow.objects.get(key="upgrade-follow-up")
    client.force_login(manager)
    data = edit_form(client, workflow, **{"goal-event": "login_recorded"})
    data = form_of(
        client.post(reverse("workflows:edit", args=[workflow.pk]), {**data, "op": "add:goal-conds"})
    )
    node = data["order-goal-conds"]
    data.update(
        {
            f"{node}-subject": "data.days_since_previous",
            f"{node}-operator": "gte",
            f"{node}-value": "7",
        }
    )

    response = client.post(reverse("workflows:edit", args=[workflow.pk]), data)

    assert response.status_code == 302
    publish_reviewed_draft(client, workflow)
    workflow.refresh_from_db()
    goal = {
        "event": "login_recorded",
        "conditions": [{"subject": "data.days_since_previous", "operator": "gte", "value": "7"}],
    }
    assert workflow.goal == workflow.current_version.goal == goal
    again = form_of(client.get(reverse("workflows:edit", args=[workflow.pk])))
    assert (again["goal-event"], again[f"{again['order-goal-conds']}-subject"]) == (
        "login_recorded",
        "data.days_since_previous",
    )


def test_export_carries_the_new_shapes_and_import_validates_them():
    d1 = export_playbook(Workflow.objects.get(key="d1-inactive"))
    assert d1["goal"] == {"event": "login_recorded"}
    assert d1["steps"][-1]["action"] == "wait_for"
    validate_playbook(d1)  # what install_playbooks --file asks

    broken = {
        **d1,
        "steps": [*d1["steps"][:-1], {"action": "wait_for", "params": {"event": "login_recorded"}}],
    }
    with pytest.raises(Exception, match="needs a time limit"):
        validate_playbook(broken)
