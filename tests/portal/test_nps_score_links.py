"""The NPS e-mail's 0–10 links: each opens the form with its score chosen; only Send records."""

import importlib
import re

import pytest
from django.core import mail

from activity.models import Feedback, FeedbackChange
from core.causes import Cause
from notifications.catalogue import shipped_fingerprint, update_untouched_templates
from notifications.links import make_token
from notifications.models import MessageTemplate
from notifications.services import queue_customer_message
from workflows.models import TriggerEvent

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def visible_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def survey(account, contact, django_capture_on_commit_callbacks):
    """The NPS e-mail as the contact receives it."""
    with django_capture_on_commit_callbacks(execute=True):
        queue_customer_message(
            account=account, template_key="nps-survey", cause_key="nps:1", cause=Cause.by_system()
        )
    return mail.outbox[0]


def score_links(text: str) -> dict[int, str]:
    """Score → path, as the text part lists them ("7 http://…")."""
    return {
        int(score): path
        for score, path in re.findall(rf"^(\d+) {re.escape(SITE)}(/c/feedback/\S+)$", text, re.M)
    }


def html_links(html: str) -> dict[int, str]:
    anchor = rf'<a href="{re.escape(SITE)}(/c/feedback/[^"]+)"[^>]*>(\d+)</a>'
    return {int(score): path for path, score in re.findall(anchor, html)}


def test_the_email_carries_eleven_score_links_in_text_and_html(survey):
    html = survey.alternatives[0][0]

    assert sorted(score_links(survey.body)) == list(range(11))
    assert sorted(html_links(html)) == list(range(11))
    assert "Unsubscribe" in html
    assert html.index("Ask us") < html.index("Unsubscribe")  # the help line above the last one


def test_a_score_link_opens_the_form_with_that_score_chosen_and_records_nothing(client, survey):
    page = client.get(score_links(survey.body)[7])

    assert page.status_code == 200
    assert "You chose 7" in visible_text(page)
    assert re.search(r'value="7"[^>]*checked', page.content.decode())
    assert Feedback.objects.count() == 0  # a mail scanner opening every link answers nothing


def test_a_scanner_opening_every_link_records_nothing(client, survey):
    for path in score_links(survey.body).values():
        assert client.get(path).status_code == 200

    assert Feedback.objects.count() == 0
    assert TriggerEvent.objects.filter(kind="feedback_submitted").count() == 0


def test_send_on_the_chosen_score_records_it_once(
    client, survey, account, django_capture_on_commit_callbacks
):
    seven = score_links(survey.body)[7]
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(seven, {"nps": "7", "comment": "Good"})
    events = TriggerEvent.objects.count()
    client.get(seven)  # clicked again in the e-mail
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(seven, {"nps": "7", "comment": "Good"})

    assert first["Location"] == again["Location"] == "/c/thanks/feedback/"
    assert list(Feedback.objects.values_list("nps", "comment")) == [(7, "Good")]
    assert TriggerEvent.objects.count() == events
    account.refresh_from_db()
    assert account.happiness == "happy"


def test_a_second_score_of_the_same_email_is_the_change_your_answer_path(
    client, survey, account, django_capture_on_commit_callbacks
):
    links = score_links(survey.body)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(links[7], {"nps": "7", "comment": "Good"})

    page = client.get(links[9])

    text = visible_text(page)
    assert "You answered 7 on" in text
    assert "Change my answer to 9" in text
    assert re.search(r'value="9"[^>]*checked', page.content.decode())
    assert 'name="replaces" value="0"' in page.content.decode()
    assert Feedback.objects.get().nps == 7  # opening it changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        changed = client.post(links[9], {"nps": "9", "comment": "Good", "replaces": "0"})
    assert changed["Location"] == "/c/thanks/feedback-changed/"
    change = FeedbackChange.objects.get()
    assert (change.from_nps, change.to_nps) == (7, 9)
    account.refresh_from_db()
    assert account.happiness == "very_happy"


def test_the_score_links_and_the_plain_link_are_one_answer(client, survey):
    client.post(score_links(survey.body)[3], {"nps": "3"})

    reopened = client.get(score_links(survey.body)[3])

    assert "You answered 3 on" in visible_text(reopened)
    assert Feedback.objects.count() == 1


def test_a_token_with_a_score_out_of_range_is_refused(client, contact):
    page = client.get(f"/c/feedback/{make_token('feedback', contact, score=11)}/")

    assert page.status_code == 400
    assert "This link is not valid" in page.content.decode()


# The NPS e-mail as migration 0004 left it, untouched.
PREVIOUS_TEXT = (
    'Hi {{ recipient.first_name|default:"there" }},\n\nHow likely are you to recommend '
    "{{ company.name }} to a friend or colleague, on a scale from 0 to 10?\n\nAnswer here: "
    "{{ links.feedback }}\n\nIt's one question on a short page and takes less than a minute; "
    "you can add a comment if you like. We read every answer, and they shape what we work on "
    "next.\n\nThank you,\n{{ owner.name|default:company.name }}{% if owner.name %}\n"
    "{{ company.name }}{% endif %}\n\nDon't want these e-mails? Unsubscribe: "
    "{{ links.unsubscribe }}\n"
)
MIGRATION = importlib.import_module("notifications.migrations.0010_nps_email_carries_the_scores")


def test_an_install_that_never_edited_the_survey_gets_the_score_links():
    template = MessageTemplate.objects.get(key="nps-survey")
    template.body_text, template.body_html = PREVIOUS_TEXT, ""
    template.save()
    assert shipped_fingerprint(template) in MIGRATION.SHIPPED_BEFORE["nps-survey"]

    assert update_untouched_templates(MessageTemplate, MIGRATION.SHIPPED_BEFORE) == ["nps-survey"]

    template.refresh_from_db()
    assert "links.nps_7" in template.body_text
    assert "links.nps_7" in template.body_html


def test_an_edited_survey_is_left_alone():
    template = MessageTemplate.objects.get(key="nps-survey")
    template.body_text, template.body_html = PREVIOUS_TEXT + "PS: we love you.\n", ""
    template.save()

    assert update_untouched_templates(MessageTemplate, MIGRATION.SHIPPED_BEFORE) == []
