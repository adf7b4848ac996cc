"""The reports' period, owner and plan filters, and the list behind each number.

What a manager notices: a number changes with the period, the owner and the
plan; a bad date is a message, not an error page; clicking a number lists
exactly that many rows, each naming its account.
"""

import html
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, AccountEvent, AccountEventKind, Plan, Tag
from accounts.services import (
    add_tag,
    cancel_subscription,
    record_affiliate_joined,
    save_segment,
)
from activity.models import Feedback, Payment, PaymentStatus, Task, TaskSource, TaskStatus
from activity.services.feedback import record_feedback
from activity.services.payments import record_payment
from activity.services.tasks import create_task, resolve_task
from core.causes import Cause, CauseKind
from insights.report_measures import MEASURES
from notifications.models import Channel, Message
from tests.factories import AccountFactory, UserFactory
from tests.web.test_reports_views import bulk_runs, message
from workflows.models import Workflow

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 20, 12, 0, tzinfo=UTC)
NUMBER = re.compile(r'<a href="([^"]+)" data-testid="report-number" data-count="(\d+)"')


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(moment: datetime, change):
    with time_machine.travel(moment, tick=False):
        return change()


def fail_payment(account: Account, external_id: str, when: datetime) -> None:
    record_payment(
        account=account,
        external_id=external_id,
        amount=Decimal("99.00"),
        succeeded=False,
        cause=Cause.by_api("stripe"),
        occurred_at=when,
    )


def churn(account: Account, when: datetime) -> None:
    at(when, lambda: cancel_subscription(account=account, cause=Cause.by_api("stripe")))


def failures(client, **params) -> dict[str, list]:
    page = client.get(reverse("reports:index"), params)
    assert page.status_code == 200
    [item] = [i for i in page.context["reports"] if i["report"].key == "payment-failures-churn"]
    return {row[0]: row[1:] for row in item["table"].rows}


def totals(table: dict[str, list]) -> list[int]:
    return [sum(row[i] for row in table.values()) for i in range(2)]


def row_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


# --- the period ------------------------------------------------------------------


def test_the_period_presets_and_custom_dates_choose_what_is_counted(client, manager, account):
    fail_payment(account, "ch_recent", NOW - timedelta(days=10))
    fail_payment(account, "ch_older", NOW - timedelta(days=40))
    fail_payment(account, "ch_last_year", NOW - timedelta(days=200))
    fail_payment(account, "ch_too_old", NOW - timedelta(days=400))
    client.force_login(manager)

    assert totals(failures(client, range="30d")) == [1, 0]
    assert totals(failures(client, range="90d")) == [2, 0]
    assert totals(failures(client, range="12m")) == [3, 0]
    assert totals(failures(client)) == [3, 0]  # twelve months unless asked
    # Both days included: 11 Aug (40 days before 20 Sep) to 10 Sep (10 days before).
    custom = failures(client, range="custom", **{"from": "2025-08-11", "to": "2025-09-10"})
    assert list(custom) == ["Aug 2025", "Sep 2025"]
    assert totals(custom) == [2, 0]
    assert totals(
        failures(client, range="custom", **{"from": "2025-08-12", "to": "2025-09-09"})
    ) == [0, 0]


