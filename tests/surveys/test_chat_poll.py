"""The "send survey" step in the chat: a one-question poll whose choices are the send's
answer links, answered through the same page (and trigger) as the e-mail, once."""

import json

import pytest
from django.core.exceptions import ValidationError

from conversations.identity import identity_hash
from conversations.models import AuthorKind, Message
from notifications.links import make_token
from surveys.building import parse_definition
from surveys.models import Survey, SurveyResponse, SurveySend
from surveys.services import save_survey
from tests.surveys.conftest import path_of
from tests.workflows.outcomes import customer_messages, footprint, tag_names
from tests.workflows.test_engine import build_workflow, failed_payment
from workflows import engine
from workflows.actions import ACTIONS
from workflows.models import Run, TriggerEvent

pytestmark = pytest.mark.django_db


def survey(key: str, first: dict) -> Survey:
    """A survey whose first question is `first`, then an optional comment."""
    comment = {"key": "why", "kind": "text", "label": "Why?", "required": False}
    spec = parse_definition(
        {"name": key.title(), "key": key, "questions": [{"key": key, **first}, comment]}
    )
    return save_survey(spec=spec)[0]


PLAN = {"kind": "single", "label": "Which plan fits you?", "choices": ["Starter", "Pro"]}


@pytest.fixture
def playbooks():
    """Ask in the chat on a failed payment; tag the account when the answer is Pro."""
    survey("plan", {**PLAN, "required": True})
    build_workflow(
        "ask-plan", "payment_failed", [("send_survey", {"survey": "plan", "via": "chat"})]
    )
    build_workflow(
        "plan-answered",
        "survey_answered",
        [("add_tag", {"tag": "Answered {{ data.answers.plan }}"})],
    )


def test_a_run_asks_in_the_chat_and_the_answer_is_recorded_and_triggers_once(
    client, deliver, account, contact, playbooks
):
    deliver(lambda: failed_payment(account))

    [poll] = Message.objects.filter(author_kind=AuthorKind.WORKFLOW)
    assert poll.conversation.contact == contact
    assert poll.body == "Which plan fits you?"
    [send] = SurveySend.objects.all()
    assert [c["label"] for c in poll.poll["choices"]] == ["Starter", "Pro"]
    assert not customer_messages(account, "survey-invitation")  # the chat, not the e-mail
    pro = path_of(poll.poll["choices"][1]["url"])
    page = client.get(pro)
    assert page.status_code == 200
    assert b'value="Pro" checked' in page.content  # opening it only chooses

    answer = pro.split("?")[0]
    assert deliver(lambda: client.post(answer, {"q-plan": "Pro"})).status_code == 302

    [response] = SurveyResponse.objects.all()
    assert response.send == send
    assert TriggerEvent.objects.filter(kind="survey_answered").count() == 1
    assert "Answered Pro" in tag_names(account)
    before = footprint(account)

    deliver(lambda: client.post(answer, {"q-plan": "Starter"}))  # answered already
    run = Run.objects.get(workflow__key="ask-plan")
    deliver(lambda: engine.execute_run(run.pk))  # the same run again
    assert footprint(account) == before
    assert Message.objects.filter(author_kind=AuthorKind.WORKFLOW).count() == 1
    assert SurveySend.objects.count() == 1
    assert SurveyResponse.objects.count() == 1
    assert "Answered Starter" not in tag_names(account)


def test_an_nps_poll_offers_zero_to_ten_and_names_the_ends(deliver, account, contact):
    build_workflow("ask-nps", "payment_failed", [("send_survey", {"survey": "nps", "via": "chat"})])

    deliver(lambda: failed_payment(account))

    poll = Message.objects.get(author_kind=AuthorKind.WORKFLOW)
    assert [c["label"] for c in poll.poll["choices"]] == [str(n) for n in range(11)]
    assert poll.poll["choices"][9]["url"].endswith("?nps=9")
    assert "(0 = Not at all likely, 10 = Extremely likely)" in poll.body


def test_the_portal_page_and_the_widget_show_the_choices_as_links(
    client, deliver, settings, account, contact, playbooks
):
    deliver(lambda: failed_payment(account))
    poll = Message.objects.get(author_kind=AuthorKind.WORKFLOW)
    urls = [c["url"] for c in poll.poll["choices"]]

    page = client.get(f"/c/chat/{make_token('chat', contact)}/").content.decode()
    assert 'data-testid="chat-poll"' in page
    for url, label in zip(urls, ["Starter", "Pro"], strict=True):
        assert (
            f'href="{url.replace("&", "&amp;")}" target="_blank" rel="noopener">{label}</a>' in page
        )

    settings.CHAT_IDENTITY_SECRET = "test-chat-identity-secret-not-for-production-0123456789"
    account.external_id, contact.external_id = "acme", "user-7"
    account.save()
    contact.save()
    identity = {
        "account": "acme",
        "contact": "user-7",
        "signature": identity_hash("acme", "user-7"),
    }
    state = client.post(
        "/chat/api/session/", json.dumps(identity), content_type="application/json"
    ).json()
    [shown] = [m for m in state["messages"] if m["id"] == poll.pk]
    assert shown["choices"] == [
        {"label": "Starter", "url": urls[0]},
        {"label": "Pro", "url": urls[1]},
    ]


@pytest.mark.parametrize(
    ("first", "error"),
    [
        ({"kind": "text", "label": "Anything?"}, "its first question is free text"),
        (
            {"kind": "multiple", "label": "Uses?", "choices": ["Web", "API"]},
            "its first question is multiple choice",
        ),
    ],
)
def test_a_chat_poll_of_a_survey_that_starts_with_text_or_multiple_choice_is_refused(first, error):
    survey("odd", first)
    with pytest.raises(ValidationError, match=error):
        ACTIONS["send_survey"].validate({"survey": "odd", "via": "chat"})
    ACTIONS["send_survey"].validate({"survey": "odd"})  # by e-mail it is fine


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"survey": "nps", "via": "sms"}, "`via` is one of email, chat"),
        ({"survey": "nps", "via": "chat", "template": "survey-invitation"}, "no e-mail template"),
    ],
)
def test_a_bad_delivery_is_refused(params, error):
    with pytest.raises(ValidationError, match=error):
        ACTIONS["send_survey"].validate(params)


def test_a_survey_changed_to_start_with_text_is_skipped_at_run_time(deliver, account, contact):
    survey("later", {**PLAN, "required": True})
    build_workflow(
        "ask-later", "payment_failed", [("send_survey", {"survey": "later", "via": "chat"})]
    )
    spec = parse_definition(
        {"name": "Later", "key": "later", "questions": [{"key": "x", "kind": "text", "label": "?"}]}
    )
    save_survey(spec=spec, survey=Survey.objects.get(key="later"))

    deliver(lambda: failed_payment(account))

    run = Run.objects.get(workflow__key="ask-later")
    assert "cannot be a chat poll" in run.results.get().detail
    assert not Message.objects.exists()
    assert not SurveySend.objects.exists()
