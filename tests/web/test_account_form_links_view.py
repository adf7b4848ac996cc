"""The account page's "Copy the contact's form links": each contact's request and feedback links."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(account) -> str:
    return reverse("accounts:form-links", args=[account.pk])


def copied_links(html: str) -> list[str]:
    """The values the page's copy buttons copy, in page order."""
    return re.findall(r'data-copy-value="([^"]+)"', html)


def test_anonymous_users_are_sent_to_log_in(client, account):
    response = client.get(url(account))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_without_access_to_accounts_are_refused(client, account):
    ContactFactory(account=account)
    client.force_login(UserFactory(username="nobody"))

    response = client.get(url(account))

    assert response.status_code == 403
    assert "/c/request/" not in response.content.decode()


def test_an_unknown_account_is_not_found(client, csm):
    client.force_login(csm)

    assert client.get(reverse("accounts:form-links", args=[999999])).status_code == 404


def test_each_contact_gets_a_request_and_a_feedback_link_that_open_their_forms(client, csm):
    account = AccountFactory(name="O'Brien & Sons")
    jordan = ContactFactory(account=account, name="Jordan Rivera", is_primary=True)
    ContactFactory(account=account, name="Sam Lee", email="", is_primary=False)
    other = ContactFactory(account=AccountFactory(), name="Someone Else")
    client.force_login(csm)

    response = client.get(url(account))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Jordan Rivera" in html
    assert "Sam Lee" in html
    assert other.name not in html
    links = copied_links(html)
    assert len(links) == 4  # two contacts × (request form, feedback form)
    request_link, feedback_link = links[:2]
    assert "/c/request/" in request_link
    assert "/c/feedback/" in feedback_link
    client.logout()  # a customer opens them without a staff login
    request_form = client.get(urlsplit(request_link).path)
    assert request_form.status_code == 200
    assert "What can we do for O&#x27;Brien &amp; Sons?" in request_form.content.decode()
    feedback_form = client.get(urlsplit(feedback_link).path)
    assert feedback_form.status_code == 200
    assert f"Hi {jordan.name}" in feedback_form.content.decode()


def test_htmx_gets_only_the_panel(client, csm, account):
    ContactFactory(account=account)
    client.force_login(csm)

    response = client.get(url(account), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert 'data-testid="form-links"' in html
    assert '<nav class="navbar' not in html


def test_an_account_without_contacts_says_so(client, csm, account):
    client.force_login(csm)

    response = client.get(url(account), HTTP_HX_REQUEST="true")

    assert "no contacts" in response.content.decode().lower()
    assert copied_links(response.content.decode()) == []


def test_the_account_page_offers_the_action(client, csm, account):
    ContactFactory(account=account)
    client.force_login(csm)

    html = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()

    assert f'hx-get="{url(account)}"' in html
    assert "Copy the contact" in html