def test_the_last_30_days_show_the_months_they_touch(client, manager):
    client.force_login(manager)

    assert list(failures(client, range="30d")) == ["Aug 2025", "Sep 2025"]
    assert len(failures(client, range="12m")) == 12


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"range": "custom"}, "Custom dates need both a From and a To date."),
        ({"range": "custom", "from": "2025-02-30", "to": "2025-03-01"}, "Enter a valid date."),
        ({"range": "custom", "from": "yesterday", "to": "2025-03-01"}, "Enter a valid date."),
        ({"range": "custom", "from": "2025-05-01", "to": "2025-04-01"}, "The To date is before"),
        ({"range": "custom", "from": "1990-01-01", "to": "2025-04-01"}, "at most three years"),
        ({"range": "forever"}, "Select a valid choice"),
        ({"owner": "not-a-person"}, "Select a valid choice"),
        ({"owner": "999999"}, "Select a valid choice"),
        ({"plan": "platinum"}, "Select a valid choice"),
    ],
)
@pytest.mark.parametrize("page", ["reports:index", "reports:csv", "reports:rows"])
def test_a_bad_filter_is_a_message_on_the_page_never_a_server_error(
    client, manager, params, message, page
):
    client.force_login(manager)
    args = {"reports:csv": ["nps"], "reports:rows": ["churned"]}.get(page, [])

    response = client.get(reverse(page, args=args), params)

    assert response.status_code == 400
    content = response.content.decode()
    assert 'data-testid="report-problem"' in content
    assert message in html.unescape(content)
    assert 'id="report-filters"' in content  # the filters are there to correct it


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2025-13"},
        {"month": "soon"},
        {"month": "2019-01"},  # not in the period
        {"assignee": "someone"},
        {"workflow": "x"},
        {"channel": "fax"},
    ],
)
def test_a_number_link_that_names_no_cell_is_refused(client, manager, params):
    client.force_login(manager)

    response = client.get(reverse("reports:rows", args=["tasks-done"]), params)

    assert response.status_code == 400
    assert 'data-testid="report-problem"' in response.content.decode()


def test_an_unknown_number_is_not_found(client, manager):
    client.force_login(manager)

    assert client.get(reverse("reports:rows", args=["revenue"])).status_code == 404


# --- owner and plan ---------------------------------------------------------------


def test_the_owner_filter_offers_staff_by_full_name_and_counts_their_book(client, manager, csm):
    mine = AccountFactory(owner=csm, plan=Plan.PRO)
    theirs = AccountFactory(owner=manager, plan=Plan.STARTER)
    fail_payment(mine, "ch_mine", NOW - timedelta(days=3))
    fail_payment(theirs, "ch_theirs", NOW - timedelta(days=3))
    churn(theirs, NOW - timedelta(days=2))
    client.force_login(manager)

    page = client.get(reverse("reports:index")).content.decode()
    options = re.search(r'<select name="owner".*?</select>', page, re.S).group(0)
    assert f">{csm.get_full_name()}</option>" in options
    assert f">{csm.username}<" not in options
    assert totals(failures(client)) == [2, 1]
    assert totals(failures(client, owner=str(csm.pk))) == [1, 0]
    assert totals(failures(client, owner=str(manager.pk))) == [1, 1]
    assert totals(failures(client, plan=Plan.PRO)) == [1, 0]
    assert totals(failures(client, owner=str(manager.pk), plan=Plan.PRO)) == [0, 0]
    scoped = client.get(reverse("reports:index"), {"owner": csm.pk, "plan": Plan.PRO})
    assert f"{csm.get_full_name()}’s accounts · Pro plan" in scoped.content.decode()


def test_tasks_completed_count_the_tasks_of_the_owners_accounts(client, manager, csm):
    mine = AccountFactory(owner=csm)
    theirs = AccountFactory(owner=manager)
    for account in (mine, theirs, theirs):
        task, _ = create_task(
            account=account,
            title="Call back",
            source=TaskSource.STAFF,
            assignee=csm,
            cause=Cause.by_user(csm),
        )
        resolve_task(task=task, cause=Cause.by_user(csm))
    client.force_login(manager)

    def done(**params):
        page = client.get(reverse("reports:index"), params)
        [item] = [i for i in page.context["reports"] if i["report"].key == "tasks-completed"]
        return item["table"].rows

    assert done() == [[csm.get_full_name(), 3]]
    assert done(owner=str(manager.pk)) == [[csm.get_full_name(), 2]]


