"""The staff's Conversations page and thread view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conversations.models import Conversation, ConversationStatus, Message, SavedReply
from conversations.services import post_customer_message
from tests.conversations.conftest import BY_CUSTOMER
from tests.factories import AccountFactory, ContactFactory, UserFactory
from workqueue.models import Touch, TouchKind

pytestmark = pytest.mark.django_db


def _write(contact, body="Hello?"):
    return post_customer_message(contact=contact, body=body, cause=BY_CUSTOMER).message.conversation


def _threads(owner, count):
    """`count` customers of `owner`'s accounts, each waiting in a thread of their own."""
    for account in AccountFactory.create_batch(count, owner=owner):
        _write(ContactFactory(account=account))


def test_mine_unassigned_and_all(client, csm, contact, manager):
    mine = _write(contact, "From my customer")
    others = _write(ContactFactory(account=AccountFactory(owner=manager), name="Other Person"))
    client.force_login(csm)

    def names(box, status="open"):
        page = client.get(reverse("conversations:list") + f"?box={box}&status={status}")
        assert page.status_code == 200
        return [c.contact.name for c in page.context["page"]]

    assert names("mine") == ["Jordan Rivera"]
    assert names("unassigned") == ["Other Person", "Jordan Rivera"]
    assert names("all") == ["Other Person", "Jordan Rivera"]
    Conversation.objects.filter(pk=others.pk).update(assignee=csm)
    assert names("mine") == ["Other Person", "Jordan Rivera"]
    assert names("unassigned") == ["Jordan Rivera"]
    Conversation.objects.filter(pk=mine.pk).update(status=ConversationStatus.CLOSED)
    assert names("all", "closed") == ["Jordan Rivera"]
    assert names("nonsense", "nonsense") == ["Other Person"]  # falls back to mine, open


@pytest.mark.parametrize("box", ["mine", "unassigned", "all"])
def test_the_page_costs_the_same_queries_at_10_and_1000_threads(client, csm, box):
    client.force_login(csm)
    url = reverse("conversations:list") + f"?box={box}"
    _threads(csm, 10)
    few = _queries(client, url)
    _threads(csm, 990)
    assert Conversation.objects.count() == 1000
    assert _queries(client, url) == few <= 25


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_thread_shows_messages_as_text_and_the_account_beside_it(client, csm, contact):
    conversation = _write(contact, "<img src=x onerror=alert(1)> is this safe?")
    SavedReply.objects.create(title="Export", body="Go to Settings › Export.")
    client.force_login(csm)

    response = client.get(reverse("conversations:thread", args=[conversation.pk]))

    page = response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; is this safe?" in page
    assert "<img src=x" not in page
    assert csm.get_full_name() in page  # the owner, beside the thread
    assert "Go to Settings › Export." in page  # the saved reply, ready to insert
    conversation.refresh_from_db()
    assert conversation.staff_unread == 0  # opening it read it


def test_a_reply_reaches_the_customer_and_the_accounts_timeline(client, csm, contact):
    conversation = _write(contact)
    client.force_login(csm)

    response = client.post(
        reverse("conversations:reply", args=[conversation.pk]), {"body": "On it, Jordan."}
    )

    assert response.status_code == 302
    reply = Message.objects.get(author_kind="staff")
    assert (reply.body, reply.author_user) == ("On it, Jordan.", csm)
    conversation.refresh_from_db()
    assert conversation.awaiting_since is None
    assert conversation.contact_unread == 1
    assert conversation.assignee == csm  # who answers an unassigned thread takes it
    touch = Touch.objects.get(account=contact.account)
    assert (touch.kind, touch.summary, touch.author) == (TouchKind.CHAT, "On it, Jordan.", csm)
    timeline = client.get(
        reverse("accounts:timeline", args=[contact.account_id]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Chat reply with Jordan Rivera" in timeline


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001])
def test_an_empty_or_oversized_reply_is_refused_with_the_reason(client, csm, contact, body):
    conversation = _write(contact)
    client.force_login(csm)

    response = client.post(reverse("conversations:reply", args=[conversation.pk]), {"body": body})

    assert response.status_code == 400
    assert 'data-testid="reply-error"' in response.content.decode()
    assert not Message.objects.filter(author_kind="staff").exists()


def test_assign_close_and_reopen(client, csm, manager, contact):
    conversation = _write(contact)
    client.force_login(csm)
    thread = reverse("conversations:thread", args=[conversation.pk])

    client.post(reverse("conversations:assign", args=[conversation.pk]), {"assignee": manager.pk})
    conversation.refresh_from_db()
    assert conversation.assignee == manager

    client.post(reverse("conversations:assign", args=[conversation.pk]), {"assignee": ""})
    conversation.refresh_from_db()
    assert conversation.assignee is None

    client.post(reverse("conversations:close", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CLOSED
    assert conversation.awaiting_since is None
    assert "Reopen" in client.get(thread).content.decode()

    client.post(reverse("conversations:reopen", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.OPEN


def test_a_closed_threads_customer_writing_again_opens_a_new_one(client, csm, contact):
    first = _write(contact)
    client.force_login(csm)
    client.post(reverse("conversations:close", args=[first.pk]))

    second = _write(contact, "One more thing")

    assert second.pk != first.pk
    response = client.post(reverse("conversations:reopen", args=[first.pk]), follow=True)
    assert "another open conversation" in response.content.decode()
    first.refresh_from_db()
    assert first.status == ConversationStatus.CLOSED


def test_assigning_to_nobody_on_the_team_is_refused(client, csm, contact):
    conversation = _write(contact)
    client.force_login(csm)
    response = client.post(
        reverse("conversations:assign", args=[conversation.pk]), {"assignee": 999999}, follow=True
    )
    assert "Choose someone on the team." in response.content.decode()


def test_the_navbar_badge_counts_my_unread_threads(client, csm, contact, manager):
    _write(contact)
    _write(ContactFactory(account=AccountFactory(owner=manager)))
    client.force_login(csm)

    page = client.get(reverse("home")).content.decode()
    assert 'hx-get="/conversations/unread/"' in page
    badge = client.get(reverse("conversations:unread")).content.decode()
    assert 'data-testid="chat-unread-count">1<' in badge


def test_a_missing_thread_is_404_and_other_roles_are_refused(client, csm, affiliate_manager):
    client.force_login(csm)
    assert client.get(reverse("conversations:thread", args=[999])).status_code == 404
    client.force_login(affiliate_manager)
    assert client.get(reverse("conversations:list")).status_code == 403
    assert 'data-testid="conversations-link"' not in client.get(reverse("home")).content.decode()


def test_a_user_with_no_role_gets_no_count(client, contact):
    _write(contact)
    client.force_login(UserFactory(username="nobody"))
    assert "chat-unread-count" not in client.get(reverse("conversations:unread")).content.decode()
