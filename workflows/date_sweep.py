"""The date sweep: "N days before/after a date on the account", for every such workflow.

Per published workflow with the date trigger (workflows.triggers.dates), one query finds
every active account with an occurrence of its date that is current today and not yet
recorded, and one INSERT records them; the key names the workflow, the account, the date
field and the date, and trigger_event_once keeps each occurrence once, however often the
sweep runs and on however many workers.

An occurrence of a date D is current from its trigger day (D ∓ the days) until the later
of D itself and the day the playbook's last top-level step is due (the trigger day plus
its waits): a late joiner can still enter while some of it lies ahead, or, for "before"
triggers, until the date. Its days are the team's calendar days (TIME_ZONE), so "today"
turns at local midnight, DST or not. A sign-up anniversary recurs yearly (an account
that signed up on 29 February has it on 28 February in other years); a renewal date or
a custom date is one occurrence per value (a renewal date that moves to the next period
is a new one; one moved by a few days within the same window is not).

An occurrence found after its trigger day had passed (by more than GRACE: a missed sweep
is not lateness), or whose trigger day was before the account entered OpenCSM or before
the workflow first had this trigger, is `late`: the run starts where the workflow's
late-joiner policy says (workflows.schedule). Workflows that are off are swept too:
their events start nothing, and switching them on reports them (workflows.switching).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.db.models import CharField, Exists, Min, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, ExtractDay, ExtractMonth

from accounts.models import Account, AccountDate, DateAttribute, Lifecycle
from core import clock

from .actions import WAIT
from .actions.wait import delay
from .models import TriggerEvent, Workflow
from .recording import record_found
from .schedule import team_zone
from .triggers import BY_KEY
from .triggers.dates import (
    AFTER,
    ANNIVERSARY,
    BUILT_IN,
    CUSTOM,
    DATE_REACHED,
    RENEWAL,
    params_errors,
)

logger = logging.getLogger(__name__)

# A trigger day this recent is on time when first found (the sweep runs hourly; a day's
# outage is not a late joiner).
GRACE = timedelta(days=1)
# An anniversary recurs yearly: an occurrence window is at most this wide.
LONGEST_WINDOW = timedelta(days=364)


def today() -> date:
    """The team's calendar day now."""
    return clock.now().astimezone(team_zone()).date()


def date_occurrences() -> int:
    """Record every current, unrecorded date occurrence of every date-triggered workflow;
    how many were new. Two queries per workflow (find, insert), whatever the book's size."""
    now_day = today()
    labels = dict(BUILT_IN) | {
        f"{CUSTOM}{key}": label for key, label in DateAttribute.objects.values_list("key", "label")
    }
    workflows = (
        Workflow.objects.filter(current_version__trigger=DATE_REACHED)
        .select_related("current_version")
        .annotate(armed_at=Min("versions__created_at", filter=Q(versions__trigger=DATE_REACHED)))
    )
    recorded = 0
    for workflow in workflows:
        params = workflow.current_version.trigger_params or {}
        if params_errors(params):  # published before its field was deleted, say
            logger.warning("Workflow %s: its date trigger cannot run: %s", workflow.key, params)
            continue
        facts = _occurrences(workflow, params, labels, now_day)
        recorded += record_found(BY_KEY[DATE_REACHED], facts, reason="date sweep")
    return recorded


def window(params: dict, steps: list, now_day: date) -> tuple[date, date]:
    """The dates D whose occurrence is current on `now_day`: (earliest, latest)."""
    sign = 1 if params["direction"] == AFTER else -1
    span = sum((delay(s.get("params") or {}) for s in steps if _is_wait(s)), timedelta(0))
    span_days = math.ceil(span / timedelta(days=1))
    anchor_offset = sign * params["days"]  # trigger day = D + anchor_offset
    end_offset = max(anchor_offset + span_days, 0)  # last day current = D + end_offset
    earliest, latest = now_day - timedelta(days=end_offset), now_day - timedelta(anchor_offset)
    if params["field"] == ANNIVERSARY:
        earliest = max(earliest, latest - LONGEST_WINDOW)
    return earliest, latest


