"""The navbar search: accounts, contacts (name, e-mail, phone) and tasks, by part of a word."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import ADMIN
from activity.services.tasks import create_task
from core.causes import Cause
from tests.factories import AccountFactory, ContactFactory, UserFactory
from tests.web.html import find_testids, text_of

pytestmark = pytest.mark.django_db


def _search(client, term, headers=None, **extra):
    return client.get(reverse("search"), {"q": term, **extra}, headers=headers or {})


@pytest.fixture
def acme(csm):
    account = AccountFactory(name="Acme Rockets", external_id="acme-42", owner=csm)
    ContactFactory(
        account=account, name="Ana Lima", email="ana.lima@acme.example", phone="+14155550123"
    )
    create_task(
        account=account,
        title="Prepare the QBR deck",
        source="staff",
        assignee=csm,
        cause=Cause.by_system(),
    )
    AccountFactory(name="Globex", external_id="globex")
    return account


def test_search_needs_a_login(client):
    response = _search(client, "acme")
    assert response.status_code == 302


def test_part_of_an_account_name_or_id_finds_the_account(client, csm, acme):
    client.force_login(csm)

    for term in ("rock", "ACME", "me-4"):
        page = _search(client, term)
        assert "Acme Rockets" in text_of(page, "search-accounts"), term
        assert "Globex" not in text_of(page, "search-accounts")
    assert "Owner: " in text_of(_search(client, "rock"), "search-accounts")
    assert csm.username not in text_of(_search(client, "rock"), "search-accounts")


@pytest.mark.parametrize("term", ["lima", "ana.li", "acme.example", "415 555 01", "5550123"])
def test_part_of_a_contacts_name_email_or_phone_finds_the_contact(client, csm, acme, term):
    client.force_login(csm)

    contacts = text_of(_search(client, term), "search-contacts")

    assert "Ana Lima" in contacts
    assert "at Acme Rockets" in contacts


def test_part_of_a_task_title_finds_the_task(client, csm, acme):
    client.force_login(csm)
    tasks = text_of(_search(client, "qbr"), "search-tasks")
    assert "Prepare the QBR deck" in tasks
    assert "Acme Rockets" in tasks


def test_a_term_too_short_or_matching_nothing_says_so(client, csm, acme):
    client.force_login(csm)
    assert "at least two letters" in text_of(_search(client, "a"), "search-hint")
    assert "Nothing matches “zzzz”" in text_of(_search(client, "zzzz"), "search-nothing")
    long_term = _search(client, "x" * 5000)
    assert long_term.status_code == 200
    assert long_term.context["results"].term == "x" * 100


def test_the_dropdown_lists_a_few_of_each_with_a_link_to_all_results(client, csm, acme):
    client.force_login(csm)

    response = _search(client, "acme", dropdown="1", headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "<html" not in body
    assert "Acme Rockets" in body
    assert "Contact at Acme Rockets" in body
    assert find_testids(response, "search-all") == ["search-all"]
    assert _search(client, "a", dropdown="1", headers={"HX-Request": "true"}).content.strip() == b""


def test_the_affiliate_manager_finds_accounts_and_contacts_but_no_tasks(
    client, affiliate_manager, acme
):
    client.force_login(affiliate_manager)

    page = _search(client, "acme")

    assert "Acme Rockets" in text_of(page, "search-accounts")
    assert find_testids(page, "search-tasks") == []
    assert page.context["results"].tasks == []


def test_search_costs_the_same_queries_for_few_and_many_matches(client, manager):
    client.force_login(manager)
    counts = []
    for size in (3, 60):
        for i in range(size - len(counts) * 3):
            account = AccountFactory(name=f"Match {size}-{i}", owner=manager)
            ContactFactory(account=account, name=f"Match person {i}")
            create_task(
                account=account, title="Match task", source="staff", cause=Cause.by_system()
            )
        with CaptureQueriesContext(connection) as queries:
            page = _search(client, "match")
        assert page.context["results"].accounts
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session, user, two permission reads, accounts, contacts, tasks, unread count.
    assert counts[0] == 8, "\n".join(q["sql"] for q in queries.captured_queries)
    assert counts[0] <= 25


def test_an_admin_gets_every_kind(client, acme):
    client.force_login(UserFactory(username="ada", roles=[ADMIN]))
    page = _search(client, "acme")
    assert page.context["results"].accounts
    assert page.context["results"].contacts
    assert find_testids(page, "search-tasks") == ["search-tasks"]
