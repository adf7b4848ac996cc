"""The widget's endpoints: writing, reading, bad input, rate limits, CORS."""

import pytest

from conversations.models import Conversation, Message
from conversations.services import post_staff_reply
from core.causes import Cause

pytestmark = pytest.mark.django_db


def test_a_message_from_the_widget_opens_a_thread_the_team_has_to_read(widget, identity, contact):
    widget.start(identity)

    response = widget.send("How do I export my data?", client_id="c1")

    assert response.status_code == 201
    assert [m["body"] for m in response.json()["messages"]] == ["How do I export my data?"]
    conversation = Conversation.objects.get(contact=contact)
    assert conversation.staff_unread == 1
    assert conversation.last_message_preview == "How do I export my data?"
    assert conversation.awaiting_since is not None


def test_the_same_send_retried_is_one_message(widget, identity):
    widget.start(identity)
    first = widget.send("Hello", client_id="c1")
    again = widget.send("Hello", client_id="c1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert Message.objects.count() == 1
    assert Conversation.objects.get().staff_unread == 1


def test_html_is_kept_as_the_characters_typed(widget, identity):
    widget.start(identity)
    widget.send("<script>alert(1)</script> <b>bold</b>")

    assert Message.objects.get().body == "<script>alert(1)</script> <b>bold</b>"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write a message first: this one is empty."),
        ("   \n\t ", "Write a message first: this one is empty."),
        ("x" * 4001, "Keep a message under 4,000 characters (this one has 4,001)."),
        (42, "A message is text."),
        (None, "A message is text."),
    ],
    ids=["empty", "blank", "oversized", "number", "null"],
)
def test_an_empty_or_oversized_message_is_refused_and_nothing_is_stored(
    widget, identity, body, error
):
    widget.start(identity)

    response = widget.send(body)

    assert response.status_code == 400
    assert response.json() == {"error": error}
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()


def test_a_message_of_exactly_the_limit_is_accepted(widget, identity):
    widget.start(identity)
    assert widget.send("x" * 4000).status_code == 201


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ("body=hi", "application/x-www-form-urlencoded", 415),
        ("x" * 40_000, "application/json", 413),
    ],
    ids=["not-json", "not-an-object", "a-form", "too-large"],
)
def test_a_malformed_request_is_a_clear_4xx(widget, identity, client, raw, content_type, status):
    widget.start(identity)

    response = client.post(
        "/chat/api/messages/",
        raw,
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {widget.token}",
    )

    assert response.status_code == status
    assert response.json()["error"]
    assert not Message.objects.exists()


def test_an_oversized_client_id_is_refused(widget, identity):
    widget.start(identity)
    assert widget.send("hi", client_id="x" * 65).status_code == 400


def test_the_widget_reads_the_teams_reply_and_marks_it_read(widget, identity, contact, csm):
    widget.start(identity)
    widget.send("Hello")
    conversation = Conversation.objects.get()
    post_staff_reply(
        conversation=conversation, user=csm, body="Hi Jordan!", cause=Cause.by_user(csm)
    )

    state = widget.get("messages").json()

    assert [(m["author"], m["body"]) for m in state["messages"]] == [
        ("contact", "Hello"),
        ("staff", "Hi Jordan!"),
    ]
    assert state["messages"][1]["name"] == csm.get_full_name()
    conversation.refresh_from_db()
    assert conversation.contact_unread == 1
    assert widget.post("read", {"upto": state["messages"][1]["id"]}).json() == {"read": True}
    conversation.refresh_from_db()
    assert conversation.contact_unread == 0
    assert widget.post("read", {"upto": state["messages"][1]["id"]}).json() == {"read": False}


@pytest.mark.parametrize("upto", ["7", -1, None, 1.5])
def test_a_bad_read_marker_is_refused(widget, identity, upto):
    widget.start(identity)
    assert widget.post("read", {"upto": upto}).status_code == 400


def test_sending_too_fast_is_refused_with_retry_after(widget, identity):
    widget.start(identity)
    statuses = [widget.send(f"message {n}").status_code for n in range(21)]

    assert statuses[:20] == [201] + [201] * 19
    assert statuses[20] == 429
    response = widget.send("one more")
    assert response["Retry-After"] == "60"
    assert Message.objects.count() == 20


def test_guessing_identities_from_one_address_is_limited(widget, identity):
    bad = {**identity, "signature": "0" * 64}
    statuses = [widget.post("session", bad).status_code for _ in range(121)]
    assert set(statuses[:120]) == {403}
    assert statuses[120] == 429


def test_a_preflight_and_every_answer_allow_any_origin_but_no_credentials(widget, identity, client):
    preflight = client.options("/chat/api/messages/", HTTP_ORIGIN="https://app.example")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    refused = widget.post("session", {})
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in refused


def test_a_method_the_endpoint_does_not_take_is_405(widget):
    response = widget.client.delete("/chat/api/messages/")
    assert response.status_code == 405
