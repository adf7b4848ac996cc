"""What publishing a draft would do: "N accounts would enter today, M messages would be
queued, K runs in flight stay on version v".

Set-based: a day of the draft's trigger is read from the last 24 hours of its trigger
events (a time-based trigger's are what its sweeps found), its conditions are turned
into one SQL filter (condition_q: the same tests as workflows.conditions, so the figures
agree with what matching would decide), and the messages its first steps queue are
counted path by path with one aggregate, up to the first wait (later steps are not
today's). Three queries in all, whatever the number of accounts.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.db.models.lookups import GreaterThanOrEqual, In, LessThanOrEqual, Regex

from accounts.filters import SegmentInvalid, saved_filter_members
from accounts.models import AccountTag, Segment
from core import clock
from health.models import AccountHealth

from . import conditions, paths
from .actions import WAIT
from .matching import ONE_PLAYBOOK
from .models import IN_FLIGHT, ConditionOperator, Run, TriggerEvent, Workflow

DAY = timedelta(hours=24)
CUSTOMER_MESSAGES = {"send_email", "send_sms"}
STAFF_ALERTS = {"notify_staff"}
NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
NOTHING = Q(pk__in=[])
NUMERIC_FIELDS = {"score", "mrr"}


@dataclass(frozen=True)
class Impact:
    """The review page's figures."""

    events: int  # trigger events in the last 24 hours
    accounts: int  # distinct accounts whose events pass the draft's conditions
    messages: int  # customer e-mails and SMS its steps would queue before a wait
    alerts: int  # staff alerts likewise
    in_flight: list[tuple[int, int]]  # (version number, runs in flight on it)


def preview(workflow: Workflow, definition: dict) -> Impact:
    """The impact of publishing `definition` as `workflow`'s version now."""
    events = day_of_events(workflow, definition["trigger"])
    entering = events.filter(conditions_q(definition["conditions"]))
    counted = _counted_steps(definition["steps"], Q())
    totals = events.aggregate(
        events=Count("pk"),
        **{
            f"step_{index}": Count("pk", filter=conditions_q(definition["conditions"]) & q)
            for index, (_, q) in enumerate(counted)
        },
    )
    messages = alerts = 0
    for index, (action, _) in enumerate(counted):
        if action in CUSTOMER_MESSAGES:
            messages += totals[f"step_{index}"]
        else:
            alerts += totals[f"step_{index}"]
    return Impact(
        events=totals["events"],
        accounts=entering.values("account_id").distinct().count(),
        messages=messages,
        alerts=alerts,
        in_flight=runs_in_flight(workflow),
    )


def day_of_events(workflow: Workflow, trigger: str):
    """The last 24 hours' events of `trigger` that would start this workflow."""
    events = TriggerEvent.objects.filter(kind=trigger, created_at__gte=clock.now() - DAY)
    if trigger in ONE_PLAYBOOK:
        events = events.filter(data__playbook=workflow.key)
    return events


def runs_in_flight(workflow: Workflow) -> list[tuple[int, int]]:
    """(version number, how many of its runs are queued, running or waiting), oldest first."""
    rows = (
        Run.objects.filter(workflow=workflow, status__in=IN_FLIGHT)
        .values("version__number")
        .annotate(runs=Count("pk"))
        .order_by("version__number")
    )
    return [(row["version__number"], row["runs"]) for row in rows]


def _counted_steps(steps: list, reach: Q) -> list[tuple[str, Q]]:
    """The message steps the runs reach before their first wait, each with the filter of
    the events whose runs reach it (a decision's path i: its conditions and no earlier
    path's)."""
    counted, _ = _walk(steps, reach)
    return counted


def _walk(steps: list, reach: Q | None) -> tuple[list[tuple[str, Q]], Q | None]:
    """(the counted steps of `steps`, the filter of the runs that get past their end
    today; None when every run waits)."""
    counted = []
    for spec in steps:
        if reach is None:
            break
        action = spec.get("action")
        if action in CUSTOMER_MESSAGES | STAFF_ALERTS:
            counted.append((action, reach))
        elif action in {WAIT, paths.WAIT_FOR}:
            return counted, None
        elif action == paths.DECISION:
            counted_here, reach = _decision(spec, reach)
            counted += counted_here
    return counted, reach


