"""The feedback / NPS form a customer opens from a message."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from activity.models import Feedback, FeedbackChange
from core import clock
from core.causes import Cause
from notifications.services import queue_customer_message
from workflows.models import TriggerEvent

pytestmark = pytest.mark.django_db


def visible_text(response) -> str:
    """The page's text as a reader sees it: tags gone, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


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


def test_the_same_answer_again_is_thanked_and_changes_nothing(client, links):
    client.post(links["feedback"], {"nps": "8", "comment": "Good"})

    again = client.post(links["feedback"], {"nps": "8", "comment": "Good"})

    assert again["Location"] == "/c/thanks/feedback/"
    assert list(Feedback.objects.values_list("nps", "revision")) == [(8, 0)]


def test_a_different_second_answer_says_what_was_recorded_and_offers_to_change_it(client, links):
    with time_machine.travel(datetime(2025, 12, 1, 10, 0, tzinfo=UTC), tick=False):
        client.post(links["feedback"], {"nps": "3"})

    page = client.post(links["feedback"], {"nps": "9", "comment": "Fixed now"})

    assert page.status_code == 200
    text = visible_text(page)
    assert "You answered 3 on 1 December 2025" in text
    assert "Change my answer to 9" in text
    assert "Fixed now" in text  # what they typed is kept for the confirmation
    assert list(Feedback.objects.values_list("nps", flat=True)) == [3]


def test_reopening_an_answered_link_shows_the_answer_and_the_way_to_change_it(client, links):
    client.post(links["feedback"], {"nps": "6", "comment": "Slow reports"})

    page = client.get(links["feedback"])

    assert "You answered 6 on" in visible_text(page)
    assert re.search(r'value="6"[^>]*checked', page.content.decode())
    assert "Slow reports" in page.content.decode()


def test_a_customer_changes_their_answer_and_the_happiness_follows_it(
    client, links, account, csm, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(links["feedback"], {"nps": "3", "comment": "Broken export"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            links["feedback"], {"nps": "10", "comment": "Support fixed it", "replaces": "0"}
        )

    assert response["Location"] == "/c/thanks/feedback-changed/"
    feedback = Feedback.objects.get()
    assert (feedback.nps, feedback.comment, feedback.revision) == (10, "Support fixed it", 1)
    change = FeedbackChange.objects.get()
    assert (change.from_nps, change.to_nps, change.cause_kind) == (3, 10, "customer")
    account.refresh_from_db()
    assert account.happiness == "very_happy"
    assert set(account.tags.values_list("name", flat=True)) == {"Very Happy"}
    thanks = client.get(response["Location"]).content.decode()
    assert "Your answer is changed" in thanks


def test_sending_the_same_change_twice_changes_it_once(
    client, links, django_capture_on_commit_callbacks
):
    client.post(links["feedback"], {"nps": "3"})
    change = {"nps": "9", "replaces": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(links["feedback"], change)
    events = TriggerEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(links["feedback"], change)  # Back, then Send again

    assert first.status_code == again.status_code == 302
    assert FeedbackChange.objects.count() == 1
    assert TriggerEvent.objects.count() == events


def test_a_change_made_from_a_stale_page_asks_again_with_the_latest_answer(client, links):
    client.post(links["feedback"], {"nps": "3"})
    client.post(links["feedback"], {"nps": "7", "replaces": "0"})  # in another tab

    page = client.post(links["feedback"], {"nps": "9", "replaces": "0"})

    assert page.status_code == 200
    text = visible_text(page)
    assert "You answered 7 on" in text
    assert "Change my answer to 9" in text
    assert list(Feedback.objects.values_list("nps", "revision")) == [(7, 1)]


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
