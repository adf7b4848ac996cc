"""The reports page: each chart's numbers on a small known dataset, its CSV, its query count."""

import csv
import io
import itertools
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, AccountEvent, AccountEventKind
from accounts.services import cancel_subscription, record_affiliate_joined
from activity.models import Feedback, Payment, PaymentStatus, Task, TaskSource, TaskStatus
from activity.services.feedback import record_feedback
from activity.services.payments import record_payment
from activity.services.tasks import create_task, resolve_task
from core.causes import Cause, CauseKind
from notifications.models import Channel, Message, MessageStatus, MessageTemplate
from tests.factories import AccountFactory
from workflows.models import Run, RunStatus, TriggerEvent, Workflow

pytestmark = pytest.mark.django_db

# The team works in New York: 02:00 UTC on 1 September is still August there.
TEAM_ZONE = "America/New_York"
NOW = datetime(2025, 9, 20, 12, 0, tzinfo=UTC)
REPORTS = [
    "nps", "tasks-completed", "messages-sent", "payment-failures-churn", "affiliate-recruitment",
]  # fmt: skip
_numbers = itertools.count()


@pytest.fixture(autouse=True)
def team_in_new_york(settings):
    settings.TIME_ZONE = TEAM_ZONE


@pytest.fixture
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(moment: datetime, change):
    """Do `change` with the clock at `moment` (services stamp rows with clock.now())."""
    with time_machine.travel(moment, tick=False):
        return change()


def report(client, key: str, **params: str) -> dict:
    page = client.get(reverse("reports:index"), params)
    assert page.status_code == 200
    [found] = [item for item in page.context["reports"] if item["report"].key == key]
    return found


