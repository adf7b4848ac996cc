"""My day: the signed-in member's book, a team toggle for managers, tasks with Done."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import colours
from accounts.models import Happiness, HealthStatus, Tag
from accounts.roles import ADMIN
from accounts.services import cancel_subscription, change_health_status
from activity.models import Task, TaskStatus
from activity.services.tasks import create_task
from core import clock
from core.causes import Cause
from pipelines.defaults import DEFAULT_PIPELINES
from tests.factories import AccountFactory, UserFactory
from tests.web.html import find_testids, text_of

pytestmark = pytest.mark.django_db


def _task(account, assignee, hours, title="Call back"):
    task, _ = create_task(
        account=account,
        title=title,
        source="staff",
        assignee=assignee,
        due_at=clock.now() + timedelta(hours=hours),
        cause=Cause.by_system(),
    )
    return task


def test_home_page_needs_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_csm_sees_numbers_of_their_own_book_with_the_mrr_currency(client, csm, manager):
    mine = AccountFactory.create_batch(3, owner=csm, mrr=100)
    AccountFactory.create_batch(5, owner=manager, mrr=1000)
    AccountFactory(owner=csm, mrr=50, currency="EUR")
    change_health_status(account=mine[0], status="struggling", cause=Cause.by_user(manager))
    cancel_subscription(account=mine[1], cause=Cause.by_api())
    client.force_login(csm)

    page = client.get(reverse("home"))

    assert text_of(page, "kpi-active").startswith("Active accounts")
    assert "3" in text_of(page, "kpi-active")  # two USD + one EUR, not the manager's five
    assert text_of(page, "kpi-churned").endswith("1")
    assert text_of(page, "kpi-struggling").endswith("1")
    assert "$200 · €50" in text_of(page, "kpi-mrr")
    assert page.context["summary"]["total"] == 4
    assert "Accounts you own" in text_of(page, "scope-label")
    assert find_testids(page, "scope-toggle") == []  # no team view for a CSM


def test_every_card_links_to_the_filtered_account_list(client, csm):
    AccountFactory(owner=csm)
    client.force_login(csm)

    cards = {card["key"]: card["url"] for card in client.get(reverse("home")).context["cards"]}

    assert cards["struggling"] == (
        f"/accounts/?owner={csm.pk}&lifecycle=active&health_status=struggling"
    )
    assert cards["churned"] == f"/accounts/?owner={csm.pk}&lifecycle=churned"
    listed = client.get(cards["struggling"])
    assert listed.status_code == 200


def test_a_csm_cannot_switch_to_the_team_view(client, csm, manager):
    AccountFactory.create_batch(2, owner=manager)
    client.force_login(csm)

    page = client.get(reverse("home") + "?scope=team")

    assert page.context["scope"].team is False
    assert page.context["summary"]["total"] == 0


def test_a_manager_toggles_between_their_book_and_the_teams(client, csm, manager):
    AccountFactory.create_batch(2, owner=manager)
    risky = AccountFactory(owner=csm, name="Risky Co")
    change_health_status(account=risky, status="struggling", cause=Cause.by_user(manager))
    _task(risky, csm, -2, title="Carl's overdue call")
    client.force_login(manager)

    mine = client.get(reverse("home"))
    team = client.get(reverse("home") + "?scope=team")

    assert mine.context["summary"]["total"] == 2
    assert "Risky Co" not in text_of(mine, "at-risk")
    assert team.context["summary"]["total"] == 3
    assert "Risky Co" in text_of(team, "at-risk")
    assert "Carl's overdue call" in text_of(team, "overdue-tasks")
    assert team.context["cards"][0]["url"] == "/accounts/?lifecycle=active"
    assert "whole team" in text_of(team, "scope-label")


def test_due_today_and_overdue_are_separate_with_counts(client, csm):
    account = AccountFactory(owner=csm, name="Busy Co")
    for hours in (-30, -5, -1):
        _task(account, csm, hours, title=f"late {hours}")
    later_today = clock.now().replace(hour=23, minute=0) - clock.now()
    if later_today > timedelta(minutes=1):
        _task(account, csm, later_today.total_seconds() / 3600, title="later today")
    _task(account, csm, 48, title="next week")
    client.force_login(csm)

    page = client.get(reverse("home"))

    assert text_of(page, "overdue-count") == "3"
    assert "late -30" in text_of(page, "overdue-tasks")
    assert "overdue since" in text_of(page, "overdue-tasks")
    assert "next week" not in page.content.decode()
    if later_today > timedelta(minutes=1):
        assert text_of(page, "today-count") == "1"
        assert "later today" in text_of(page, "today-tasks")


def test_done_on_my_day_closes_the_task_through_the_service_and_refreshes_counts(client, csm):
    account = AccountFactory(owner=csm)
    first = _task(account, csm, -3, title="First")
    _task(account, csm, -2, title="Second")
    client.force_login(csm)

    response = client.post(
        reverse("my-day-task-done", args=[first.pk]), {"scope": ""}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert text_of(response, "overdue-count") == "1"
    assert "“First” is done." in text_of(response, "task-done-note")
    assert f"my-task-{first.pk}" not in find_testids(response, "my-task-")
    first.refresh_from_db()
    assert first.status == TaskStatus.DONE
    assert first.changes.get().cause_user == csm  # the service recorded who did it


def test_done_without_htmx_redirects_back_and_a_second_done_changes_nothing(client, csm):
    task = _task(AccountFactory(owner=csm), csm, -1)
    client.force_login(csm)

    first = client.post(reverse("my-day-task-done", args=[task.pk]))
    again = client.post(reverse("my-day-task-done", args=[task.pk]), follow=True)

    assert first.status_code == 302
    assert first["Location"] == reverse("home")
    assert "was already closed" in again.content.decode()
    assert Task.objects.get(pk=task.pk).changes.count() == 1


def test_done_is_refused_to_the_affiliate_manager_and_404_for_a_missing_task(
    client, affiliate_manager, csm
):
    task = _task(AccountFactory(owner=csm), csm, -1)
    client.force_login(affiliate_manager)
    assert client.post(reverse("my-day-task-done", args=[task.pk])).status_code == 403
    client.force_login(csm)
    assert client.post(reverse("my-day-task-done", args=[999999])).status_code == 404
    assert client.get(reverse("my-day-task-done", args=[task.pk])).status_code == 405


def test_each_at_risk_account_says_why(client, csm, manager):
    struggling = AccountFactory(owner=csm, name="Struggling Co", mrr=300)
    change_health_status(account=struggling, status="struggling", cause=Cause.by_user(manager))
    unpaid = AccountFactory(owner=csm, name="Unpaid Co", mrr=200)
    unpaid.tags.add(
        Tag.objects.get_or_create(name="Payment Failed")[0],
        through_defaults={"added_at": clock.now()},
    )
    unhappy = AccountFactory(owner=csm, name="Unhappy Co", mrr=100, happiness="not_happy")
    AccountFactory(owner=csm, name="Fine Co")
    client.force_login(csm)

    page = client.get(reverse("home"))

    assert "Health: Struggling" in text_of(page, f"at-risk-{struggling.pk}")
    assert "Payment failed" in text_of(page, f"at-risk-{unpaid.pk}")
    assert "Not Happy" in text_of(page, f"at-risk-{unhappy.pk}")
    assert "Fine Co" not in text_of(page, "at-risk")


def test_status_colours_agree_between_badges_boards_and_charts(client, csm):
    account = AccountFactory(owner=csm, health_status="healthy")
    client.force_login(csm)

    page = client.get(reverse("home"))

    health = page.context["charts"]["health"]
    assert health["colours"][health["labels"].index("Healthy")] == "primary"
    assert health["colours"][health["labels"].index("Struggling")] == "danger"
    assert health["links"][health["labels"].index("Healthy")] == (
        f"/accounts/?owner={csm.pk}&lifecycle=active&health_status=healthy"
    )
    assert health["links"][health["labels"].index("Not assessed")] == (
        f"/accounts/?owner={csm.pk}&lifecycle=active&health_status=none"
    )
    detail = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert 'class="badge text-bg-primary" data-status="healthy">Healthy<' in detail
    # The default boards' stages carry the same colours.
    for pipeline_key, choices in (("health", HealthStatus), ("happiness", Happiness)):
        (spec,) = [p for p in DEFAULT_PIPELINES if p["key"] == pipeline_key]
        stage_colours = dict(spec["stages"])
        for value in choices:
            assert stage_colours[value.label] == colours.colour(pipeline_key, value), value


def test_the_affiliate_manager_sees_no_tasks_and_no_link_to_a_forbidden_page(
    client, affiliate_manager
):
    client.force_login(affiliate_manager)

    page = client.get(reverse("home"))

    assert page.status_code == 200
    assert find_testids(page, "my-tasks") == []
    assert reverse("tasks:list") not in page.content.decode()


def test_an_admin_has_the_team_toggle(client):
    admin = UserFactory(username="ada", roles=[ADMIN])
    client.force_login(admin)
    assert find_testids(client.get(reverse("home")), "scope-toggle") == ["scope-toggle"]


def test_login_page_logs_staff_in(client, csm):
    response = client.post(
        reverse("login"), {"username": csm.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def _fill_book(csm, by_manager, count):
    batch = AccountFactory.create_batch(count, owner=csm, mrr=Decimal(50))
    for account in batch[:3]:
        change_health_status(account=account, status="struggling", cause=by_manager)
        _task(account, csm, -1)
        _task(account, csm, 0.01)


@pytest.mark.parametrize("scope", ["", "?scope=team"])
def test_my_day_costs_the_same_queries_for_10_and_500_accounts(client, manager, by_manager, scope):
    """Every section has rows at both sizes: at risk, overdue, due today, alerts."""
    client.force_login(manager)
    counts = []
    for total in (10, 490):
        _fill_book(manager, by_manager, total)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("home") + scope)
        assert page.context["at_risk"]
        assert page.context["tasks"]["overdue"]
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session, user, two permission reads, the book's grouped numbers, task counts,
    # overdue, due today, at risk + their tags, unread count, alerts; the work queue's
    # rows (empty here: no staff list for Reassign, no e-mail templates); the portfolio by
    # computed band and the accounts whose band worsened this week (#20); my meetings
    # (booking, #24).
    assert counts[0] == 16, "\n".join(q["sql"] for q in queries.captured_queries)


def test_every_chart_segment_opens_the_accounts_it_counts(client, csm):
    AccountFactory(name="Assessed Co", owner=csm, health_status="healthy", milestone="starter")
    AccountFactory(name="Unassessed Co", owner=csm, happiness="happy")
    client.force_login(csm)

    charts = client.get(reverse("home")).context["charts"]

    for name, chart in charts.items():
        assert all(chart["links"]), f"a segment of {name} links nowhere"
        for link, value in zip(chart["links"], chart["values"], strict=True):
            if name == "mrr_by_health":
                continue  # amounts, not counts
            listed = client.get(link).context["page"].paginator.count
            assert listed == value, f"{name}: {link} lists {listed}, the chart says {value}"


def test_the_mrr_chart_shows_the_books_largest_currency_only(client, csm):
    AccountFactory(owner=csm, mrr=Decimal("4700"), currency="USD", health_status="healthy")
    AccountFactory(owner=csm, mrr=Decimal("900"), currency="EUR", health_status="healthy")
    client.force_login(csm)

    page = client.get(reverse("home"))

    mrr = page.context["charts"]["mrr_by_health"]
    assert mrr["currency"] == "USD"
    assert mrr["values"][mrr["labels"].index("Healthy")] == 4700.0
    assert text_of(page, "chart-mrr-currency") == "(USD)"


def test_an_empty_book_says_so_instead_of_four_empty_charts(client, affiliate_manager):
    client.force_login(affiliate_manager)

    page = client.get(reverse("home"))

    assert "You own no active accounts yet" in text_of(page, "no-charts")
    assert 'data-chart="doughnut"' not in page.content.decode()
