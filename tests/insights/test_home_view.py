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
    health = page.context["charts"]["health"]
    assert health["values"][health["labels"].index("Struggling")] == 1


def test_login_page_logs_staff_in(client, csm):
    response = client.post(
        reverse("login"), {"username": csm.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_my_day_costs_the_same_queries_for_10_and_500_accounts(client, csm, by_manager):
    """Every section has rows at both sizes: my accounts at risk, due tasks, alerts."""
    from datetime import timedelta

    from activity.services.tasks import create_task
    from core import clock

    client.force_login(csm)
    counts = []
    for total in (10, 500):
        batch = AccountFactory.create_batch(total - len(counts) * 10, owner=csm, mrr=50)
        for account in batch[:3]:
            change_health_status(account=account, status="struggling", cause=by_manager)
            create_task(
                account=account,
                title="Call",
                source="staff",
                assignee=csm,
                due_at=clock.now() - timedelta(hours=1),
                cause=by_manager,
            )
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("home"))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session, user, two permission reads, the portfolio (one grouped query for the
    # headline numbers and all three charts), unread count, tasks, alerts, at risk + tags.
    assert counts[0] == 10, "\n".join(q["sql"] for q in queries.captured_queries)


def test_my_day_lists_my_due_tasks_alerts_and_at_risk_accounts(client, csm, manager, by_manager):
    from datetime import timedelta

    from activity.services.tasks import create_task
    from core import clock

    mine = AccountFactory(owner=csm, name="Risky Co")
    change_health_status(account=mine, status="struggling", cause=by_manager)
    AccountFactory(owner=manager, name="Someone Else's")
    create_task(
        account=mine,
        title="Call back",
        source="staff",
        assignee=csm,
        due_at=clock.now() - timedelta(hours=1),
        cause=by_manager,
    )
    client.force_login(csm)

    page = client.get(reverse("home")).content.decode()

    assert "Call back" in page
    assert "overdue since" in page
    assert "Risky Co" in page
    assert "Someone Else" not in page
