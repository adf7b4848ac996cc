"""The first-response time-out, end to end: a customer waits, the owner is alerted after
N business hours, the manager after the escalation time; a reply stops it; a second
sweep changes nothing."""

from datetime import timedelta

import pytest

from conversations.models import Conversation
from conversations.services import post_customer_message, post_staff_reply
from conversations.threads import close
from conversations.timeouts import first_response_timeouts
from core.causes import Cause
from tests.conversations.conftest import BY_CUSTOMER
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import footprint, inbox, runs_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]
PLAYBOOK = "chat-first-response"


@pytest.fixture(autouse=True)
def hours(settings):
    # NOW is Monday 1 September 2025, 09:00 UTC.
    settings.CHAT_FIRST_RESPONSE_HOURS = 2
    settings.CHAT_ESCALATION_HOURS = 4
    settings.CHAT_BUSINESS_HOURS = "09:00-17:00"
    settings.CHAT_BUSINESS_DAYS = "1-5"


def _wait(deliver, contact):
    return deliver(
        lambda: post_customer_message(contact=contact, body="Is anyone there?", cause=BY_CUSTOMER)
    ).message.conversation


def test_nobody_answers_the_owner_then_the_manager_is_alerted_once_each(
    deliver, frozen_time, contact, csm, manager
):
    conversation = _wait(deliver, contact)
    conversation.refresh_from_db()
    assert conversation.response_due_at == NOW + timedelta(hours=2)
    assert conversation.escalation_due_at == NOW + timedelta(hours=4)

    frozen_time.shift(timedelta(hours=1, minutes=59))
    assert deliver(first_response_timeouts) == 0
    assert inbox(csm) == []

    frozen_time.shift(timedelta(minutes=1))
    assert deliver(first_response_timeouts) == 1
    waiting = "Jordan Rivera at Acme is waiting for a chat reply"
    assert inbox(csm) == [waiting]
    assert inbox(manager) == []
    before = footprint(contact.account)
    assert deliver(first_response_timeouts) == 0  # the same sweep again
    assert footprint(contact.account) == before

    frozen_time.shift(timedelta(hours=2))
    assert deliver(first_response_timeouts) == 1
    assert inbox(manager) == ["Still no chat reply: Jordan Rivera at Acme"]
    assert inbox(csm) == [waiting]
    assert [run.status for run in runs_of(PLAYBOOK, contact.account)] == ["succeeded"] * 2
    before = footprint(contact.account)
    deliver(first_response_timeouts)
    assert footprint(contact.account) == before


def test_the_alert_says_what_the_customer_wrote_and_links_the_thread(
    deliver, frozen_time, contact, csm
):
    from notifications.models import Alert

    conversation = _wait(deliver, contact)
    frozen_time.shift(timedelta(hours=2))
    deliver(first_response_timeouts)

    alert = Alert.objects.get(user=csm)
    assert "Is anyone there?" in alert.body
    assert f"/conversations/{conversation.pk}/" in alert.body


def test_a_staff_reply_in_time_stops_the_clock(deliver, frozen_time, contact, csm, manager):
    conversation = _wait(deliver, contact)
    frozen_time.shift(timedelta(hours=1))
    deliver(
        lambda: post_staff_reply(
            conversation=conversation, user=csm, body="Yes!", cause=Cause.by_user(csm)
        )
    )

    frozen_time.shift(timedelta(hours=8))
    assert deliver(first_response_timeouts) == 0
    assert inbox(csm) == inbox(manager) == []


def test_a_playbooks_chat_message_is_no_reply_and_a_closed_thread_owes_none(
    deliver, frozen_time, contact, csm
):
    from conversations.services import post_playbook_message

    conversation = _wait(deliver, contact)
    deliver(
        lambda: post_playbook_message(
            account=contact.account,
            body="We usually answer within the hour.",
            dedupe_key="auto",
            cause=Cause.by_system("test"),
        )
    )
    Conversation.objects.filter(pk=conversation.pk).update(response_due_at=NOW)
    assert deliver(first_response_timeouts) == 1  # the automatic message did not answer

    close(conversation=conversation)
    frozen_time.shift(timedelta(days=1))
    assert deliver(first_response_timeouts) == 0


def test_the_next_customer_message_after_a_reply_starts_a_new_wait(
    deliver, frozen_time, contact, csm
):
    conversation = _wait(deliver, contact)
    deliver(
        lambda: post_staff_reply(
            conversation=conversation, user=csm, body="Hi", cause=Cause.by_user(csm)
        )
    )
    frozen_time.shift(timedelta(hours=1))
    _wait(deliver, contact)
    frozen_time.shift(timedelta(hours=2))

    assert deliver(first_response_timeouts) == 1
    assert len(inbox(csm)) == 1


def test_over_a_weekend_the_clock_waits_for_monday(deliver, frozen_time, contact, csm):
    frozen_time.move_to(NOW + timedelta(days=4, hours=7))  # Friday 16:00
    _wait(deliver, contact)
    frozen_time.move_to(NOW + timedelta(days=6))  # Sunday 09:00
    assert deliver(first_response_timeouts) == 0
    frozen_time.move_to(NOW + timedelta(days=7, hours=1))  # Monday 10:00: 1 h Fri + 1 h Mon
    assert deliver(first_response_timeouts) == 1
