"""The task-request form a customer opens from a message."""

from datetime import timedelta

import pytest
from django.core import mail

from activity.models import Task
from core import clock
from notifications.links import form_links
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def request_data(**fields):
    return {"title": "Set up SSO", "details": "Okta, 40 users", "urgency": "high", **fields}


def test_a_request_opens_a_customer_task_and_is_acknowledged(
    client, links, account, contact, csm, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(links["request"], request_data())

    task = Task.objects.get()
    assert response["Location"] == f"{links['request']}sent/{task.pk}/"
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


def test_back_and_send_again_shows_the_request_already_received(client, links):
    first = client.post(links["request"], request_data())
    client.get(links["request"])  # Back: the form again, as the browser shows it

    again = client.post(
        links["request"], request_data(title="  set up  SSO ", details="Okta,  40 users\n")
    )

    task = Task.objects.get()
    assert first["Location"] == f"{links['request']}sent/{task.pk}/"
    assert again["Location"] == f"{links['request']}sent/{task.pk}/?again=1"
    page = client.get(again["Location"]).content.decode()
    assert "Set up SSO" in page
    assert "We already have this request" in page


def test_the_first_confirmation_does_not_say_already(client, links):
    response = client.post(links["request"], request_data())

    page = client.get(response["Location"]).content.decode()
    assert "We have your request" in page
    assert "Set up SSO" in page
    assert "already" not in page


def test_the_same_request_from_another_contact_is_a_request_of_its_own(client, links, account):
    colleague = ContactFactory(account=account, email="sam@acme.example", is_primary=False)
    other_link = form_links(colleague)["request"].split("127.0.0.1:8000", 1)[1]

    client.post(links["request"], request_data())
    client.post(other_link, request_data())

    assert Task.objects.count() == 2


def test_one_requests_confirmation_is_not_shown_on_another_link(client, links, account):
    response = client.post(links["request"], request_data())
    task_id = response["Location"].rstrip("/").rsplit("/", 1)[1]
    colleague = ContactFactory(account=account, email="sam@acme.example", is_primary=False)
    other_link = form_links(colleague)["request"].split("127.0.0.1:8000", 1)[1]

    assert client.get(f"{other_link}sent/{task_id}/").status_code == 404


def test_details_over_the_limit_are_refused_with_the_limit_keeping_the_text(client, links):
    details = "Our export breaks. " * 600 + "Help!"  # 11,405 characters

    page = client.post(links["request"], request_data(details=details))

    assert page.status_code == 200
    text = page.content.decode()
    assert "at most 10,000 characters" in text
    assert "11,405" in text
    assert details in text
    assert Task.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [{"title": ""}, {"title": "x" * 201}, {"urgency": "yesterday"}],
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
