"""Staff reports: NPS, tasks completed, messages per playbook, payment failures and churn.

Each report is a table (columns and rows) computed with one or two aggregate
queries, whatever the data size; the page draws it as a Chart.js chart (its
configuration passed with json_script) and /reports/<key>.csv serves the same
rows. Months are the team's (settings.TIME_ZONE).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import CharField, Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import AccountEvent, AccountEventKind
from activity.models import Feedback, Payment, PaymentStatus, Task, TaskStatus
from core import clock
from core.csv_export import csv_response
from notifications.models import Channel, Message, MessageStatus
from workflows.models import Run

MONTHS = 12  # monthly reports cover this many months, the current one included
WINDOW_DAYS = 90  # tasks and messages: the last this many days
# Chart.js colours (Bootstrap's palette), one per data series.
COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997"]


@dataclass(frozen=True)
class Table:
    """A report's numbers: what the chart draws and the CSV holds."""

    columns: list[str]
    rows: list[list]


def team_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_starts(now: datetime, count: int = MONTHS) -> list[datetime]:
    """The first instants of the last `count` months in the team's timezone, oldest first."""
    local = now.astimezone(team_zone())
    index = local.year * 12 + local.month - 1
    return [
        datetime(i // 12, i % 12 + 1, 1, tzinfo=team_zone())
        for i in range(index - count + 1, index + 1)
    ]


def _label(month: datetime) -> str:
    return month.astimezone(team_zone()).strftime("%Y-%m")


def _per_month(queryset, field: str, **counts) -> dict[str, dict]:
    """One grouped query: `counts` per team month of `field`, keyed "YYYY-MM"."""
    rows = (
        queryset.annotate(month=TruncMonth(field, tzinfo=team_zone()))
        .values("month")
        .annotate(**counts)
        .order_by("month")
    )
    return {_label(row["month"]): row for row in rows}


def nps_by_month(now: datetime) -> Table:
    """NPS = % promoters (9–10) − % detractors (0–6) of each month's answers."""
    months = month_starts(now)
    found = _per_month(
        Feedback.objects.filter(submitted_at__gte=months[0]),
        "submitted_at",
        responses=Count("id"),
        promoters=Count("id", filter=Q(nps__gte=9)),
        detractors=Count("id", filter=Q(nps__lte=6)),
    )
    rows = []
    for label in map(_label, months):
        row = found.get(label, {"responses": 0, "promoters": 0, "detractors": 0})
        total, promoters, detractors = row["responses"], row["promoters"], row["detractors"]
        score = round(100 * (promoters - detractors) / total) if total else None
        rows.append([label, score, total, promoters, total - promoters - detractors, detractors])
    return Table(["Month", "NPS", "Responses", "Promoters", "Passives", "Detractors"], rows)


def tasks_completed_per_csm(now: datetime) -> Table:
    """Tasks marked done in the last WINDOW_DAYS, per assignee, most first."""
    rows = (
        Task.objects.filter(status=TaskStatus.DONE, resolved_at__gte=now - timedelta(WINDOW_DAYS))
        .values("assignee_id", "assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(done=Count("id"))
        .order_by("-done", "assignee__username")
    )
    return Table(
        ["CSM", "Tasks completed"],
        [[_person(row), row["done"]] for row in rows],
    )


def _person(row: dict) -> str:
    if row["assignee_id"] is None:
        return "Unassigned"
    name = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
    return name or row["assignee__username"]


def messages_per_playbook(now: datetime) -> Table:
    """Messages sent in the last WINDOW_DAYS, per workflow whose run caused them, per channel."""
    run = Run.objects.filter(pk=OuterRef("cause_run_id")).order_by()
    rows = (
        Message.objects.filter(
            status=MessageStatus.SENT,
            cause_run_id__isnull=False,
            sent_at__gte=now - timedelta(WINDOW_DAYS),
        )
        .annotate(
            workflow_id=Subquery(run.values("workflow_id")[:1]),
            workflow_name=Subquery(run.values("workflow__name")[:1], output_field=CharField()),
        )
        .values("workflow_id", "workflow_name", "channel")
        .annotate(sent=Count("id"))
        .order_by("workflow_id", "channel")
    )
    per_workflow: dict[tuple, dict[str, int]] = {}
    for row in rows:
        workflow = (row["workflow_id"], row["workflow_name"] or "(deleted workflow)")
        per_workflow.setdefault(workflow, {})[row["channel"]] = row["sent"]
    table = [
        [name, *(counts.get(c, 0) for c in Channel.values), sum(counts.values())]
        for (_, name), counts in per_workflow.items()
    ]
    table.sort(key=lambda row: (-row[-1], row[0]))
    return Table(["Playbook", *Channel.labels, "Total"], table)


def failures_and_churn_by_month(now: datetime) -> Table:
    """Failed payments and cancelled subscriptions per month."""
    months = month_starts(now)
    failures = _per_month(
        Payment.objects.filter(status=PaymentStatus.FAILED, occurred_at__gte=months[0]),
        "occurred_at",
        n=Count("id"),
    )
    churn = _per_month(
        AccountEvent.objects.filter(kind=AccountEventKind.CANCELLED, created_at__gte=months[0]),
        "created_at",
        n=Count("id"),
    )
    rows = [
        [label, failures.get(label, {}).get("n", 0), churn.get(label, {}).get("n", 0)]
        for label in map(_label, months)
    ]
    return Table(["Month", "Payment failures", "Churned accounts"], rows)


# --- charts -------------------------------------------------------------------


def _dataset(table: Table, column: int, index: int, **extra) -> dict:
    colour = COLOURS[index % len(COLOURS)]
    return {
        "label": table.columns[column],
        "data": [row[column] for row in table.rows],
        "backgroundColor": colour,
        "borderColor": colour,
        **extra,
    }


def _chart(kind: str, table: Table, datasets: list[dict], **options) -> dict:
    return {
        "type": kind,
        "data": {"labels": [row[0] for row in table.rows], "datasets": datasets},
        "options": {"responsive": True, "maintainAspectRatio": False, **options},
    }


def _nps_chart(table: Table) -> dict:
    return _chart(
        "bar",
        table,
        [
            _dataset(table, 1, 0, type="line", yAxisID="nps", spanGaps=True, order=0),
            _dataset(table, 2, 5, yAxisID="responses", order=1),
        ],
        scales={
            "nps": {
                "position": "left",
                "min": -100,
                "max": 100,
                "title": {"display": True, "text": "NPS"},
            },
            "responses": {
                "position": "right",
                "beginAtZero": True,
                "grid": {"drawOnChartArea": False},
                "title": {"display": True, "text": "Responses"},
            },
        },
    )


def _bar_chart(*, stacked: bool = False, horizontal: bool = False) -> Callable[[Table], dict]:
    def chart(table: Table) -> dict:
        columns = range(1, len(table.columns) - 1) if stacked else range(1, len(table.columns))
        scales = {"x": {"stacked": stacked}, "y": {"stacked": stacked, "beginAtZero": True}}
        if horizontal:
            scales = {"x": {"stacked": stacked, "beginAtZero": True}, "y": {"stacked": stacked}}
        return _chart(
            "bar",
            table,
            [_dataset(table, c, i) for i, c in enumerate(columns)],
            indexAxis="y" if horizontal else "x",
            scales=scales,
        )

    return chart


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    description: str
    table: Callable[[datetime], Table]
    chart: Callable[[Table], dict]


REPORTS = [
    Report(
        "nps",
        "NPS over time",
        f"Net promoter score and answers per month, last {MONTHS} months.",
        nps_by_month,
        _nps_chart,
    ),
    Report(
        "tasks-completed",
        "Tasks completed per CSM",
        f"Tasks marked done in the last {WINDOW_DAYS} days, by assignee.",
        tasks_completed_per_csm,
        _bar_chart(horizontal=True),
    ),
    Report(
        "messages-sent",
        "Messages sent per playbook",
        f"Messages the outbox sent in the last {WINDOW_DAYS} days, by the workflow that "
        "caused them.",
        messages_per_playbook,
        # The last column (Total) is the stack's height already.
        _bar_chart(stacked=True, horizontal=True),
    ),
    Report(
        "payment-failures-churn",
        "Payment failures and churn",
        f"Failed payments and cancelled subscriptions per month, last {MONTHS} months.",
        failures_and_churn_by_month,
        _bar_chart(),
    ),
]
BY_KEY = {report.key: report for report in REPORTS}


# --- views --------------------------------------------------------------------


@login_required
@permission_required("activity.view_payment", raise_exception=True)
def index(request: HttpRequest) -> HttpResponse:
    """Every report as a chart with its numbers and a CSV link."""
    now = clock.now()
    reports = []
    for report in REPORTS:
        table = report.table(now)
        reports.append(
            {
                "report": report,
                "table": table,
                "chart": report.chart(table),
                "element_id": f"chart-{report.key}",
            }
        )
    return render(request, "insights/reports.html", {"reports": reports})


@login_required
@permission_required("activity.view_payment", raise_exception=True)
def report_csv(request: HttpRequest, key: str) -> HttpResponse:
    """One report's numbers as CSV, the same the chart draws."""
    report = BY_KEY.get(key)
    if report is None:
        raise Http404
    table = report.table(clock.now())
    return csv_response(filename=f"{key}.csv", header=table.columns, rows=table.rows)