def test_a_saved_segment_narrows_every_report_and_its_rows(client, manager, csm):
    vip = AccountFactory(owner=csm, name="Vip Ltd")
    other = AccountFactory(owner=csm)
    add_tag(account=vip, tag="VIP", cause=Cause.by_user(manager))
    tag = Tag.objects.get(name="VIP")
    vips = save_segment(name="VIPs", filters={"tag": str(tag.pk)}, owner=manager, is_shared=True)
    fail_payment(vip, "ch_vip", NOW - timedelta(days=3))
    fail_payment(other, "ch_other", NOW - timedelta(days=3))
    churn(other, NOW - timedelta(days=2))
    client.force_login(manager)

    assert totals(failures(client)) == [2, 1]
    assert totals(failures(client, segment=str(vips.pk))) == [1, 0]
    page = client.get(reverse("reports:index"), {"segment": vips.pk}).content.decode()
    assert "Segment “VIPs”" in page
    [(url, count)] = [(u, c) for u, c in NUMBER.findall(page) if "payment-failures" in u]
    rows = client.get(html.unescape(url))
    assert count == "1"
    assert rows.context["page"].paginator.count == 1
    assert "Vip Ltd" in rows.content.decode()


def test_a_segment_the_user_may_not_see_or_that_no_longer_applies_is_a_message(
    client, manager, csm
):
    AccountFactory(owner=csm)
    private = save_segment(name="Carl's", filters={}, owner=csm, is_shared=False)
    gone = Tag.objects.create(name="Gone")  # on no account, so it can be deleted
    broken = save_segment(
        name="Tagged", filters={"tag": str(gone.pk)}, owner=manager, is_shared=True
    )
    gone.delete()
    client.force_login(manager)

    hidden = client.get(reverse("reports:index"), {"segment": private.pk})
    assert hidden.status_code == 400
    assert "Select a valid choice" in hidden.content.decode()
    stale = client.get(reverse("reports:rows", args=["churned"]), {"segment": broken.pk})
    assert stale.status_code == 400
    assert "“Tagged” no longer applies" in html.unescape(stale.content.decode())


# --- every number lists the rows behind it --------------------------------------


def fill_every_report(owners: list, size: int) -> None:
    """Each report's facts through the services, spread over owners, plans and months."""
    plans = [Plan.STARTER, Plan.PRO, Plan.BUSINESS]
    for i in range(size):
        account = AccountFactory(owner=owners[i % len(owners)], plan=plans[i % len(plans)])
        when = NOW - timedelta(days=(i * 23) % 330, hours=1)
        at(when, lambda a=account, i=i: answer(a, i % 11))
        fail_payment(account, f"ch_{account.pk}", when)
        task, _ = at(
            when,
            lambda a=account: create_task(
                account=a,
                title="Call back",
                source=TaskSource.STAFF,
                assignee=a.owner,
                cause=Cause.by_system("test"),
            ),
        )
        at(when, lambda t=task: resolve_task(task=t, cause=Cause.by_system("test")))
        if i % 3 == 0:
            churn(account, when + timedelta(minutes=5))
        if i % 4 == 1:
            by_app = Cause.by_api("app")
            at(when, lambda a=account, c=by_app: record_affiliate_joined(account=a, cause=c))


def answer(account, nps):
    return record_feedback(account=account, nps=nps, cause=Cause.by_customer("NPS form"))


@pytest.mark.parametrize(
    "params",
    [{}, {"range": "30d"}, {"range": "90d", "plan": Plan.PRO}, {"owner": "csm"}],
)
def test_every_number_on_the_page_lists_exactly_that_many_rows(client, manager, csm, params):
    fill_every_report([csm, manager], 12)
    if params.get("owner") == "csm":
        params = {"owner": str(csm.pk)}
    client.force_login(manager)

    page = client.get(reverse("reports:index"), params).content.decode()

    numbers = NUMBER.findall(page)
    measures = {url.split("/rows/")[1].split("/")[0] for url, _ in numbers}
    # Messages (and h1's invitations, messages too) have their own test below.
    messages = {"messages-sent", "affiliate-invited"}
    assert measures == set(MEASURES) - messages if not params else numbers
    for url, count in numbers:
        assert row_count(client, html.unescape(url)) == int(count), url


