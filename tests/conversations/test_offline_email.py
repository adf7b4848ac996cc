"""The offline e-mail: a team message the contact has not read within 10 minutes is also
e-mailed, once, with a link back to the conversation; opt-outs apply."""

from datetime import timedelta

import pytest
from django.core import mail

from accounts.services.optouts import opt_out_contact
from conversations.models import Message
from conversations.offline import email_unread_messages
from conversations.services import post_customer_message, post_staff_reply
from conversations.threads import mark_read_by_contact
from core.causes import Cause
from notifications.models import Message as Outgoing
from notifications.models import MessageStatus
from tests.conversations.conftest import BY_CUSTOMER
from tests.workflows.outcomes import emails_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def _reply(deliver, contact, csm, *bodies):
    conversation = post_customer_message(
        contact=contact, body="Question", cause=BY_CUSTOMER
    ).message.conversation
    for body in bodies:
        deliver(
            lambda body=body: post_staff_reply(
                conversation=conversation, user=csm, body=body, cause=Cause.by_user(csm)
            )
        )
    return conversation


def test_an_unread_reply_is_emailed_after_ten_minutes_once(
    deliver, frozen_time, contact, csm, client
):
    conversation = _reply(deliver, contact, csm, "Here is how: Settings › Export.", "<b>Also</b>")

    frozen_time.shift(timedelta(minutes=9, seconds=59))
    assert deliver(email_unread_messages) == 0
    frozen_time.shift(timedelta(seconds=1))
    assert deliver(email_unread_messages) == 1

    [email] = emails_to(contact.email)
    assert email.subject == "2 new messages from Example SaaS"
    assert "Settings › Export." in email.body
    assert "<b>Also</b>" in email.body  # as typed: a plain-text e-mail
    link = next(word for word in email.body.split() if "/c/chat/" in word)
    assert deliver(email_unread_messages) == 0  # the same sweep again
    assert len(emails_to(contact.email)) == 1
    assert not Message.objects.filter(
        conversation=conversation, author_kind="staff", emailed_at=None
    )

    page = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    assert "Settings › Export." in page.content.decode()


def test_a_reply_read_in_the_widget_is_not_emailed(deliver, frozen_time, contact, csm):
    conversation = _reply(deliver, contact, csm, "Read me now")
    mark_read_by_contact(conversation=conversation, upto=conversation.messages.last().pk)

    frozen_time.shift(timedelta(minutes=11))

    assert deliver(email_unread_messages) == 0
    assert emails_to(contact.email) == []


def test_a_later_reply_gets_its_own_email_without_repeating_the_first(
    deliver, frozen_time, contact, csm
):
    conversation = _reply(deliver, contact, csm, "First")
    frozen_time.shift(timedelta(minutes=10))
    deliver(email_unread_messages)
    deliver(
        lambda: post_staff_reply(
            conversation=conversation, user=csm, body="Second", cause=Cause.by_user(csm)
        )
    )
    frozen_time.shift(timedelta(minutes=10))
    deliver(email_unread_messages)

    first, second = emails_to(contact.email)
    assert "First" in first.body
    assert "Second" in second.body
    assert "First" not in second.body


def test_an_email_opt_out_suppresses_it(deliver, frozen_time, contact, csm):
    opt_out_contact(contact=contact, email=True, cause=Cause.by_customer("unsubscribe"))
    _reply(deliver, contact, csm, "Hello")
    frozen_time.shift(timedelta(minutes=10))

    deliver(email_unread_messages)

    assert emails_to(contact.email) == []
    assert Outgoing.objects.get(template__key="chat-unread-message").status == (
        MessageStatus.SUPPRESSED
    )
    assert deliver(email_unread_messages) == 0


def test_the_customers_own_messages_and_old_history_are_never_emailed(
    deliver, frozen_time, contact, csm
):
    _reply(deliver, contact, csm, "Long ago")
    frozen_time.shift(timedelta(days=3))
    assert deliver(email_unread_messages) == 0
    assert mail.outbox == []