def _occurrences(
    workflow: Workflow, params: dict, labels: dict[str, str], now_day: date
) -> Iterator[tuple[int, dict]]:
    """(account id, fact) for each current occurrence of the workflow's date not recorded."""
    version = workflow.current_version
    earliest, latest = window(params, version.steps, now_day)
    field = params["field"]
    recorded = _recorded(workflow, field, earliest, latest, "pk")
    # Imported here: workflows.sweeps lists this sweep among its own. Inside the simulator's
    # `sweeps.only_for`, the dates of the simulated account only.
    from .sweeps import in_scope

    accounts = in_scope(Account.objects.filter(lifecycle=Lifecycle.ACTIVE))
    if field == RENEWAL:
        rows = (
            (pk, renewal, created)
            for pk, renewal, created in accounts.filter(renewal_date__range=(earliest, latest))
            .exclude(recorded)
            .values_list("pk", "renewal_date", "created_at")
        )
    elif field == ANNIVERSARY:
        rows = _anniversaries(accounts, recorded, earliest, latest)
    else:
        rows = (
            AccountDate.objects.filter(
                attribute__key=field.removeprefix(CUSTOM),
                value__range=(earliest, latest),
                account__lifecycle=Lifecycle.ACTIVE,
            )
            .exclude(_recorded(workflow, field, earliest, latest, "account_id"))
            .values_list("account_id", "value", "account__created_at")
        )
    entered_by = _local_day(workflow.armed_at or version.created_at)
    sign = 1 if params["direction"] == AFTER else -1
    for account_id, day, created_at in rows:
        anchor = day + timedelta(days=sign * params["days"])
        late = anchor < max(now_day - GRACE, _local_day(created_at), entered_by)
        yield (
            account_id,
            {
                "workflow_id": workflow.pk,
                "playbook": workflow.key,
                "account_id": account_id,
                "field": field,
                "field_label": labels.get(field, field),
                "date": day,
                "anchor": anchor,
                "days": params["days"],
                "direction": params["direction"],
                "late": late,
            },
        )


def _anniversaries(accounts, recorded: Exists, earliest: date, latest: date):
    """(account id, anniversary, created) for sign-ups whose anniversary falls in the window."""
    days_by_month_day: dict[int, date] = {}
    day = earliest
    while day <= latest:
        days_by_month_day[day.month * 100 + day.day] = day
        if (day.month, day.day) == (2, 28) and not _is_leap(day.year):
            days_by_month_day[229] = day  # 29 February's anniversary in other years
        day += timedelta(days=1)
    zone = team_zone()
    found = (
        accounts.annotate(
            month_day=ExtractMonth("signed_up_at", tzinfo=zone) * 100
            + ExtractDay("signed_up_at", tzinfo=zone)
        )
        .filter(month_day__in=sorted(days_by_month_day), signed_up_at__lt=_start_of(latest))
        .exclude(recorded)
        .values_list("pk", "month_day", "signed_up_at", "created_at")
    )
    for pk, month_day, signed_up_at, created_at in found:
        anniversary = days_by_month_day[month_day]
        if anniversary.year > _local_day(signed_up_at).year:  # the sign-up day itself is not one
            yield pk, anniversary, created_at


def _recorded(workflow: Workflow, field: str, earliest: date, latest: date, column: str):
    """An occurrence of the workflow's date in the window is recorded for the outer row's
    account (`column`): a range over trigger_event_once's keys, ISO dates sorting as days."""

    def key(day: date) -> Concat:
        return Concat(
            Value(f"date:{workflow.pk}:"),
            Cast(OuterRef(column), CharField()),
            Value(f":{field}:{day.isoformat()}"),
            output_field=CharField(),
        )

    return Exists(
        TriggerEvent.objects.filter(
            kind=DATE_REACHED, event_key__gte=key(earliest), event_key__lte=key(latest)
        )
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=team_zone())


def _local_day(moment: datetime) -> date:
    return moment.astimezone(team_zone()).date()


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _is_wait(spec: object) -> bool:
    return isinstance(spec, dict) and spec.get("action") == WAIT