def test_messages_per_playbook_and_channel_list_the_messages_behind_them(client, manager):
    churn_runs = bulk_runs(Workflow.objects.get(key="e3-churn"), 2)
    receipt_runs = bulk_runs(Workflow.objects.get(key="e1-payment-succeeded"), 1)
    Message.objects.bulk_create(
        [
            message(churn_runs[0], Channel.EMAIL),
            message(churn_runs[1], Channel.EMAIL),
            message(churn_runs[1], Channel.SMS),
            message(receipt_runs[0], Channel.EMAIL),
        ]
    )
    client.force_login(manager)

    page = client.get(reverse("reports:index"), {"range": "30d"}).content.decode()

    numbers = [(u, c) for u, c in NUMBER.findall(page) if "/rows/messages-sent/" in u]
    assert sorted(int(c) for _, c in numbers) == [1, 1, 1, 2, 3]  # cells and totals
    for url, count in numbers:
        assert row_count(client, html.unescape(url)) == int(count), url


def test_the_churn_rows_are_the_cancelled_accounts_with_owner_plan_and_mrr(client, manager, csm):
    gone = AccountFactory(owner=csm, plan=Plan.PRO, mrr=Decimal("4700.00"), name="Gone Ltd")
    AccountFactory(owner=csm, plan=Plan.PRO, name="Staying Ltd")
    churn(gone, datetime(2025, 9, 5, tzinfo=UTC))
    client.force_login(manager)

    response = client.get(reverse("reports:rows", args=["churned"]), {"month": "2025-09"})

    content = response.content.decode()
    assert response.context["page"].paginator.count == 1
    assert [row.account for row, _, _ in response.context["items"]] == [gone]
    assert "Gone Ltd" in content
    assert "Staying Ltd" not in content
    assert csm.get_full_name() in content
    assert "MRR lost $4,700.00" in content
    assert "Cancelled subscriptions · Sep 2025" in html.unescape(content)
    assert f'href="{reverse("reports:index")}?range=12m"' in content  # back, same scope


# --- query counts ----------------------------------------------------------------


def bulk_facts(owner, size: int, offset: int) -> None:
    """`size` accounts with a fact of every kind, inserted in bulk (counting only)."""
    accounts = Account.objects.bulk_create(AccountFactory.build_batch(size, owner=owner))
    moments = [NOW - timedelta(days=(i * 7) % 330) for i in range(size)]
    pairs = list(zip(accounts, moments, strict=True))
    Feedback.objects.bulk_create(
        Feedback(account=a, nps=i % 11, submitted_at=t, created_at=t, cause_kind=CauseKind.CUSTOMER)
        for i, (a, t) in enumerate(pairs)
    )
    Task.objects.bulk_create(
        Task(
            account=a,
            title="Call",
            assignee=owner,
            source=TaskSource.STAFF,
            status=TaskStatus.DONE,
            resolved_at=t,
            created_at=t,
            cause_kind=CauseKind.SYSTEM,
        )
        for a, t in pairs
    )
    Payment.objects.bulk_create(
        Payment(
            account=a,
            external_id=f"ch_{offset}_{i}",
            amount=Decimal("9.00"),
            status=PaymentStatus.FAILED,
            occurred_at=t,
            created_at=t,
            cause_kind=CauseKind.API,
        )
        for i, (a, t) in enumerate(pairs)
    )
    AccountEvent.objects.bulk_create(
        AccountEvent(
            account=a, kind=AccountEventKind.CANCELLED, created_at=t, cause_kind=CauseKind.API
        )
        for a, t in pairs
    )


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (reverse("reports:index"), {"plan": Plan.STARTER}),
        (reverse("reports:rows", args=["churned"]), {"range": "90d"}),
        (reverse("reports:rows", args=["tasks-done"]), {"assignee": "OWNER"}),
        (reverse("reports:rows", args=["payment-failures"]), {"month": "2025-09"}),
    ],
)
def test_report_pages_query_counts_do_not_grow_with_the_data(client, manager, url, params):
    owner = UserFactory(username="olga")
    UserFactory.create_batch(3)
    params = {**params, "owner": str(owner.pk)}
    if params.get("assignee") == "OWNER":
        params["assignee"] = str(owner.pk)
    client.force_login(manager)
    counts = []
    for offset, size in enumerate((5, 120)):
        bulk_facts(owner, size, offset)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], "\n".join(q["sql"] for q in queries)
    assert counts[1] <= 25
