"""The conversation triggers and the "send a chat message" step, end to end: the customer
writes → the playbook answers in the chat (and the widget's client hears it); the same
event again changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from conversations.models import AuthorKind, Conversation, Message
from conversations.services import post_customer_message
from core.live.models import RelayedMessage
from tests.conversations.conftest import BY_CUSTOMER
from tests.workflows.outcomes import footprint
from tests.workflows.test_engine import build_workflow
from workflows import engine
from workflows.actions import ACTIONS
from workflows.models import Run, TriggerEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def _write(deliver, contact, body="Hello", key=""):
    return deliver(
        lambda: post_customer_message(contact=contact, body=body, cause=BY_CUSTOMER, dedupe_key=key)
    )


def test_the_first_message_starts_a_conversation_and_each_is_received(deliver, contact):
    _write(deliver, contact, "Hello")
    _write(deliver, contact, "Anyone?")

    kinds = list(TriggerEvent.objects.order_by("id").values_list("kind", "data"))
    conversation = Conversation.objects.get()
    assert [kind for kind, _ in kinds] == [
        "conversation_started",
        "customer_message_received",
        "customer_message_received",
    ]
    assert kinds[0][1] == {
        "conversation_id": conversation.pk,
        "contact_id": contact.pk,
        "contact_name": "Jordan Rivera",
        "assignee_id": None,
    }
    assert [data["body"] for _, data in kinds[1:]] == ["Hello", "Anyone?"]


def test_a_playbook_answers_a_customer_message_in_the_chat_once(deliver, contact):
    build_workflow(
        "chat-auto-reply",
        "customer_message_received",
        [
            (
                "send_chat_message",
                {
                    "text": "Thanks, {{ data.contact_name }}: we answer within the hour.",
                    "contact": "data.contact_id",
                },
            )
        ],
    )

    _write(deliver, contact, "Hello", key="w1")

    reply = Message.objects.get(author_kind=AuthorKind.WORKFLOW)
    assert reply.body == "Thanks, Jordan Rivera: we answer within the hour."
    assert reply.conversation.contact == contact
    reply.conversation.refresh_from_db()
    assert reply.conversation.contact_unread == 1
    assert reply.conversation.awaiting_since is not None  # an automatic answer is no reply
    # The customer's widget hears it at once (core.live, here through the database relay).
    heard = RelayedMessage.objects.filter(topic=f"conversation:{reply.conversation_id}")
    assert reply.body in [row.payload.get("body") for row in heard]

    before = footprint(contact.account)
    _write(deliver, contact, "Hello", key="w1")  # the widget's retry: the same message
    run = Run.objects.get(workflow__key="chat-auto-reply")
    deliver(lambda: engine.execute_run(run.pk))  # the same run again
    assert footprint(contact.account) == before
    assert Message.objects.filter(author_kind=AuthorKind.WORKFLOW).count() == 1


def test_a_playbook_can_start_a_conversation_with_the_primary_contact(deliver, account, contact):
    from tests.workflows.test_engine import failed_payment

    build_workflow(
        "chat-on-payment-failure",
        "payment_failed",
        [("send_chat_message", {"text": "Your card was declined: update it in Billing."})],
    )

    deliver(lambda: failed_payment(account))

    conversation = Conversation.objects.get()
    assert conversation.contact == contact
    assert [m.body for m in conversation.messages.all()] == [
        "Your card was declined: update it in Billing."
    ]
    assert TriggerEvent.objects.filter(kind="conversation_started").count() == 1


def test_a_playbook_with_no_contact_to_write_to_skips(deliver, csm):
    from tests.factories import AccountFactory
    from tests.workflows.test_engine import failed_payment

    lonely = AccountFactory(owner=csm)
    build_workflow("chat-x", "payment_failed", [("send_chat_message", {"text": "Hi"})])

    deliver(lambda: failed_payment(lonely))

    run = Run.objects.get(workflow__key="chat-x")
    assert run.status == "succeeded"
    assert "no contact" in run.results.get().detail
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "x" * 4001}, "at most 4,000"),
        ({"text": "{% if %}"}, "not a valid text"),
        ({"text": "Hi", "colour": "red"}, "Unknown parameter"),
    ],
)
def test_a_bad_chat_step_is_refused_when_saved(params, error):
    with pytest.raises(ValidationError, match=error):
        ACTIONS["send_chat_message"].validate(params)
