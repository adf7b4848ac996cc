"""The landing page: portfolio totals for a logged-in staff member."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import cancel_subscription, change_health_status
from core.causes import Cause
from tests.factories import AccountFactory


def test_home_page_needs_a_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_page_shows_portfolio_totals_and_health(client, csm, by_manager):
    accounts = AccountFactory.create_batch(3, mrr=100)
    change_health_status(account=accounts[0], status="struggling", cause=by_manager)
    cancel_subscription(account=accounts[1], cause=Cause.by_api())
    client.force_login(csm)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert page.context["summary"]["total"] == 3
    assert page.context["summary"]["churned"] == 1
    assert page.context["summary"]["mrr"] == 200
    assert ("Struggling", 1) in page.context["health"]


def test_login_page_logs_staff_in(client, csm):
    response = client.post(
        reverse("login"), {"username": csm.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_home_page_query_count_does_not_grow_with_the_portfolio(client, csm):
    client.force_login(csm)
    counts = []
    for size in (3, 40):
        AccountFactory.create_batch(size)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("home"))
        counts.append(len(queries))
    assert counts[0] == counts[1]
