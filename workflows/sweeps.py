"""Time-based triggers: sweeps that find, in a few queries, everything now due.

Each sweep selects what is due with set-based queries (never a loop over all
accounts), inserts one TriggerEvent per due fact in bulk, and lets the engine
match them after commit. The event key names the fact and its window
(`<account>:<last login>` for an inactive spell, `<appointment>:<start>:day`
for a reminder …), and the events table is unique on it, so a sweep run
twice, or by two workers at once, records each fact once; a sweep that fails
half-way simply finds the rest next time. "Now" comes from core.clock.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject

from accounts.models import Account, Lifecycle
from activity.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Feature,
    FeatureSession,
    Task,
    TaskStatus,
)
from core import clock
from core.bulk import insert_rows, insert_selected
from core.causes import Cause
from core.expressions import JSONBoolean, WholeDaysBetween
from core.queue import enqueue_once_on_commit
from scoring.selectors import scoring_rules
from scoring.services import catch_up_milestones

from .engine import PENDING_TASK
from .models import SweepRules, TriggerEvent

# How far back an overdue task or a missed reminder is still worth a notice
# (after an outage); older ones are left alone rather than sent late.
OVERDUE_LOOKBACK = timedelta(days=30)


def sweep_rules() -> SweepRules:
    """The sweep rules row (created with defaults if missing)."""
    rules, _ = SweepRules.objects.get_or_create(pk=1)
    return rules


def _record(kind: str, due: Iterable[tuple[int, str, dict]], reason: str) -> int:
    """Insert one event per (account id, event key, data); returns how many were new.

    One statement for everything due (executemany), whatever the number of
    accounts: a key already recorded, by an earlier run or a concurrent
    sweep, is skipped by the events' unique constraint.
    """
    cause = Cause.by_system(reason).as_fields()
    now = clock.now()
    rows = (
        {"kind": kind, "account": account_id, "event_key": key, "data": data, "created_at": now}
        | cause
        for account_id, key, data in due
    )
    new = insert_rows(TriggerEvent, rows, skip_conflicts=True)
    if new:
        enqueue_once_on_commit(PENDING_TASK)
    return new


def _record_due(kind: str, due: QuerySet[Account], *, key, data, reason: str) -> int:
    """Insert one event per due account in one statement; returns how many were new.

    `key` and `data` are SQL expressions over the account row, so however
    many accounts are due, nothing is read into Python (INSERT … SELECT). A
    key already recorded is skipped by the events' unique constraint.
    """
    cause = Cause.by_system(reason)
    new = insert_selected(
        TriggerEvent,
        due,
        {
            "kind": Value(kind),
            "account": F("pk"),
            "event_key": key,
            "data": data,
            "created_at": Value(clock.now(), output_field=DateTimeField()),
            **{
                name: Value(value, output_field=TriggerEvent._meta.get_field(name))
                for name, value in cause.as_fields().items()
                if value is not None  # the rest are NULL
            },
        },
    )
    if new:
        enqueue_once_on_commit(PENDING_TASK)
    return new


def _pk_key(prefix: str = "", suffix: str = "") -> Concat:
    """An event key `<prefix><account id><suffix>`, in SQL."""
    parts = [Value(prefix)] if prefix else []
    parts += [Cast("pk", CharField()), Value(suffix)]
    return Concat(*parts, output_field=CharField())


def _window(days: int) -> int:
    """Which `days`-long window "now" falls in (for keys that allow one event per window)."""
    return int(clock.now().timestamp() // (days * 86400))


def _active_accounts():
    return Account.objects.filter(lifecycle=Lifecycle.ACTIVE)


def _recent(kind: str, days: int, **match) -> Exists:
    """An event of `kind` for the outer account within the last `days` days."""
    return Exists(
        TriggerEvent.objects.filter(
            kind=kind,
            account=OuterRef("pk"),
            created_at__gte=clock.now() - timedelta(days=days),
            **match,
        )
    )


# --- d1: inactivity -----------------------------------------------------------


def inactive_accounts() -> int:
    """d1: accounts with no login for `inactivity_days`, once per inactive spell.

    A spell starts at the last login (or sign-up) and is due `inactivity_days`
    later; a report made since it became due means this spell was reported.
    (A late-arriving login that happened before an earlier report starts a
    spell of its own, reported in turn.)
    """
    days = sweep_rules().inactivity_days
    now = clock.now()
    cutoff = now - timedelta(days=days)
    reported = Exists(
        TriggerEvent.objects.filter(
            kind="account_inactive", account=OuterRef("pk"), created_at__gte=OuterRef("due_from")
        )
    )
    due = (
        _active_accounts()
        .annotate(since=Coalesce("last_login_at", "signed_up_at"))
        .annotate(
            due_from=ExpressionWrapper(
                F("since") + timedelta(days=days), output_field=DateTimeField()
            )
        )
        .filter(since__lt=cutoff)
        .exclude(reported)
        .values_list("pk", "since", "last_login_at")
    )
    return _record(
        "account_inactive",
        (
            (
                pk,
                f"{pk}:{since.isoformat()}",
                # Never logged in: the spell counts from sign-up, and the e-mail says so.
                {"days_inactive": (now - since).days, "never_logged_in": last_login is None},
            )
            for pk, since, last_login in due
        ),
        "inactivity sweep",
    )


# --- c2: features not used ------------------------------------------------------


def unused_features() -> int:
    """c2: per feature, accounts that have not used it within its own timeframe.

    At most one nudge per account and feature per `feature_recheck_days`.
    One query per catalogued feature, whatever the number of accounts.
    """
    recheck = sweep_rules().feature_recheck_days
    now = clock.now()
    window = _window(recheck)
    recorded = 0
    for feature in Feature.objects.filter(is_active=True):
        cutoff = now - timedelta(days=feature.not_used_days)
        sessions = FeatureSession.objects.filter(account=OuterRef("pk"), feature=feature)
        due = (
            _active_accounts()
            .filter(signed_up_at__lt=cutoff)
            .exclude(Exists(sessions.filter(started_at__gte=cutoff)))
            .exclude(_recent("feature_not_used", recheck, event_key__startswith=f"{feature.key}:"))
            .annotate(last_used=Subquery(sessions.order_by("-started_at").values("started_at")[:1]))
        )
        recorded += _record_due(
            "feature_not_used",
            due,
            key=_pk_key(f"{feature.key}:", f":{window}"),
            data=JSONObject(
                feature_key=Value(feature.key),
                feature_name=Value(feature.name),
                days_unused=WholeDaysBetween(
                    Value(now, output_field=DateTimeField()),
                    Coalesce("last_used", "signed_up_at"),
                ),
                never_used=JSONBoolean(Q(last_used__isnull=True)),
            ),
            reason="unused-feature sweep",
        )
    return recorded


# --- h1: affiliate qualification --------------------------------------------------


def affiliate_candidates() -> int:
    """h1: accounts at or above the affiliate threshold, once per `affiliate_recheck_days`."""
    recheck = sweep_rules().affiliate_recheck_days
    threshold = scoring_rules().affiliate_threshold
    window = _window(recheck)
    due = (
        _active_accounts()
        .filter(score__gte=threshold)
        .exclude(_recent("affiliate_qualified", recheck))
    )
    return _record_due(
        "affiliate_qualified",
        due,
        key=_pk_key(suffix=f":{window}"),
        data=JSONObject(score=F("score"), threshold=Value(threshold)),
        reason="affiliate sweep",
    )


# --- g1: task deadlines -------------------------------------------------------------


def _task_data(task: dict) -> dict:
    return {
        "task_id": task["pk"],
        "task_title": task["title"],
        "priority": task["priority"],
        "source": task["source"],
        "due_at": clock.format_local(task["due_at"]),
        "assignee_id": task["assignee_id"],
        "assignee_name": " ".join(
            filter(None, [task["assignee__first_name"], task["assignee__last_name"]])
        ),
    }


def task_deadlines() -> int:
    """g1: open tasks due within `task_due_soon_hours`, and overdue ones: one notice each.

    The key carries the due time, so a task given a new deadline is warned
    again; a closed task is never.
    """
    hours = sweep_rules().task_due_soon_hours
    now = clock.now()
    fields = (
        "pk",
        "account_id",
        "title",
        "priority",
        "source",
        "due_at",
        "assignee_id",
        "assignee__first_name",
        "assignee__last_name",
    )
    open_tasks = Task.objects.filter(status=TaskStatus.OPEN)
    soon = open_tasks.filter(due_at__gt=now, due_at__lte=now + timedelta(hours=hours))
    overdue = open_tasks.filter(due_at__lte=now, due_at__gt=now - OVERDUE_LOOKBACK)

    def events(tasks, suffix):
        for task in tasks.values(*fields):
            stamp = int(task["due_at"].timestamp())
            yield task["account_id"], f"{task['pk']}:{stamp}:{suffix}", _task_data(task)

    return _record("task_due_soon", events(soon, "soon"), "task deadline sweep") + _record(
        "task_overdue", events(overdue, "overdue"), "task deadline sweep"
    )


# --- f1: appointment reminders ------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    kind: str  # trigger kind
    lead: timedelta  # how long before the start it is due
    until: timedelta  # … and until how long before the start it is still worth sending


REMINDERS = [
    # Within 12 hours of the start a "tomorrow" reminder is no longer one: the hour one does.
    Reminder("appointment_reminder_day", timedelta(days=1), timedelta(hours=12)),
    Reminder("appointment_reminder_hour", timedelta(hours=1), timedelta(0)),
]


def appointment_reminders() -> int:
    """f1: reminders 1 day and 1 hour before each booked appointment.

    The key carries the start time, so a rescheduled appointment gets fresh
    reminders; a cancelled one is no longer `booked` and gets none. A booking
    made 3 hours ahead gets the hour reminder only.
    """
    now = clock.now()
    recorded = 0
    for reminder in REMINDERS:
        due = (
            Appointment.objects.filter(
                status=AppointmentStatus.BOOKED,
                starts_at__lte=now + reminder.lead,
                starts_at__gt=now + reminder.until,
            )
            .annotate(
                account_timezone=F("account__timezone"),
                contact_name=F("contact__name"),
                assignee_first=F("assignee__first_name"),
                assignee_last=F("assignee__last_name"),
            )
            .values(
                "pk",
                "account_id",
                "kind",
                "starts_at",
                "external_id",
                "assignee_id",
                "account_timezone",
                "contact_name",
                "assignee_first",
                "assignee_last",
            )
        )
        recorded += _record(
            reminder.kind,
            (
                (
                    row["account_id"],
                    f"{row['pk']}:{int(row['starts_at'].timestamp())}",
                    _appointment_data(row),
                )
                for row in due
            ),
            "appointment reminder sweep",
        )
    return recorded


def _appointment_data(row: dict) -> dict:
    return {
        "appointment_id": row["pk"],
        "appointment_kind": AppointmentKind(row["kind"]).label,
        # In the customer's own timezone when the account has one.
        "starts_at": clock.format_local(row["starts_at"], row["account_timezone"]),
        "assignee_id": row["assignee_id"],
        "staff_name": " ".join(filter(None, [row["assignee_first"], row["assignee_last"]])),
        "contact_name": row["contact_name"] or "",
        "reschedule_url": settings.RESCHEDULE_URL.format(
            appointment=row["pk"], external_id=row["external_id"] or row["pk"]
        ),
    }


# --- b3: milestone catch-up -----------------------------------------------------------


def milestone_catch_up() -> int:
    """b3: milestones a score passed without the scoring service (e.g. imports).

    Recorded, announced and triggered by the scoring service itself, exactly
    as if points had reached them (same event keys: nothing is announced twice).
    """
    return catch_up_milestones(cause=Cause.by_system("milestone catch-up"))


# --- periodic outreach ---------------------------------------------------------------


def nps_due() -> int:
    """Ask every active account for an NPS answer every `nps_every_days`."""
    every = sweep_rules().nps_every_days
    window = _window(every)
    due = (
        _active_accounts()
        .filter(signed_up_at__lt=clock.now() - timedelta(days=every))
        .exclude(_recent("nps_due", every))
    )
    return _record_due(
        "nps_due",
        due,
        key=_pk_key(suffix=f":{window}"),
        data=Value({}, output_field=JSONField()),
        reason="NPS sweep",
    )


@dataclass(frozen=True)
class Sweep:
    name: str  # the django-q2 schedule's name
    run: Callable[[], int]
    minutes: int  # how often it runs


SWEEPS = [
    Sweep("Sweep: appointment reminders", appointment_reminders, 5),
    Sweep("Sweep: task deadlines", task_deadlines, 5),
    Sweep("Sweep: inactivity", inactive_accounts, 60),
    Sweep("Sweep: milestone catch-up", milestone_catch_up, 60),
    Sweep("Sweep: unused features", unused_features, 24 * 60),
    Sweep("Sweep: affiliate qualification", affiliate_candidates, 24 * 60),
    Sweep("Sweep: NPS surveys", nps_due, 24 * 60),
]
BY_FUNCTION = {sweep.run.__name__: sweep for sweep in SWEEPS}
