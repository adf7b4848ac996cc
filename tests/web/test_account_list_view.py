"""The account list's headers sort and reverse, its filters read as a person would."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import add_tag
from tests.factories import AccountFactory, UserFactory
from tests.web.html import text_of

pytestmark = pytest.mark.django_db


def _names(client, **params) -> list[str]:
    return [a.name for a in client.get(reverse("accounts:list"), params).context["page"]]


def _header_link(html: str, column: str) -> str:
    match = re.search(rf'href="([^"]*)" data-testid="sort-{column}"', html)
    assert match, f"no sort link for {column}"
    return match.group(1).replace("&amp;", "&")


def test_clicking_a_header_twice_reverses_the_sort_and_never_repeats_it(client, csm):
    for name, score in [("Alpha", 10), ("Beta", 30), ("Gamma", 20)]:
        AccountFactory(name=name, score=score)
    client.force_login(csm)
    url = reverse("accounts:list")

    first = client.get(url, {"health_status": ""}).content.decode()
    by_score = _header_link(first, "score")
    assert by_score.count("sort=") == 1
    assert "sort=-score" in by_score
    page = client.get(url + by_score)
    assert [a.name for a in page.context["page"]] == ["Beta", "Gamma", "Alpha"]
    html = page.content.decode()
    assert text_of(page, "sort-score").endswith("↓")

    reversed_link = _header_link(html, "score")
    assert reversed_link.count("sort=") == 1
    assert "sort=score" in reversed_link
    page = client.get(url + reversed_link)
    assert [a.name for a in page.context["page"]] == ["Alpha", "Gamma", "Beta"]
    assert text_of(page, "sort-score").endswith("↑")


def test_an_old_link_with_the_sort_repeated_uses_the_last_one(client, csm):
    AccountFactory(name="Low", score=1)
    AccountFactory(name="High", score=9)
    client.force_login(csm)
    assert _names(client, sort=["-score", "score"]) == ["Low", "High"]


def test_the_default_order_is_by_name_and_its_header_says_so(client, csm):
    AccountFactory(name="Zed")
    AccountFactory(name="Abe")
    client.force_login(csm)
    response = client.get(reverse("accounts:list"))
    assert [a.name for a in response.context["page"]] == ["Abe", "Zed"]
    assert text_of(response, "sort-account").endswith("↑")


def test_the_filters_have_human_labels_and_empty_choices(client, csm):
    UserFactory(username="jdoe", first_name="Jane", last_name="Doe")
    client.force_login(csm)
    html = client.get(reverse("accounts:list")).content.decode()
    assert "[invalid name]" not in html
    assert "---------" not in html
    assert "Unknown" not in html
    assert ">Any<" in html  # the yes/no filters
    assert "Payment failed" in html
    owner = re.search(r'<select name="owner".*?</select>', html, re.S).group(0)
    assert ">Jane Doe<" in owner
    assert "jdoe" not in owner
    assert ">Any owner<" in owner


def test_the_yes_no_filters_filter(client, csm, by_manager):
    failed = AccountFactory(name="Failing")
    add_tag(account=failed, tag="Payment Failed", cause=by_manager)
    AccountFactory(name="Paying")
    client.force_login(csm)
    assert _names(client, payment_failed="true") == ["Failing"]
    assert _names(client, payment_failed="false") == ["Paying"]
    assert len(_names(client, payment_failed="")) == 2


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", ["", "?sort=-score&owner=&payment_failed=true"])
def test_the_list_costs_the_same_few_queries_at_two_sizes(client, csm, by_manager, params):
    client.force_login(csm)
    url = reverse("accounts:list") + params
    for account in AccountFactory.create_batch(5):
        add_tag(account=account, tag="Payment Failed", cause=by_manager)
    few = _queries(client, url)
    for account in AccountFactory.create_batch(120):
        add_tag(account=account, tag="Payment Failed", cause=by_manager)
    assert _queries(client, url) == few <= 25
