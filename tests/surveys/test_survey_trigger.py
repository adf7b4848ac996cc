"""A response is a trigger: a playbook tests data.answers.<key> and acts, once per response."""

from datetime import timedelta

import pytest

from activity.models import Task, TaskSource
from activity.services.tasks import create_task, resolve_task
from core import clock
from core.causes import Cause
from notifications.models import Message
from surveys.models import SurveyResponse
from tests.workflows.outcomes import footprint, tag_names
from workflows.models import Run, Step, Workflow
from workflows.services import publish, validate_definition

pytestmark = pytest.mark.django_db


def unhappy_with_support() -> Workflow:
    """Tag the account and open a task when a CSAT answer is 2 or less."""
    workflow = Workflow.objects.create(
        key="csat-detractor", name="CSAT detractor", trigger="survey_answered"
    )
    workflow.conditions.create(position=0, subject="data.survey_key", operator="eq", value="csat")
    workflow.conditions.create(position=1, subject="data.answers.csat", operator="lte", value="2")
    Step.objects.create(
        workflow=workflow, position=0, action="add_tag", params={"tag": "Unhappy with support"}
    )
    Step.objects.create(
        workflow=workflow,
        position=1,
        action="create_task",
        params={"title": "Call about CSAT {{ data.answers.csat }}", "due_in_days": 1},
    )
    publish(workflow=workflow)
    return workflow


def test_a_condition_on_an_answer_validates_against_the_trigger():
    base = {"trigger": "survey_answered", "steps": [{"action": "add_tag", "params": {"tag": "x"}}]}
    ok = {**base, "conditions": [{"subject": "data.answers.nps", "operator": "lte", "value": "6"}]}
    validate_definition(ok)
    with pytest.raises(Exception, match="carries no"):
        validate_definition(
            {**base, "conditions": [{"subject": "data.nothing", "operator": "eq", "value": "1"}]}
        )


@pytest.mark.parametrize(("score", "acted"), [(1, True), (2, True), (3, False), (5, False)])
def test_a_low_csat_answer_tags_and_opens_a_task_and_the_same_answer_again_changes_nothing(
    client, deliver, send, link, account, score, acted
):
    unhappy_with_support()
    sent = send("csat")

    deliver(lambda: client.post(link(sent), {"q-csat": str(score)}))

    assert ("Unhappy with support" in tag_names(account)) is acted
    tasks = list(Task.objects.filter(account=account, title__startswith="Call about CSAT"))
    assert [t.title for t in tasks] == ([f"Call about CSAT {score}"] if acted else [])
    before = footprint(account)
    runs = Run.objects.count()

    deliver(lambda: client.post(link(sent), {"q-csat": str(score)}))

    assert footprint(account) == before
    assert Run.objects.count() == runs


def test_a_resolved_customer_request_sends_the_csat_survey_whose_answer_is_no_nps(
    client, deliver, account, contact
):
    task, _ = deliver(
        lambda: create_task(
            account=account,
            contact=contact,
            title="Export my data",
            source=TaskSource.CUSTOMER,
            due_at=clock.now() + timedelta(days=3),
            cause=Cause.by_customer("request form"),
        )
    )
    deliver(lambda: resolve_task(task=task, cause=Cause.by_system("done")))

    [message] = Message.objects.filter(template__key="satisfaction-survey")
    assert "1 (very dissatisfied) to 5" in message.body_text
    path = message.body_text.split("Send: http://127.0.0.1:8000", 1)[1].split()[0]
    page = deliver(lambda: client.post(path, {"q-csat": "4", "q-comment": "Quick"}))

    assert page.status_code == 302
    response = SurveyResponse.objects.get(version__survey__key="csat")
    assert response.contact == contact
    assert response.feedback is None  # CSAT is not the account's NPS: b2 does not run
    assert not account.feedback.exists()
