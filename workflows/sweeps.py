"""Time-based triggers: sweeps that find, in a few queries, everything now due.

Each sweep selects what is due with set-based queries (never a loop over all
accounts), inserts one TriggerEvent per due fact in bulk, and lets the engine
match them after commit. The event key names the fact and its window
(`<account>:<last login>` for an inactive spell, `<appointment>:<start>:day`
for a reminder …), and the events table is unique on it, so a sweep run
twice, or by two workers at once, records each fact once; a sweep that fails
half-way simply finds the rest next time. "Now" comes from core.clock.

Inside `only_for(account_ids)` every sweep looks at those accounts only: the
dry-run simulator (workflows.simulation) sweeps one account, not the book.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Account, Lifecycle
from activity.models import (
    Appointment,
    AppointmentStatus,
    Feature,
    FeatureSession,
    Task,
    TaskStatus,
)
from core import clock
from core.causes import Cause
from scoring.selectors import scoring_rules
from scoring.services import catch_up_milestones, record_milestones_reached

from .date_sweep import date_occurrences
from .models import SweepRules, TriggerEvent
from .recording import record_found, record_selected
from .triggers import BY_KEY
from .triggers.appointments import appointment_rows
from .triggers.dates import DATE_REACHED
from .triggers.tasks import task_rows

# How far back an overdue task or a missed reminder is still worth a notice
# (after an outage); older ones are left alone rather than sent late.
OVERDUE_LOOKBACK = timedelta(days=30)


_scope: ContextVar[tuple[int, ...] | None] = ContextVar("sweep_scope", default=None)


@contextmanager
def only_for(account_ids: list[int]) -> Iterator[None]:
    """Within this block (this thread only), the sweeps find what is due for these accounts."""
    token = _scope.set(tuple(account_ids))
    try:
        yield
    finally:
        _scope.reset(token)


def in_scope(queryset, field: str = "pk"):
    """`queryset` narrowed to the accounts in scope (all of them outside `only_for`)."""
    scope = _scope.get()
    return queryset if scope is None else queryset.filter(**{f"{field}__in": scope})


def sweep_rules() -> SweepRules:
    """The sweep rules row (created with defaults if missing)."""
    rules, _ = SweepRules.objects.get_or_create(pk=1)
    return rules


def _window(days: int) -> int:
    """Which `days`-long window "now" falls in (for keys that allow one event per window)."""
    return int(clock.now().timestamp() // (days * 86400))


def _active_accounts():
    return in_scope(Account.objects.filter(lifecycle=Lifecycle.ACTIVE))


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
    spells = (
        (pk, {"account_id": pk, "since": since, "last_login_at": last_login, "now": now})
        for pk, since, last_login in due
    )
    return record_found(BY_KEY["account_inactive"], spells, reason="inactivity sweep")


# --- c2: features not used ------------------------------------------------------


def unused_features() -> int:
    """c2: per feature, accounts that have not used it within its own timeframe.

    At most one nudge per account and feature per `feature_recheck_days`.
    One query per catalogued feature, whatever the number of accounts.
    """
    recheck = sweep_rules().feature_recheck_days
    now = clock.now()
    window = _window(recheck)
    kind = BY_KEY["feature_not_used"]
    recorded = 0
    features = list(Feature.objects.filter(is_active=True))
    for feature in _features_maybe_due(features, now=now, recheck=recheck):
        cutoff = now - timedelta(days=feature.not_used_days)
        sessions = FeatureSession.objects.filter(account=OuterRef("pk"), feature=feature)
        due = (
            _active_accounts()
            .filter(signed_up_at__lt=cutoff)
            .exclude(Exists(sessions.filter(started_at__gte=cutoff)))
            .exclude(_recent("feature_not_used", recheck, event_key__startswith=f"{feature.key}:"))
            .annotate(last_used=Subquery(sessions.order_by("-started_at").values("started_at")[:1]))
        )
        recorded += record_selected(
            kind,
            due,
            key=kind.event_key(feature=feature, window=window),
            data=kind.data(feature=feature, now=now),
            reason="unused-feature sweep",
        )
    return recorded


def _features_maybe_due(features: list[Feature], *, now, recheck: int) -> list[Feature]:
    """The features some account could be due a nudge for. Outside `only_for`, all of
    them (one INSERT each decides). Within it (a few accounts: the simulator's one, a
    sweep each virtual day), the same rule read for those accounts in three small
    queries, so a day with nothing due costs three queries, not one INSERT per feature;
    the INSERT of a feature that is due still decides what is recorded."""
    if _scope.get() is None:
        return features
    accounts = dict(_active_accounts().values_list("pk", "signed_up_at"))
    if not accounts:
        return []
    sessions = FeatureSession.objects.filter(account_id__in=accounts)
    last_used = {
        (row["account_id"], row["feature_id"]): row["last"]
        for row in sessions.values("account_id", "feature_id").annotate(last=Max("started_at"))
    }
    nudged = TriggerEvent.objects.filter(
        kind="feature_not_used",
        account_id__in=accounts,
        created_at__gte=now - timedelta(days=recheck),
    ).values_list("account_id", "event_key")
    nudged = list(nudged)
    due = []
    for feature in features:
        cutoff = now - timedelta(days=feature.not_used_days)
        for pk, signed_up_at in accounts.items():
            used = last_used.get((pk, feature.pk))
            if signed_up_at is None or signed_up_at >= cutoff or (used and used >= cutoff):
                continue
            if any(a == pk and key.startswith(f"{feature.key}:") for a, key in nudged):
                continue
            due.append(feature)
            break
    return due


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
    kind = BY_KEY["affiliate_qualified"]
    return record_selected(
        kind,
        due,
        key=kind.event_key(window=window),
        data=kind.data(threshold=threshold),
        reason="affiliate sweep",
    )


# --- g1: task deadlines -------------------------------------------------------------


def task_deadlines() -> int:
    """g1: open tasks due within `task_due_soon_hours`, and overdue ones: one notice each.

    The key carries the due time, so a task given a new deadline is warned
    again; a closed task is never.
    """
    hours = sweep_rules().task_due_soon_hours
    now = clock.now()
    open_tasks = task_rows(in_scope(Task.objects.filter(status=TaskStatus.OPEN), "account_id"))
    soon = open_tasks.filter(due_at__gt=now, due_at__lte=now + timedelta(hours=hours))
    overdue = open_tasks.filter(due_at__lte=now, due_at__gt=now - OVERDUE_LOOKBACK)
    return sum(
        record_found(
            BY_KEY[kind],
            ((task["account_id"], task) for task in tasks),
            reason="task deadline sweep",
        )
        for kind, tasks in (("task_due_soon", soon), ("task_overdue", overdue))
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
        due = appointment_rows(
            in_scope(
                Appointment.objects.filter(
                    status=AppointmentStatus.BOOKED,
                    starts_at__lte=now + reminder.lead,
                    starts_at__gt=now + reminder.until,
                ),
                "account_id",
            )
        )
        recorded += record_found(
            BY_KEY[reminder.kind],
            ((row["account_id"], row) for row in due),
            reason="appointment reminder sweep",
        )
    return recorded


# --- b3: milestone catch-up -----------------------------------------------------------


def milestone_catch_up() -> int:
    """b3: milestones a score passed without the scoring service (e.g. imports).

    Recorded, announced and triggered by the scoring service itself, exactly
    as if points had reached them (same event keys: nothing is announced twice).
    """
    cause = Cause.by_system("milestone catch-up")
    scope = _scope.get()
    if scope is None:
        return catch_up_milestones(cause=cause)
    with transaction.atomic():  # a handful of accounts: one batch, locked in id order
        locked = Account.objects.select_for_update().filter(pk__in=scope).order_by("pk")
        accounts = Account.objects.filter(pk__in=list(locked.values_list("pk", flat=True)))
        reached = record_milestones_reached(accounts=accounts, cause=cause)
    return sum(map(len, reached.values()))


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
    kind = BY_KEY["nps_due"]
    return record_selected(
        kind, due, key=kind.event_key(window=window), data=kind.data(), reason="NPS sweep"
    )


@dataclass(frozen=True)
class Sweep:
    name: str  # the django-q2 schedule's name
    run: Callable[[], int]
    minutes: int  # how often it runs
    kinds: tuple[str, ...]  # the trigger kinds it records (what a held backlog holds)
    # Its events are per workflow (the date sweep): each workflow's first run is guarded
    # against a flood as the sweep's own first run is (workflows.backlogs).
    per_workflow: bool = False

    @property
    def label(self) -> str:
        """The sweep as people call it: "Unused features"."""
        what = self.name.removeprefix("Sweep: ")
        return what[:1].upper() + what[1:]


SWEEPS = [
    Sweep(
        "Sweep: appointment reminders",
        appointment_reminders,
        5,
        tuple(reminder.kind for reminder in REMINDERS),
    ),
    Sweep("Sweep: task deadlines", task_deadlines, 5, ("task_due_soon", "task_overdue")),
    Sweep("Sweep: inactivity", inactive_accounts, 60, ("account_inactive",)),
    Sweep("Sweep: milestone catch-up", milestone_catch_up, 60, ("milestone_reached",)),
    Sweep("Sweep: unused features", unused_features, 24 * 60, ("feature_not_used",)),
    Sweep(
        "Sweep: affiliate qualification", affiliate_candidates, 24 * 60, ("affiliate_qualified",)
    ),
    Sweep("Sweep: NPS surveys", nps_due, 24 * 60, ("nps_due",)),
    Sweep("Sweep: dates on accounts", date_occurrences, 60, (DATE_REACHED,), per_workflow=True),
]
BY_FUNCTION = {sweep.run.__name__: sweep for sweep in SWEEPS}
