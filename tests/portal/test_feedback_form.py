"""The feedback / NPS form a customer opens from a message."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from activity.models import Feedback
from core import clock
from core.causes import Cause
from notifications.services import queue_customer_message

pytestmark = pytest.mark.django_db


def test_the_link_opens_the_form_for_that_contact(client, links):
    page = client.get(links["feedback"])

    assert page.status_code == 200
    assert "Hi Jordan Rivera" in page.content.decode()


def test_an_answer_is_recorded_and_feeds_the_happiness_playbook(
    client, links, account, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(links["feedback"], {"nps": "10", "comment": "Love the reports"})

    assert response.status_code == 302
    assert response["Location"] == "/c/thanks/feedback/"
    feedback = Feedback.objects.get()
    assert (feedback.account, feedback.contact, feedback.nps) == (account, contact, 10)
    assert feedback.cause_kind == "customer"
    account.refresh_from_db()
    assert account.happiness == "very_happy"
    assert "Very Happy" in account.tags.values_list("name", flat=True)


def test_submitting_the_same_link_twice_keeps_one_answer(client, links):
    client.post(links["feedback"], {"nps": "8"})
    client.post(links["feedback"], {"nps": "3"})

    assert list(Feedback.objects.values_list("nps", flat=True)) == [8]


@pytest.mark.parametrize("answer", [{"nps": "11"}, {"nps": "ten"}, {"nps": "-1"}, {}])
def test_a_bad_answer_is_refused_on_the_form_and_nothing_is_written(client, links, answer):
    page = client.post(links["feedback"], answer)

    assert page.status_code == 200
    assert "is-invalid" in page.content.decode() or "text-danger" in page.content.decode()
    assert Feedback.objects.count() == 0


def test_a_tampered_link_gets_a_friendly_page(client, links):
    page = client.get(links["feedback"][:-3] + "xx/")

    assert page.status_code == 400
    assert "This link is not valid" in page.content.decode()


def test_an_expired_link_says_so_and_takes_no_answer(client, links, settings):
    later = clock.now() + timedelta(days=settings.PORTAL_LINK_DAYS + 1)
    with time_machine.travel(later):
        page = client.post(links["feedback"], {"nps": "9"})

    assert page.status_code == 400
    assert "This link has expired" in page.content.decode()
    assert Feedback.objects.count() == 0


def test_the_form_is_csrf_protected(links):
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(links["feedback"], {"nps": "9"}).status_code == 403
    assert Feedback.objects.count() == 0


def test_a_flood_of_submissions_is_rate_limited(client, links):
    from portal.views import SUBMIT_LIMIT

    for _ in range(SUBMIT_LIMIT):
        client.post(links["feedback"], {"nps": "nope"})
    page = client.post(links["feedback"], {"nps": "9"})

    assert page.status_code == 429
    assert Feedback.objects.count() == 0


def test_the_nps_survey_email_carries_a_working_link(
    client, account, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue_customer_message(
            account=account, template_key="nps-survey", cause_key="nps:1", cause=Cause.by_system()
        )

    body = mail.outbox[0].body
    path = body.split("127.0.0.1:8000", 1)[1].split()[0]
    assert path.startswith("/c/feedback/")
    assert client.get(path).status_code == 200
