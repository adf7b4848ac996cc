"""Staff reports: NPS, tasks completed, messages per playbook, payment failures and churn,
affiliate recruitment.

Each report is a table (columns, rows, and a drill-down link per number)
computed with one or two aggregate queries over the scope (a date range, an
owner's book, a plan), whatever the data size; the page draws it as a
Chart.js chart (its configuration passed with json_script) and
/reports/<key>.csv serves the same rows. Every count is a `Measure` of
report_measures.py, counted here and listed by the drill-down, so the list
behind a number has exactly that many rows. Months are the team's
(settings.TIME_ZONE).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import TruncMonth
from django.urls import reverse

from notifications.models import Channel
from workflows.models import Run

from .report_measures import MEASURES, NONE, NPS_GROUPS
from .report_scope import ReportScope, month_key, month_label, team_zone

# Chart.js colours (Bootstrap's palette), one per data series.
COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997"]


@dataclass(frozen=True)
class Table:
    """A report's numbers: what the chart draws and the CSV holds, and where each number leads.

    `links[i][j]` is the drill-down of `rows[i][j]` (None for labels and zeros). A number
    is the count of the rows its link lists, except in `scores` (NPS: a score of them).
    """

    columns: list[str]
    rows: list[list]
    links: list[list[str | None]] = field(default_factory=list)
    scores: frozenset[int] = frozenset()

    def cells(self) -> list[list[tuple]]:
        """(value, link, is a count) per cell, for the page's table."""
        return [
            [
                (value, link, j not in self.scores)
                for j, (value, link) in enumerate(zip(row, links, strict=True))
            ]
            for row, links in zip(self.rows, self.links, strict=True)
        ]


def drill_url(measure: str, scope: ReportScope, **bucket: str) -> str:
    """The list of the rows behind one number: `measure` in `scope` and `bucket`."""
    query = urlencode({**scope.query(), **bucket})
    return f"{reverse('reports:rows', args=[measure])}?{query}"


def _link(value, measure: str, scope: ReportScope, **bucket: str) -> str | None:
    return drill_url(measure, scope, **bucket) if value else None


def _per_month(queryset, field: str, **counts) -> dict[str, dict]:
    """One grouped query: `counts` per team month of `field`, keyed "YYYY-MM"."""
    rows = (
        queryset.annotate(month=TruncMonth(field, tzinfo=team_zone()))
        .values("month")
        .annotate(**counts)
        .order_by("month")
    )
    return {month_key(row["month"].astimezone(team_zone())): row for row in rows}


def _counted(scope: ReportScope, key: str):
    measure = MEASURES[key]
    return scope.restrict(measure.rows(), measure.date_field), measure.date_field


def nps_by_month(scope: ReportScope) -> Table:
    """NPS = % promoters (9–10) − % detractors (0–6) of each month's answers."""
    answers, date_field = _counted(scope, "nps-responses")
    groups = {key.removeprefix("nps-"): Count("id", filter=q) for key, q in NPS_GROUPS.items()}
    found = _per_month(answers, date_field, responses=Count("id"), **groups)
    # The NPS score opens its month's answers, like the Responses next to it.
    measures = ["nps-responses", "nps-responses", *NPS_GROUPS]
    rows, links = [], []
    for month in scope.months():
        key = month_key(month)
        row = found.get(key, {})
        total = row.get("responses", 0)
        counts = [row.get(group, 0) for group in ("promoters", "passives", "detractors")]
        score = round(100 * (counts[0] - counts[2]) / total) if total else None
        rows.append([month_label(month), score, total, *counts])
        links.append(
            [None]
            + [
                _link(value, measure, scope, month=key)
                for value, measure in zip([total, total, *counts], measures, strict=True)
            ]
        )
    columns = ["Month", "NPS", "Responses", "Promoters", "Passives", "Detractors"]
    return Table(columns, rows, links, scores=frozenset({1}))


def tasks_completed_per_csm(scope: ReportScope) -> Table:
    """Tasks marked done in the period, per assignee, most first."""
    done, _ = _counted(scope, "tasks-done")
    found = (
        done.values(
            "assignee_id", "assignee__username", "assignee__first_name", "assignee__last_name"
        )
        .annotate(done=Count("id"))
        .order_by("-done", "assignee__username")
    )
    rows, links = [], []
    for row in found:
        rows.append([_person(row), row["done"]])
        assignee = str(row["assignee_id"]) if row["assignee_id"] else NONE
        links.append([None, _link(row["done"], "tasks-done", scope, assignee=assignee)])
    return Table(["CSM", "Tasks completed"], rows, links)


def _person(row: dict) -> str:
    if row["assignee_id"] is None:
        return "Unassigned"
    name = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
    return name or row["assignee__username"]


