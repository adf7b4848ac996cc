"""The facts the reports count, each one queryset shared by the number and its drill-down.

A report's cell is "how many rows of this measure fall in this bucket of the
scope"; the drill-down list behind the cell is the same rows, listed. Both read
`Measure.rows` through `ReportScope.restrict` and the same bucket filter, so the
count on the list is the number that was clicked, by construction.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts.models import AccountEvent, AccountEventKind
from accounts.people import person_label
from activity.models import Feedback, Payment, PaymentStatus, Task, TaskStatus
from core.money import format_money
from notifications.models import Channel, Message, MessageStatus
from workflows.models import Run, Workflow

from .report_scope import ReportScope, month_key, month_label, next_month, team_zone

NONE = "none"  # the bucket of rows without an assignee


@dataclass(frozen=True)
class Measure:
    """One kind of fact a report counts: which rows, dated by which field, shown how."""

    key: str
    title: str  # the list's heading: "Payment failures"
    rows: Callable[[], QuerySet]
    date_field: str
    date_label: str  # the list's date column: "Failed at"
    detail: Callable[[object], str]  # what the list shows of one row, besides its account
    related: tuple[str, ...] = ()  # joined for the list's detail column


def _feedback(feedback: Feedback) -> str:
    comment = f" · “{feedback.comment}”" if feedback.comment else ""
    return f"Answered {feedback.nps}{comment}"


def _payment(payment: Payment) -> str:
    invoice = f" · invoice {payment.invoice_id}" if payment.invoice_id else ""
    return f"{format_money(payment.amount, payment.currency)} not collected{invoice}"


def _task(task: Task) -> str:
    who = person_label(task.assignee) if task.assignee else "Unassigned"
    return f"{task.title} · done by {who}"


def _message(message: Message) -> str:
    subject = f" · {message.subject}" if message.subject else ""
    return f"{Channel(message.channel).label}{subject}"


def _cancellation(event: AccountEvent) -> str:
    lost = (event.data or {}).get("mrr_lost")
    currency = event.account.currency
    return f"MRR lost {format_money(lost, currency)}" if lost else "Subscription cancelled"


def _invitation(message: Message) -> str:
    return f"Invited ({message.recipient})"


def _joined(event: AccountEvent) -> str:
    affiliate = (event.data or {}).get("affiliate_id")
    return f"Joined as affiliate {affiliate}" if affiliate else "Joined the affiliate programme"


# Playbook h1's invitation: sent, it is the start of an affiliate's recruitment.
AFFILIATE_INVITATION = "h1-affiliate-invitation"


def _feedback_rows(condition: Q) -> Callable[[], QuerySet]:
    return lambda: Feedback.objects.filter(condition)


# An NPS answer's group: the NPS report counts these and its cells list them.
NPS_GROUPS = {
    "nps-promoters": Q(nps__gte=9),
    "nps-passives": Q(nps__gte=7, nps__lte=8),
    "nps-detractors": Q(nps__lte=6),
}


MEASURES = {
    measure.key: measure
    for measure in [
        Measure(
            "nps-responses",
            "NPS answers",
            _feedback_rows(Q()),
            "submitted_at",
            "Answered at",
            _feedback,
        ),
        Measure(
            "nps-promoters",
            "NPS promoters (9–10)",
            _feedback_rows(NPS_GROUPS["nps-promoters"]),
            "submitted_at",
            "Answered at",
            _feedback,
        ),
        Measure(
            "nps-passives",
            "NPS passives (7–8)",
            _feedback_rows(NPS_GROUPS["nps-passives"]),
            "submitted_at",
            "Answered at",
            _feedback,
        ),
        Measure(
            "nps-detractors",
            "NPS detractors (0–6)",
            _feedback_rows(NPS_GROUPS["nps-detractors"]),
            "submitted_at",
            "Answered at",
            _feedback,
        ),
        Measure(
            "tasks-done",
            "Tasks completed",
            lambda: Task.objects.filter(status=TaskStatus.DONE),
            "resolved_at",
            "Done at",
            _task,
            ("assignee",),
        ),
        Measure(
            "messages-sent",
            "Messages sent by playbooks",
            lambda: Message.objects.filter(status=MessageStatus.SENT, cause_run_id__isnull=False),
            "sent_at",
            "Sent at",
            _message,
        ),
        Measure(
            "payment-failures",
            "Payment failures",
            lambda: Payment.objects.filter(status=PaymentStatus.FAILED),
            "occurred_at",
            "Failed at",
            _payment,
        ),
        Measure(
            "churned",
            "Cancelled subscriptions",
            lambda: AccountEvent.objects.filter(kind=AccountEventKind.CANCELLED),
            "created_at",
            "Cancelled at",
            _cancellation,
        ),
        Measure(
            "affiliate-invited",
            "Invited to the affiliate programme",
            lambda: Message.objects.filter(
                status=MessageStatus.SENT, template__key=AFFILIATE_INVITATION
            ),
            "sent_at",
            "Invited at",
            _invitation,
        ),
        Measure(
            "affiliate-joined",
            "Joined the affiliate programme",
            lambda: AccountEvent.objects.filter(kind=AccountEventKind.AFFILIATE_JOINED),
            "created_at",
            "Joined at",
            _joined,
        ),
    ]
}


# --- buckets: which part of a measure one cell counts -----------------------------


class BadBucket(ValueError):
    """A drill-down link's bucket that names no month, person, playbook or channel here."""


def _month(value: str, scope: ReportScope) -> datetime:
    try:
        year, month = (int(part) for part in value.split("-"))
        start = datetime(year, month, 1, tzinfo=team_zone())
    except ValueError:
        raise BadBucket("That is not a month (YYYY-MM).") from None
    if month_key(start) != value or start not in scope.months():
        raise BadBucket("That month is not in the report's period.")
    return start


def _id(value: str, what: str) -> int:
    if not value.isdigit():
        raise BadBucket(f"That is not a {what}.")
    return int(value)


def cell_rows(measure: Measure, params, scope: ReportScope) -> tuple[QuerySet, list[str]]:
    """The rows behind one cell, and the words that name the cell ("Sep 2025", "E-mail").

    The measure restricted to the scope and to the link's bucket: `month`
    (YYYY-MM), `assignee` (a user id or "none"), `workflow` (an id), `channel`.
    Raises BadBucket for a bucket the reports do not link to.
    """
    rows = scope.restrict(measure.rows(), measure.date_field)
    labels = []
    if params.get("month"):
        start = _month(params["month"], scope)
        field = measure.date_field
        rows = rows.filter(**{f"{field}__gte": start, f"{field}__lt": next_month(start)})
        labels.append(month_label(start))
    if params.get("assignee") == NONE:
        rows = rows.filter(assignee__isnull=True)
        labels.append("Unassigned")
    elif params.get("assignee"):
        pk = _id(params["assignee"], "person")
        rows = rows.filter(assignee_id=pk)
        user = get_user_model().objects.filter(pk=pk).first()
        labels.append(person_label(user) if user else "(deleted user)")
    if params.get("workflow"):
        pk = _id(params["workflow"], "playbook")
        rows = rows.filter(cause_run_id__in=Run.objects.filter(workflow_id=pk).values("pk"))
        name = Workflow.objects.filter(pk=pk).values_list("name", flat=True).first()
        labels.append(name or "(deleted playbook)")
    if params.get("channel"):
        if params["channel"] not in Channel.values:
            raise BadBucket("That is not a channel.")
        rows = rows.filter(channel=params["channel"])
        labels.append(Channel(params["channel"]).label)
    return rows, labels
