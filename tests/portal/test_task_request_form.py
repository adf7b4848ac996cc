"""The task-request form a customer opens from a message."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail

from activity.models import Task
from core import clock

pytestmark = pytest.mark.django_db


def request_data(**fields):
    return {
        "title": "Set up SSO",
        "details": "Okta, 40 users",
        "urgency": "high",
        "submission_id": str(uuid.uuid4()),
        **fields,
    }


def test_a_request_opens_a_customer_task_and_is_acknowledged(
    client, links, account, contact, csm, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(links["request"], request_data())

    assert response["Location"] == "/c/thanks/request/"
    task = Task.objects.get()
    assert (task.title, task.source, task.priority, task.contact) == (
        "Set up SSO",
        "customer",
        "high",
        contact,
    )
    assert task.assignee == csm
    assert task.due_at - clock.now() < timedelta(days=1, minutes=1)
    acknowledgement = next(m for m in mail.outbox if m.to == [contact.email])
    assert "Set up SSO" in acknowledgement.body


def test_a_double_submit_of_one_form_opens_one_task(client, links):
    data = request_data()
    client.post(links["request"], data)
    client.post(links["request"], data)
    client.post(links["request"], request_data(title="Another thing"))

    assert sorted(Task.objects.values_list("title", flat=True)) == ["Another thing", "Set up SSO"]


@pytest.mark.parametrize(
    "fields",
    [{"title": ""}, {"title": "x" * 201}, {"urgency": "yesterday"}, {"submission_id": "nope"}],
)
def test_a_bad_request_is_refused_on_the_form_and_nothing_is_written(client, links, fields):
    page = client.post(links["request"], request_data(**fields))

    assert page.status_code == 200
    assert Task.objects.count() == 0


def test_a_feedback_link_does_not_open_the_request_form(client, links):
    wrong = links["request"].replace("/request/", "/feedback/")
    assert client.get(wrong.replace("/feedback/", "/request/")).status_code == 200
    swapped = "/c/request/" + links["feedback"].split("/c/feedback/", 1)[1]
    assert client.get(swapped).status_code == 400