def messages_per_playbook(scope: ReportScope) -> Table:
    """Messages sent in the period, per workflow whose run caused them, per channel."""
    sent, _ = _counted(scope, "messages-sent")
    run = Run.objects.filter(pk=OuterRef("cause_run_id")).order_by()
    found = (
        sent.annotate(
            workflow_id=Subquery(run.values("workflow_id")[:1]),
            workflow_name=Subquery(run.values("workflow__name")[:1], output_field=CharField()),
        )
        .values("workflow_id", "workflow_name", "channel")
        .annotate(sent=Count("id"))
        .order_by("workflow_id", "channel")
    )
    per_workflow: dict[tuple, dict[str, int]] = {}
    for row in found:
        workflow = (row["workflow_id"], row["workflow_name"] or "(deleted workflow)")
        per_workflow.setdefault(workflow, {})[row["channel"]] = row["sent"]
    lines = []
    for (workflow_id, name), counts in per_workflow.items():
        values = [counts.get(c, 0) for c in Channel.values]
        total = sum(values)
        # A deleted workflow's messages cannot be found again by its runs: no link.
        bucket = {"workflow": str(workflow_id)} if workflow_id else None
        link_row = [None]
        for channel, value in zip(Channel.values, values, strict=True):
            link_row.append(
                _link(value, "messages-sent", scope, **bucket, channel=channel) if bucket else None
            )
        link_row.append(_link(total, "messages-sent", scope, **bucket) if bucket else None)
        lines.append(([name, *values, total], link_row))
    lines.sort(key=lambda line: (-line[0][-1], line[0][0]))
    return Table(
        ["Playbook", *Channel.labels, "Total"],
        [row for row, _ in lines],
        [link_row for _, link_row in lines],
    )


def failures_and_churn_by_month(scope: ReportScope) -> Table:
    """Failed payments and cancelled subscriptions per month."""
    failures = _per_month(*_counted(scope, "payment-failures"), n=Count("id"))
    churn = _per_month(*_counted(scope, "churned"), n=Count("id"))
    rows, links = [], []
    for month in scope.months():
        key = month_key(month)
        failed = failures.get(key, {}).get("n", 0)
        churned = churn.get(key, {}).get("n", 0)
        rows.append([month_label(month), failed, churned])
        links.append(
            [
                None,
                _link(failed, "payment-failures", scope, month=key),
                _link(churned, "churned", scope, month=key),
            ]
        )
    return Table(["Month", "Payment failures", "Churned accounts"], rows, links)


def affiliate_recruitment_by_month(scope: ReportScope) -> Table:
    """Affiliate invitations sent (playbook h1) and joins reported (affiliate.joined) per
    month, and the invited → joined rate: joins ÷ invitations of the month, in %."""
    invited = _per_month(*_counted(scope, "affiliate-invited"), n=Count("id"))
    joined = _per_month(*_counted(scope, "affiliate-joined"), n=Count("id"))
    rows, links = [], []
    for month in scope.months():
        key = month_key(month)
        sent = invited.get(key, {}).get("n", 0)
        joins = joined.get(key, {}).get("n", 0)
        rows.append([month_label(month), sent, joins, round(100 * joins / sent) if sent else None])
        links.append(
            [
                None,
                _link(sent, "affiliate-invited", scope, month=key),
                _link(joins, "affiliate-joined", scope, month=key),
                None,
            ]
        )
    columns = ["Month", "Invited", "Joined", "Joined of invited (%)"]
    return Table(columns, rows, links, scores=frozenset({3}))


def _affiliate_chart(table: Table) -> dict:
    return _chart(
        "bar",
        table,
        [
            _dataset(table, 1, 0, yAxisID="people", order=1),
            _dataset(table, 2, 2, yAxisID="people", order=1),
            _dataset(table, 3, 3, type="line", yAxisID="rate", spanGaps=True, order=0),
        ],
        [1, 2, 3],
        scales={
            "people": {"position": "left", "beginAtZero": True},
            "rate": {
                "position": "right",
                "min": 0,
                "max": 100,
                "grid": {"drawOnChartArea": False},
                "title": {"display": True, "text": "% joined"},
            },
        },
    )


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


def _chart(kind: str, table: Table, datasets: list[dict], columns: list[int], **options) -> dict:
    """Chart.js's configuration, plus `links`: each drawn point's drill-down (charts.js
    opens it on a click), one list per dataset like `data`."""
    return {
        "type": kind,
        "data": {"labels": [row[0] for row in table.rows], "datasets": datasets},
        "options": {"responsive": True, "maintainAspectRatio": False, **options},
        "links": [[links[c] for links in table.links] for c in columns],
    }


def _nps_chart(table: Table) -> dict:
    return _chart(
        "bar",
        table,
        [
            _dataset(table, 1, 0, type="line", yAxisID="nps", spanGaps=True, order=0),
            _dataset(table, 2, 5, yAxisID="responses", order=1),
        ],
        [1, 2],
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
            list(columns),
            indexAxis="y" if horizontal else "x",
            scales=scales,
        )

    return chart


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    description: str
    table: Callable[[ReportScope], Table]
    chart: Callable[[Table], dict]


REPORTS = [
    Report(
        "nps",
        "NPS over time",
        "Net promoter score and answers per month.",
        nps_by_month,
        _nps_chart,
    ),
    Report(
        "tasks-completed",
        "Tasks completed per CSM",
        "Tasks marked done in the period, by assignee.",
        tasks_completed_per_csm,
        _bar_chart(horizontal=True),
    ),
    Report(
        "messages-sent",
        "Messages sent per playbook",
        "Messages the outbox sent in the period, by the workflow that caused them.",
        messages_per_playbook,
        # The last column (Total) is the stack's height already.
        _bar_chart(stacked=True, horizontal=True),
    ),
    Report(
        "payment-failures-churn",
        "Payment failures and churn",
        "Failed payments and cancelled subscriptions per month.",
        failures_and_churn_by_month,
        _bar_chart(),
    ),
    Report(
        "affiliate-recruitment",
        "Affiliate recruitment",
        "Invitations sent (playbook h1), joins reported by the product, and the rate.",
        affiliate_recruitment_by_month,
        _affiliate_chart,
    ),
]
BY_KEY = {report.key: report for report in REPORTS}
