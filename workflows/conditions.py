"""Testing a workflow's conditions against an account and its trigger's data.

Every test is recorded with the value it saw, so a run that did not happen
explains itself ("account.plan equals pro: saw free → no").
"""

import math
from typing import Any

from django.core.exceptions import ValidationError

from accounts.filters import SegmentInvalid, saved_filter_members
from accounts.models import Account, Segment
from health.selectors import computed_health_score

from .models import Condition, ConditionOperator
from .triggers import TriggerKind

ACCOUNT_FIELDS = (
    "plan",
    "lifecycle",
    "health_status",
    "happiness",
    "milestone",
    "score",
    "mrr",
    "timezone",
    "health_score",  # the computed health score (health.AccountHealth), empty before one
)
TAG_OPERATORS = {ConditionOperator.HAS_TAG, ConditionOperator.LACKS_TAG}
SEGMENT_OPERATORS = {ConditionOperator.IN_SEGMENT, ConditionOperator.NOT_IN_SEGMENT}


class Memberships:
    """Which accounts of a batch are in each segment the conditions name.

    One query per segment for the whole batch (the engine's matching is a batch of one;
    an enrollment tests a thousand accounts at a time), asked on first use and kept.
    A segment deleted, private or no longer valid is a reason, not a crash: its
    conditions fail and their decision says why.
    """

    def __init__(self, account_ids: list[int]) -> None:
        self.account_ids = account_ids
        self._members: dict[str, set[int] | str] = {}

    def of(self, slug: str) -> set[int] | str:
        """The batch's members of the segment `slug`, or why it cannot be tested."""
        if slug not in self._members:
            self._members[slug] = self._read(slug)
        return self._members[slug]

    def _read(self, slug: str) -> set[int] | str:
        segment = Segment.objects.filter(slug=slug, is_shared=True).first()
        if segment is None:
            return f"there is no shared segment {slug!r}"
        try:
            members = saved_filter_members(segment.filters)
        except SegmentInvalid as refusal:
            return f"segment {slug!r} no longer applies: {refusal.message}"
        return set(members.filter(pk__in=self.account_ids).values_list("pk", flat=True))


def evaluate(
    conditions: list[dict],
    *,
    account: Account,
    data: dict,
    tags: set[str],
    memberships: Memberships | None = None,
) -> tuple[bool, list[dict]]:
    """Whether all conditions hold, and one decision record per condition.

    `memberships` answers segment conditions for a batch the account is in (read for
    this account alone when not given).
    """
    decisions = []
    for condition in conditions:
        if condition.get("operator") in SEGMENT_OPERATORS and memberships is None:
            memberships = Memberships([account.pk])
        seen, passed = _test(
            condition, account=account, data=data, tags=tags, memberships=memberships
        )
        decisions.append({**condition, "seen": seen, "passed": passed})
    return all(d["passed"] for d in decisions), decisions


def _test(
    condition: dict,
    *,
    account: Account,
    data: dict,
    tags: set[str],
    memberships: Memberships | None,
) -> tuple[Any, bool]:
    operator, expected = condition["operator"], condition.get("value", "")
    if operator in SEGMENT_OPERATORS:
        members = memberships.of(expected)
        if isinstance(members, str):
            return members, False
        inside = account.pk in members
        seen = "in the segment" if inside else "not in the segment"
        return seen, inside if operator == ConditionOperator.IN_SEGMENT else not inside
    if operator in TAG_OPERATORS:
        present = expected.casefold() in tags
        return sorted(tags), present if operator == ConditionOperator.HAS_TAG else not present
    seen = _subject_value(condition["subject"], account, data)
    if operator == ConditionOperator.EQUALS:
        return seen, _text(seen) == expected
    if operator == ConditionOperator.NOT_EQUALS:
        return seen, _text(seen) != expected
    if operator == ConditionOperator.ONE_OF:
        return seen, _text(seen) in {part.strip() for part in expected.split(",")}
    try:
        number, bound = float(seen), float(expected)
    except (TypeError, ValueError):
        return seen, False
    return seen, number >= bound if operator == ConditionOperator.AT_LEAST else number <= bound


