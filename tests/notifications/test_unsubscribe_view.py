"""The unsubscribe pages a customer reaches from an e-mail."""

import pytest
from django.test import Client

from accounts.models import OptOutChannel
from accounts.selectors import contact_opt_out
from notifications.links import unsubscribe_token, unsubscribe_url

pytestmark = pytest.mark.django_db


def unsubscribed_at(contact):
    """When the contact's e-mail address opted out, or None."""
    opt_out = contact_opt_out(contact, OptOutChannel.EMAIL)
    return opt_out.created_at if opt_out else None


def path_of(contact) -> str:
    return unsubscribe_url(contact).split("127.0.0.1:8000", 1)[-1]


def test_the_link_asks_for_confirmation_and_changes_nothing_on_get(client, contact):
    page = client.get(path_of(contact))

    assert page.status_code == 200
    assert contact.email in page.content.decode()
    assert unsubscribed_at(contact) is None


def test_confirming_unsubscribes_and_records_why(client, contact):
    page = client.post(path_of(contact))

    assert page.status_code == 200
    assert "You are unsubscribed" in page.content.decode()
    assert unsubscribed_at(contact) is not None
    event = contact.account.events.get(kind="contact_changed")
    assert (event.cause_kind, event.data["fields"]) == ("customer", ["email_opt_out"])


def test_confirming_twice_keeps_the_first_opt_out(client, contact):
    client.post(path_of(contact))
    first = unsubscribed_at(contact)

    client.post(path_of(contact))

    assert unsubscribed_at(contact) == first
    assert contact.account.events.filter(kind="contact_changed").count() == 1


def test_a_tampered_link_gets_a_friendly_page_and_changes_nothing(client, contact):
    token = unsubscribe_token(contact)
    page = client.post(f"/m/unsubscribe/{token[:-2]}xx/")

    assert page.status_code == 400
    assert "This link is not valid" in page.content.decode()
    assert unsubscribed_at(contact) is None


def test_the_confirmation_form_is_csrf_protected(contact):
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(path_of(contact)).status_code == 403
    assert unsubscribed_at(contact) is None


def test_a_mail_clients_one_click_unsubscribe_works_without_a_form(contact):
    strict = Client(enforce_csrf_checks=True)
    url = f"/m/unsubscribe/{unsubscribe_token(contact)}/one-click/"

    assert strict.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert strict.get(url).status_code == 405
    assert unsubscribed_at(contact) is not None