def _decision(spec: dict, reach: Q) -> tuple[list[tuple[str, Q]], Q | None]:
    """A decision's paths, each reached by its conditions and no earlier path's."""
    options = spec["params"].get("paths", [])
    counted, past, earlier = [], [], Q()
    branches = paths.branches(spec)
    for index, branch in enumerate(branches):
        if index < len(options):
            own = conditions_q(options[index].get("conditions") or [])
            taken = reach & own & ~earlier if earlier else reach & own
            earlier = earlier | own if earlier else own
        else:  # otherwise
            taken = reach & ~earlier if earlier else reach
        found, through = _walk(branch, taken)
        counted += found
        if through is not None:
            past.append(through)
    if not past:
        return counted, None
    joined = past[0]
    for through in past[1:]:
        joined |= through
    return counted, joined


def conditions_q(rules: list[dict]) -> Q:
    """The filter on trigger events for "all these conditions hold" (Q() for none)."""
    found = Q()
    for rule in rules:
        found &= condition_q(rule)
    return found


def condition_q(rule: dict) -> Q:
    """One condition as a filter on trigger events, as workflows.conditions tests it:
    text equality of the value seen ("" for none), numbers compared only when the value
    is a number, tags by name whatever the case, segments by their live members."""
    operator, expected = rule["operator"], rule.get("value", "")
    if operator in conditions.TAG_OPERATORS:
        tagged = Exists(
            AccountTag.objects.filter(account=OuterRef("account_id"), tag__name__iexact=expected)
        )
        return Q(tagged) if operator == ConditionOperator.HAS_TAG else ~Q(tagged)
    if operator in conditions.SEGMENT_OPERATORS:
        members = _segment_members(expected)
        if members is None:
            return NOTHING
        inside = Q(account_id__in=members.values("pk"))
        return inside if operator == ConditionOperator.IN_SEGMENT else ~inside
    text, number, missing = _subject(rule["subject"])
    if operator in {ConditionOperator.EQUALS, ConditionOperator.NOT_EQUALS}:
        equal = _text_in(text, missing, [expected])
        if operator == ConditionOperator.EQUALS:
            return equal
        # SQL's NOT of a comparison with null is null: no value is "not equal" here.
        return ~equal if expected == "" else ~equal | missing
    if operator == ConditionOperator.ONE_OF:
        return _text_in(text, missing, [part.strip() for part in expected.split(",")])
    bound = float(expected)
    if operator == ConditionOperator.AT_LEAST:
        return Q(GreaterThanOrEqual(number, bound))
    return Q(LessThanOrEqual(number, bound))


def _subject(subject: str) -> tuple:
    """The subject's value as text (as Python's str() writes it), as a number (null when
    it is not one), and the filter for "it has no value"."""
    scope, _, name = subject.partition(".")
    if scope == "data":
        return _data_subject(name)
    if name == "health_score":
        score = AccountHealth.objects.filter(account_id=OuterRef("account_id"))
        value = Subquery(score.values("score")[:1])
        return Cast(value, CharField()), Cast(value, FloatField()), ~Q(Exists(score))
    column = F(f"account__{name}")
    missing = Q(**{f"account__{name}__isnull": True})
    if name in NUMERIC_FIELDS:
        return Cast(column, CharField()), Cast(column, FloatField()), missing
    text = Cast(column, CharField())
    return text, _as_number(text), missing


def _data_subject(name: str) -> tuple:
    """A key of the trigger's data: JSON null or absent is no value; true and false read
    as Python writes them; the rest as its text (the databases differ on all three)."""
    missing = Q(**{f"data__{name}": None}) | Q(**{f"data__{name}__isnull": True})
    raw = Cast(KeyTextTransform(name, "data"), CharField())
    text = Case(
        When(missing, then=None),
        When(Q(**{f"data__{name}": True}), then=Value("True")),
        When(Q(**{f"data__{name}": False}), then=Value("False")),
        default=raw,
        output_field=CharField(),
    )
    return text, _as_number(text), missing


def _as_number(text):
    """The text as a number where it reads as one (the engine's float(), without its
    errors), else null."""
    return Case(When(Regex(text, NUMBER), then=Cast(text, FloatField())), default=None)


def _text_in(text, missing: Q, values: list[str]) -> Q:
    """The subject's text is one of `values`; "" also stands for no value at all."""
    found = Q(In(text, values))
    if "" in values:
        found |= missing
    return found


def _segment_members(slug: str):
    segment = Segment.objects.filter(slug=slug, is_shared=True).first()
    if segment is None:
        return None
    try:
        return saved_filter_members(segment.filters)
    except SegmentInvalid:
        return None
