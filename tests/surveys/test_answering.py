"""A contact answers a survey from its e-mail link: once, checked, refused clearly when wrong."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from accounts.models import Account, Happiness
from activity.models import Feedback
from core import clock
from core.causes import Cause
from surveys.building import parse_definition
from surveys.models import SurveyAnswer, SurveyResponse
from surveys.services import save_survey
from workflows.models import TriggerEvent

pytestmark = pytest.mark.django_db


def text(page) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())


def onboarding():
    spec = parse_definition(
        {
            "name": "Onboarding check",
            "key": "onboarding",
            "intro": "Three quick questions.",
            "thank_you": "Thanks, we will act on it.",
            "questions": [
                {"key": "effort", "kind": "ces", "label": "How easy was set-up?", "required": True},
                {
                    "key": "channels",
                    "kind": "multiple",
                    "label": "Where do you work?",
                    "choices": ["Web", "Mobile", "API"],
                    "required": False,
                },
                {
                    "key": "role",
                    "kind": "single",
                    "label": "Your role?",
                    "choices": ["Admin", "User"],
                    "required": True,
                },
                {"key": "notes", "kind": "text", "label": "Anything else?", "required": False},
            ],
        }
    )
    return save_survey(spec=spec)[0]


def test_the_nps_email_links_to_the_survey_and_a_score_link_only_fills_the_form(client, send, link):
    send("nps", template="nps-survey")
    [email] = mail.outbox
    seven = re.search(r"^7 http://127\.0\.0\.1:8000(\S+)$", email.body, re.M).group(1)

    page = client.get(seven)

    assert page.status_code == 200
    assert re.search(r'value="7"[^>]*checked', page.content.decode())
    assert SurveyResponse.objects.count() == 0  # a mail scanner opening links answers nothing


def test_the_nps_survey_records_the_accounts_nps_and_b2_follows(
    client, deliver, send, link, account, contact
):
    sent = send("nps")

    page = deliver(lambda: client.post(link(sent), {"q-nps": "3", "q-comment": "Too slow"}))

    assert page.status_code == 302
    assert "Thank you" in text(client.get(page.url))
    [feedback] = Feedback.objects.filter(account=account)
    assert (feedback.nps, feedback.comment, feedback.contact) == (3, "Too slow", contact)
    assert Account.objects.get(pk=account.pk).happiness == Happiness.NOT_HAPPY  # b2
    response = SurveyResponse.objects.get(send=sent)
    assert response.feedback == feedback
    assert {a.question.key: a.value for a in response.answers.all()} == {
        "nps": 3,
        "comment": "Too slow",
    }


def test_a_second_submit_changes_nothing_and_says_already_answered(
    client, deliver, send, link, account
):
    sent = send("nps")
    deliver(lambda: client.post(link(sent), {"q-nps": "9"}))
    events = TriggerEvent.objects.count()

    again = deliver(lambda: client.post(link(sent), {"q-nps": "2", "q-comment": "changed"}))

    assert again.status_code == 200
    assert "already answered" in text(again)
    assert SurveyResponse.objects.count() == 1
    assert Feedback.objects.get().nps == 9
    assert TriggerEvent.objects.count() == events
    assert Account.objects.get(pk=account.pk).happiness == Happiness.VERY_HAPPY
    assert "already answered" in text(client.get(link(sent)))


def test_an_expired_link_is_refused_clearly(client, send, link, settings):
    path = link(send("nps"))
    with time_machine.travel(clock.now() + timedelta(days=settings.PORTAL_LINK_DAYS, hours=1)):
        page = client.post(path, {"q-nps": "9"})

    assert page.status_code == 400
    assert "expired" in text(page)
    assert SurveyResponse.objects.count() == 0


def test_a_forged_link_is_refused(client, send, link):
    sent = send("nps")
    path = link(sent)

    tampered = client.post(path[:-3] + "xyz/", {"q-nps": "9"})

    assert tampered.status_code == 400
    assert "not valid" in text(tampered)
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize(
    ("given", "error_key", "message"),
    [
        ({"q-nps": "11"}, "nps", "from 0 to 10"),
        ({"q-nps": "-1"}, "nps", "from 0 to 10"),
        ({"q-nps": "seven"}, "nps", "from 0 to 10"),
        ({"q-nps": ["3", "4"]}, "nps", "from 0 to 10"),
        ({"q-comment": "no score"}, "nps", "Please answer"),
    ],
)
def test_an_answer_outside_the_scale_or_a_required_one_left_empty_stores_nothing(
    client, send, link, given, error_key, message
):
    sent = send("nps")

    page = client.post(link(sent), given)

    assert page.status_code == 400
    assert message in page.content.decode()
    assert f'data-testid="error-{error_key}"' in page.content.decode()
    assert (SurveyResponse.objects.count(), Feedback.objects.count()) == (0, 0)


def test_every_kind_of_question_is_checked_and_stored(
    client, deliver, send, link, account, contact
):
    onboarding()
    sent = send("onboarding")

    wrong = client.post(
        link(sent), {"q-effort": "8", "q-channels": ["Web", "Fax"], "q-role": "Admin"}
    )
    assert wrong.status_code == 400
    assert "from 1 to 7" in wrong.content.decode()
    assert "Choose among the options shown" in wrong.content.decode()
    assert SurveyResponse.objects.count() == 0

    right = deliver(
        lambda: client.post(
            link(sent),
            {"q-effort": "6", "q-channels": ["API", "Web"], "q-role": "User", "q-notes": " "},
        )
    )

    assert right.status_code == 302
    assert "Thanks, we will act on it." in text(client.get(right.url))
    response = SurveyResponse.objects.get(send=sent)
    assert {a.question.key: a.value for a in SurveyAnswer.objects.filter(response=response)} == {
        "effort": 6,
        "channels": ["Web", "API"],  # in the options' order
        "role": "User",
    }
    assert response.feedback is None  # not an NPS survey
    [event] = TriggerEvent.objects.filter(kind="survey_answered")
    assert event.data["answers"] == {
        "effort": 6,
        "channels": ["Web", "API"],
        "role": "User",
        "notes": "",
    }
    assert (event.data["survey_key"], event.data["contact_id"]) == ("onboarding", contact.pk)


def test_submissions_are_rate_limited_per_contact(client, deliver, send, link, monkeypatch):
    from surveys import respond_views

    monkeypatch.setattr(respond_views, "PER_CONTACT", 2)
    sends = [send("nps", cause_key=f"test:{n}") for n in range(3)]

    codes = [deliver(lambda s=s: client.post(link(s), {"q-nps": "8"})).status_code for s in sends]

    assert codes == [302, 302, 429]
    assert SurveyResponse.objects.count() == 2


def test_submissions_are_rate_limited_per_address(
    client, deliver, account, link, monkeypatch, send
):
    from surveys import respond_views

    monkeypatch.setattr(respond_views, "PER_ADDRESS", 1)
    first, second = send("nps", cause_key="test:a"), send("nps", cause_key="test:b")

    assert deliver(lambda: client.post(link(first), {"q-nps": "8"})).status_code == 302
    refused = deliver(lambda: client.post(link(second), {"q-nps": "8"}))

    assert refused.status_code == 429
    assert SurveyResponse.objects.count() == 1


def test_the_same_cause_sends_one_survey_and_one_email(send):
    first = send("nps")
    again = send("nps")

    assert first == again
    assert len(mail.outbox) == 1


def test_a_feedback_form_answer_is_a_response_of_the_nps_survey_too(deliver, account, contact):
    from activity.services.feedback import record_feedback

    deliver(
        lambda: record_feedback(
            account=account,
            contact=contact,
            nps=8,
            comment="Nice",
            submission_key="portal:abc",
            cause=Cause.by_customer("feedback form"),
        )
    )

    [response] = SurveyResponse.objects.filter(version__survey__key="nps")
    assert response.send is None
    assert {a.question.key: a.value for a in response.answers.all()} == {
        "nps": 8,
        "comment": "Nice",
    }


def test_an_optional_question_is_marked_optional_once(client, send, link):
    onboarding()
    nps_form = text(client.get(link(send("nps"))))
    own_form = text(client.get(link(send("onboarding", cause_key="test:2"))))

    # The shipped NPS comment's label already ends in "(optional)".
    assert "What is the main reason for your score? (optional)" in nps_form
    assert "(optional) (optional)" not in nps_form
    assert "Anything else? (optional)" in own_form
    assert "How easy was set-up? (optional)" not in own_form