def csv_rows(client, key: str, **params: str) -> list[list[str]]:
    response = client.get(reverse("reports:csv", args=[key]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def as_csv(table) -> list[list[str]]:
    return [table.columns] + [["" if v is None else str(v) for v in row] for row in table.rows]


def months(table) -> dict[str, list]:
    return {row[0]: row[1:] for row in table.rows}


def bulk_runs(workflow: Workflow, count: int) -> list[Run]:
    account = AccountFactory()
    events = TriggerEvent.objects.bulk_create(
        TriggerEvent(
            kind=workflow.trigger,
            account=account,
            event_key=f"report:{account.pk}:{i}",
            created_at=NOW,
            cause_kind=CauseKind.SYSTEM,
        )
        for i in range(count)
    )
    return Run.objects.bulk_create(
        Run(
            workflow=workflow,
            version=workflow.current_version,
            event=event,
            account=account,
            status=RunStatus.SUCCEEDED,
            due_at=NOW,
            created_at=NOW,
        )
        for event in events
    )


def message(run: Run | None, channel: str, *, status=MessageStatus.SENT, sent_at=NOW) -> Message:
    number = next(_numbers)
    return Message(
        channel=channel,
        account_id=run.account_id if run else None,
        recipient=f"person{number}@example.com",
        cause_key=f"report:{number}",
        body_text="Hello",
        status=status,
        next_attempt_at=sent_at,
        sent_at=sent_at if status == MessageStatus.SENT else None,
        created_at=sent_at,
        cause_kind=CauseKind.WORKFLOW if run else CauseKind.SYSTEM,
        cause_run_id=run.pk if run else None,
    )


# --- access -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/reports/", "/reports/nps.csv"])
def test_reports_send_an_anonymous_visitor_to_the_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_report_is_not_found(client, csm):
    client.force_login(csm)

    assert client.get("/reports/nothing.csv").status_code == 404


def test_the_page_draws_every_report_from_json_script_with_a_csv_link(client, csm, frozen_time):
    client.force_login(csm)

    page = client.get(reverse("reports:index"))

    content = page.content.decode()
    assert [item["report"].key for item in page.context["reports"]] == REPORTS
    for key in REPORTS:
        assert f'href="/reports/{key}.csv?range=12m"' in content
    assert '<script id="chart-nps" type="application/json">' in content
    assert 'data-chart="chart-nps"' in content
    assert "vendor/chart.js/chart.umd.js" in content
    assert "js/charts.js" in content
    # No inline JavaScript: every <script> is a file or a JSON payload.
    for tag in content.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert "src=" in opening or 'type="application/json"' in opening


# --- the numbers --------------------------------------------------------------


def test_nps_per_team_month_is_promoters_minus_detractors(client, csm, account, frozen_time):
    answers = [9, 10, 9, 7, 3]  # 3 promoters, 1 passive, 1 detractor: NPS 40
    for day, nps in enumerate(answers, start=2):
        at(datetime(2025, 9, day, 15, tzinfo=UTC), lambda nps=nps: record(account, nps))
    at(datetime(2025, 9, 1, 2, tzinfo=UTC), lambda: record(account, 2))  # August in New York
    at(datetime(2024, 8, 15, tzinfo=UTC), lambda: record(account, 10))  # over a year ago
    client.force_login(csm)

    item = report(client, "nps")

    table = months(item["table"])
    assert item["table"].columns == [
        "Month",
        "NPS",
        "Responses",
        "Promoters",
        "Passives",
        "Detractors",
    ]
    assert list(table) == [f"{m} 2024" for m in ("Oct", "Nov", "Dec")] + [
        f"{m} 2025" for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep")
    ]
    assert table["Sep 2025"] == [40, 5, 3, 1, 1]
    assert table["Aug 2025"] == [-100, 1, 0, 0, 1]
    assert table["Jul 2025"] == [None, 0, 0, 0, 0]
    nps_line = item["chart"]["data"]["datasets"][0]
    assert (nps_line["label"], nps_line["data"][-2:]) == ("NPS", [-100, 40])
    rows = csv_rows(client, "nps")
    assert rows == as_csv(item["table"])
    assert rows[-1] == ["Sep 2025", "40", "5", "3", "1", "1"]


def record(account, nps: int):
    return record_feedback(account=account, nps=nps, cause=Cause.by_customer("NPS form"))


def test_tasks_completed_per_csm_counts_done_tasks_of_the_period(
    client, csm, manager, account, frozen_time
):
    def task(assignee, *, resolved_days_ago=None, cancelled=False):
        opened, _ = at(
            NOW - timedelta(days=120),
            lambda: create_task(
                account=account,
                title="Call back",
                source=TaskSource.STAFF,
                assignee=assignee,
                cause=Cause.by_user(assignee),
            ),
        )
        if resolved_days_ago is not None:
            at(
                NOW - timedelta(days=resolved_days_ago),
                lambda: resolve_task(
                    task=opened, cause=Cause.by_user(assignee), cancelled=cancelled
                ),
            )

    task(csm, resolved_days_ago=1)
    task(csm, resolved_days_ago=89)
    task(csm, resolved_days_ago=91)  # too long ago
    task(csm, resolved_days_ago=2, cancelled=True)  # not done
    task(csm)  # still open
    task(manager, resolved_days_ago=10)
    client.force_login(manager)

    item = report(client, "tasks-completed", range="90d")

    assert item["table"].rows == [[csm.get_full_name(), 2], [manager.get_full_name(), 1]]
    assert item["chart"]["data"]["labels"] == [csm.get_full_name(), manager.get_full_name()]
    assert item["chart"]["data"]["datasets"][0]["data"] == [2, 1]
    assert csv_rows(client, "tasks-completed", range="90d") == as_csv(item["table"])


def test_messages_sent_are_counted_per_workflow_whose_run_caused_them(client, csm, frozen_time):
    churn = Workflow.objects.get(key="e3-churn")
    receipt = Workflow.objects.get(key="e1-payment-succeeded")
    churn_runs = bulk_runs(churn, 3)
    receipt_runs = bulk_runs(receipt, 2)
    Message.objects.bulk_create(
        [
            message(churn_runs[0], Channel.EMAIL),
            message(churn_runs[1], Channel.EMAIL),
            message(churn_runs[2], Channel.EMAIL),
            message(churn_runs[2], Channel.SMS),
            message(churn_runs[0], Channel.EMAIL, status=MessageStatus.QUEUED),  # not sent
            message(churn_runs[1], Channel.EMAIL, sent_at=NOW - timedelta(days=100)),  # too old
            message(receipt_runs[0], Channel.EMAIL),
            message(receipt_runs[1], Channel.EMAIL),
            message(receipt_runs[1], Channel.IN_APP),
            message(None, Channel.EMAIL),  # no workflow behind it
        ]
    )
    client.force_login(csm)

    item = report(client, "messages-sent", range="90d")

    assert item["table"].columns == [
        "Playbook",
        "E-mail",
        "SMS",
        "In-app alert",
        "Webhook",
        "Slack",
        "Total",
    ]
    assert item["table"].rows == [
        [churn.name, 3, 1, 0, 0, 0, 4],
        [receipt.name, 2, 0, 1, 0, 0, 3],
    ]
    stacks = {d["label"]: d["data"] for d in item["chart"]["data"]["datasets"]}
    assert stacks == {
        "E-mail": [3, 2],
        "SMS": [1, 0],
        "In-app alert": [0, 1],
        "Webhook": [0, 0],
        "Slack": [0, 0],
    }
    assert csv_rows(client, "messages-sent", range="90d") == as_csv(item["table"])


def test_payment_failures_and_churn_per_team_month(client, csm, frozen_time):
    first, second, third = AccountFactory.create_batch(3)

    def payment(account, external_id, when, *, succeeded=False):
        record_payment(
            account=account,
            external_id=external_id,
            amount=Decimal("99.00"),
            succeeded=succeeded,
            cause=Cause.by_api("stripe"),
            occurred_at=when,
        )

    payment(first, "ch_1", datetime(2025, 8, 3, tzinfo=UTC))
    payment(second, "ch_2", datetime(2025, 9, 1, 2, tzinfo=UTC))  # still August in New York
    payment(first, "ch_3", datetime(2025, 9, 10, tzinfo=UTC))
    payment(first, "ch_4", datetime(2025, 9, 11, tzinfo=UTC), succeeded=True)
    at(datetime(2025, 7, 20, tzinfo=UTC), lambda: churn(first))
    at(datetime(2025, 9, 5, tzinfo=UTC), lambda: churn(second))
    at(datetime(2025, 9, 6, tzinfo=UTC), lambda: churn(third))
    client.force_login(csm)

    item = report(client, "payment-failures-churn")

    table = months(item["table"])
    assert item["table"].columns == ["Month", "Payment failures", "Churned accounts"]
    assert (table["Jul 2025"], table["Aug 2025"], table["Sep 2025"]) == ([0, 1], [2, 0], [1, 2])
    assert sum(row[1] for row in item["table"].rows) == 3
    assert csv_rows(client, "payment-failures-churn") == as_csv(item["table"])


def test_affiliate_recruitment_counts_invitations_joins_and_the_rate(client, csm, frozen_time):
    invitation = MessageTemplate.objects.get(key="h1-affiliate-invitation")
    invited = AccountFactory.create_batch(4)
    sent = [
        message(None, Channel.EMAIL, sent_at=datetime(2025, 8, 10, tzinfo=UTC)),
        message(None, Channel.EMAIL, sent_at=datetime(2025, 9, 2, tzinfo=UTC)),
        message(None, Channel.EMAIL, sent_at=datetime(2025, 9, 3, tzinfo=UTC)),
        message(None, Channel.EMAIL, sent_at=datetime(2025, 9, 4, tzinfo=UTC)),
        message(None, Channel.EMAIL, status=MessageStatus.SUPPRESSED),  # never went out
    ]
    for row, account in zip(sent, [*invited, invited[0]], strict=True):
        row.template, row.account = invitation, account
    Message.objects.bulk_create(sent)
    Message.objects.bulk_create([message(None, Channel.EMAIL)])  # another template
    at(datetime(2025, 8, 20, tzinfo=UTC), lambda: joined(invited[0]))
    at(datetime(2025, 9, 10, tzinfo=UTC), lambda: joined(invited[1]))
    client.force_login(csm)

    item = report(client, "affiliate-recruitment")

    table = months(item["table"])
    assert item["table"].columns == ["Month", "Invited", "Joined", "Joined of invited (%)"]
    assert (table["Aug 2025"], table["Sep 2025"]) == ([1, 1, 100], [3, 1, 33])
    assert table["Jul 2025"] == [0, 0, None]
    link = item["table"].links[-1][2]
    assert "affiliate-joined" in link
    listed = client.get(link)
    assert listed.status_code == 200
    assert invited[1].name in listed.content.decode()
    assert csv_rows(client, "affiliate-recruitment") == as_csv(item["table"])


def joined(account):
    return record_affiliate_joined(account=account, affiliate_id="aff", cause=Cause.by_api("app"))


def churn(account):
    return cancel_subscription(account=account, cause=Cause.by_api("stripe"))


def test_an_empty_install_shows_every_report_without_data(client, csm, frozen_time):
    client.force_login(csm)

    page = client.get(reverse("reports:index"))

    assert page.status_code == 200
    for key in REPORTS:
        assert len(csv_rows(client, key)) >= 1  # at least the header


# --- query counts -------------------------------------------------------------


def fill(size: int, offset: int) -> None:
    """`size` rows of everything the reports read, spread over the last months."""
    accounts = Account.objects.bulk_create(AccountFactory.build_batch(size))
    run = bulk_runs(Workflow.objects.get(key="e3-churn"), 1)[0]
    moments = [NOW - timedelta(days=(i * 7) % 330) for i in range(size)]
    Feedback.objects.bulk_create(
        Feedback(account=a, nps=i % 11, submitted_at=t, created_at=t, cause_kind=CauseKind.CUSTOMER)
        for i, (a, t) in enumerate(zip(accounts, moments, strict=True))
    )
    Task.objects.bulk_create(
        Task(
            account=a,
            title="Call",
            source=TaskSource.STAFF,
            status=TaskStatus.DONE,
            resolved_at=t,
            created_at=t,
            cause_kind=CauseKind.SYSTEM,
        )
        for a, t in zip(accounts, moments, strict=True)
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
        for i, (a, t) in enumerate(zip(accounts, moments, strict=True))
    )
    AccountEvent.objects.bulk_create(
        AccountEvent(
            account=a, kind=AccountEventKind.CANCELLED, created_at=t, cause_kind=CauseKind.API
        )
        for a, t in zip(accounts, moments, strict=True)
    )
    Message.objects.bulk_create(message(run, Channel.EMAIL) for _ in range(size))


def test_the_reports_page_query_count_does_not_grow_with_the_data(client, manager, frozen_time):
    client.force_login(manager)
    counts = []
    for offset, size in enumerate((10, 490)):
        fill(size, offset)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("reports:index"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], "\n".join(q["sql"] for q in queries)
    nps = report(client, "nps")["table"]
    assert sum(row[2] for row in nps.rows) == 500
    chart = json.loads(
        response.content.decode()
        .split('<script id="chart-nps" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert chart["data"]["datasets"][1]["data"] == [row[2] for row in nps.rows]
