"""Identity verification: only a contact the SaaS product signed for may chat as them."""

import hashlib
import hmac

import pytest
from django.core import signing

from conversations.identity import identity_hash
from conversations.services import post_customer_message
from tests.conversations.conftest import BY_CUSTOMER, SECRET
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_the_signature_is_an_hmac_sha256_of_account_and_contact_ids_with_the_secret():
    expected = hmac.new(SECRET.encode(), b"acme/user-7", hashlib.sha256).hexdigest()
    assert identity_hash("acme", "user-7") == expected


def test_a_signed_contact_gets_a_session_and_their_own_thread(widget, identity, contact):
    post_customer_message(contact=contact, body="Earlier question", cause=BY_CUSTOMER)

    state = widget.start(identity)

    assert state["name"] == "Jordan Rivera"
    assert [m["body"] for m in state["messages"]] == ["Earlier question"]


@pytest.mark.parametrize(
    "change",
    [
        {"signature": ""},  # unsigned
        {"signature": "0" * 64},  # forged
        {"signature": identity_hash("acme", "user-7", secret="another installation's secret")},
        {"contact": "user-8"},  # the signature of someone else
        {"account": "other"},
    ],
    ids=["unsigned", "forged", "other-installation", "other-contact", "other-account"],
)
def test_an_unverified_identity_is_refused_and_sees_nobodys_messages(
    widget, identity, contact, change
):
    post_customer_message(contact=contact, body="Private to Jordan", cause=BY_CUSTOMER)
    other = ContactFactory(account=AccountFactory(external_id="other"), external_id="user-8")
    post_customer_message(contact=other, body="Private to someone else", cause=BY_CUSTOMER)

    response = widget.post("session", {**identity, **change})

    assert response.status_code == 403
    assert "error" in response.json()
    assert "Private" not in response.content.decode()


def test_a_valid_signature_for_an_unknown_contact_is_refused_clearly(widget):
    response = widget.post(
        "session",
        {"account": "acme", "contact": "ghost", "signature": identity_hash("acme", "ghost")},
    )
    assert response.status_code == 403
    assert response.json()["error"] == "We do not know this contact yet."


def test_without_a_secret_the_widget_refuses_everyone(widget, identity, settings):
    settings.CHAT_IDENTITY_SECRET = ""
    response = widget.post("session", identity)
    assert response.status_code == 403
    assert response.json()["error"] == "Chat is not set up on this installation."


@pytest.mark.parametrize(
    "token",
    ["", "garbage", signing.dumps({"c": 1}, salt="portal.feedback")],
    ids=["missing", "garbage", "another-links-token"],
)
def test_a_request_without_a_valid_session_is_refused(widget, contact, token):
    post_customer_message(contact=contact, body="Private to Jordan", cause=BY_CUSTOMER)
    widget.token = token

    for response in (widget.get("messages"), widget.send("hi")):
        assert response.status_code == 403
        assert "Private" not in response.content.decode()


def test_an_expired_session_is_refused(widget, identity, time_machine):
    time_machine.move_to("2025-09-01T09:00:00Z")
    widget.start(identity)
    time_machine.move_to("2025-09-02T09:00:00Z")

    response = widget.get("messages")

    assert response.status_code == 403
    assert "expired" in response.json()["error"]


def test_the_deploy_check_requires_the_secret(settings):
    from conversations.checks import check_identity_secret

    settings.DEBUG = False
    settings.CHAT_IDENTITY_SECRET = ""
    assert [error.id for error in check_identity_secret()] == ["conversations.E001"]
    settings.CHAT_IDENTITY_SECRET = SECRET
    assert check_identity_secret() == []