def _subject_value(subject: str, account: Account, data: dict) -> Any:
    scope, _, name = subject.partition(".")
    if scope == "data":
        return data_value(data, name)
    if name == "health_score":
        return computed_health_score(account)
    value = getattr(account, name)
    return str(value) if hasattr(value, "as_tuple") else value


def data_value(data: dict, name: str) -> Any:
    """`name` in the trigger's data; a dotted name reads inside it (`answers.nps`)."""
    value: Any = data
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str:
    return "" if value is None else str(value)


SUBJECT_LENGTH = Condition._meta.get_field("subject").max_length
VALUE_LENGTH = Condition._meta.get_field("value").max_length
COMPARISONS = {ConditionOperator.AT_LEAST, ConditionOperator.AT_MOST}


def validate(condition: dict, *, trigger: TriggerKind | None) -> None:
    """Refuse a condition that can never be evaluated (typo'd subject, missing value).

    A `data.<key>` subject must be one `trigger` carries (a key it lacks would
    always read as empty); with no trigger yet (none chosen, or an unknown one,
    refused elsewhere) only the shape is checked. A condition read from a file
    may be any JSON, so its shape is checked too.
    """
    if not isinstance(condition, dict) or not set(condition) <= {"subject", "operator", "value"}:
        raise ValidationError("A condition is an object with `subject`, `operator` and `value`.")
    operator = condition.get("operator")
    if not isinstance(operator, str) or operator not in ConditionOperator.values:
        raise ValidationError(f"Unknown operator {operator!r}.")
    for name, length in (("subject", SUBJECT_LENGTH), ("value", VALUE_LENGTH)):
        if not isinstance(condition.get(name, ""), str):
            raise ValidationError(f"`{name}` is text.")
        if len(condition.get(name, "")) > length:
            raise ValidationError(f"`{name}` is at most {length} characters.")
    if operator in TAG_OPERATORS:
        if not condition.get("value"):
            raise ValidationError("A tag condition needs the tag's name as its value.")
        return
    if operator in SEGMENT_OPERATORS:
        _validate_segment(condition.get("value", ""))
        return
    value = condition.get("value", "")
    if operator in COMPARISONS and not _is_number(value):
        raise ValidationError(f"`value` is a number to compare with, not {value!r}.")
    scope, _, name = (condition.get("subject") or "").partition(".")
    if scope == "data" and name:
        if trigger is not None and name.partition(".")[0] not in trigger.carries:
            raise ValidationError(
                f"The trigger “{trigger.name}” carries no `data.{name}`; " + _carried(trigger)
            )
        return
    if scope != "account" or name not in ACCOUNT_FIELDS:
        raise ValidationError(
            f"Unknown subject {condition.get('subject')!r}: use data.<key> or account."
            f"{{{','.join(ACCOUNT_FIELDS)}}}."
        )


def _validate_segment(slug: str) -> None:
    """A segment condition names a shared segment that applies now (a workflow is the
    team's: someone's private segment would change under it)."""
    if not slug:
        raise ValidationError("A segment condition needs the segment's slug as its value.")
    segment = Segment.objects.filter(slug=slug).first()
    if segment is None:
        raise ValidationError(f"There is no segment {slug!r} (see Accounts → Segments).")
    if not segment.is_shared:
        raise ValidationError(
            f"The segment “{segment.name}” is private: share it before a playbook tests it."
        )
    try:
        saved_filter_members(segment.filters)
    except SegmentInvalid as refusal:
        raise ValidationError(
            f"The segment “{segment.name}” no longer applies: {refusal.message}"
        ) from None


def _carried(trigger: TriggerKind) -> str:
    if not trigger.carries:
        return "it carries no data: test the account instead."
    return f"it carries {', '.join(f'data.{key}' for key in trigger.carries)}."


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False
