"""N days before or after a date on the account: the trigger's parameters, key and data.

A workflow with this trigger names, in its `trigger_params`, which date (the renewal
date, the sign-up anniversary, or a custom date attribute), how many days before or
after it, and its late-joiner policy. The date sweep (workflows.date_sweep) records one
event per workflow, account and date occurrence, so each starts that one workflow only.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.core.exceptions import ValidationError

from .kind import Data

DATE_REACHED = "date_reached"

RENEWAL = "renewal_date"  # Account.renewal_date (the live subscription's period end)
ANNIVERSARY = "signup_anniversary"  # each yearly return of the sign-up day
CUSTOM = "date:"  # + a DateAttribute's key (accounts.AccountDate)
BUILT_IN = {RENEWAL: "Renewal date", ANNIVERSARY: "Sign-up anniversary"}

BEFORE, AFTER = "before", "after"
DIRECTIONS = {BEFORE: "before", AFTER: "after"}
MAX_DAYS = 365

# What an account whose trigger day had already passed when it entered gets (see
# workflows.schedule and the README's "Date-relative triggers").
SKIP, LATEST, ALL = "skip", "latest", "all"
LATE_POLICIES = {
    SKIP: "Skip past steps",
    LATEST: "Run the latest past step only",
    ALL: "Run all past steps",
}
PARAMS = ("field", "days", "direction", "late_joiners")


class DateReached(TypedDict):
    playbook: str  # the key of the one workflow this event starts
    field: str  # renewal_date, signup_anniversary or date:<key>
    field_label: str  # "Renewal date", "Go-live"
    date: str  # the account's date for this occurrence (ISO), e.g. its renewal day
    anchor: str  # the trigger day: `date` ∓ `days` (ISO)
    days: int
    direction: str  # before / after
    late: bool  # the trigger day had passed when the account entered (the policy applies)


def occurrence_key(fact: Data) -> str:
    """One per workflow, account, date field and date: the database refuses a second."""
    return (
        f"date:{fact['workflow_id']}:{fact['account_id']}:{fact['field']}:"
        f"{fact['date'].isoformat()}"
    )


def reached(fact: Data) -> DateReached:
    return {
        "playbook": fact["playbook"],
        "field": fact["field"],
        "field_label": fact["field_label"],
        "date": fact["date"].isoformat(),
        "anchor": fact["anchor"].isoformat(),
        "days": fact["days"],
        "direction": fact["direction"],
        "late": fact["late"],
    }


def field_choices() -> list[tuple[str, str]]:
    """Every date a trigger can name: the built-in ones and each custom date attribute."""
    from accounts.models import DateAttribute

    custom = [
        (f"{CUSTOM}{key}", label)
        for key, label in DateAttribute.objects.values_list("key", "label")
    ]
    return [*BUILT_IN.items(), *custom]


def field_label(field: str) -> str:
    """The date's name in words ("" for an unknown one)."""
    return dict(field_choices()).get(field, "")


def params_errors(params: Any) -> list[str]:
    """Why these trigger parameters cannot run (none: they can), in words a manager reads."""
    if not isinstance(params, dict):
        return ["The date trigger's parameters are an object with field, days, direction."]
    errors = []
    unknown = sorted(set(params) - set(PARAMS))
    if unknown:
        errors.append(f"Unknown trigger parameters: {', '.join(unknown)}.")
    field = params.get("field")
    if not isinstance(field, str) or not field:
        errors.append(
            "Choose which date: the renewal date, the sign-up anniversary or a custom date."
        )
    elif field not in dict(field_choices()):
        errors.append(
            f"Unknown date field {field!r}: choose the renewal date, the sign-up anniversary "
            "or a custom date defined under Date attributes."
        )
    days = params.get("days")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        errors.append(f"The days are a whole number from 0 to {MAX_DAYS} (not {days!r}).")
    if params.get("direction") not in DIRECTIONS:
        errors.append("Say whether the trigger is before or after the date.")
    if params.get("late_joiners", SKIP) not in LATE_POLICIES:
        errors.append(
            "The late-joiner policy is one of: " + ", ".join(LATE_POLICIES.values()) + "."
        )
    return errors


def validate_params(params: Any) -> None:
    """Refuse parameters that could not run (an unknown field, negative days …)."""
    errors = params_errors(params)
    if errors:
        raise ValidationError(errors, code="invalid_trigger_params")


def describe(params: dict) -> str:
    """The trigger in words: "30 days before the Renewal date (late joiners: …)"."""
    what = field_label(params.get("field", "")) or params.get("field", "?")
    days, direction = params.get("days", 0), DIRECTIONS.get(params.get("direction"), "?")
    when = (
        f"On the {what}" if days == 0 else f"{days} day{'s' * (days != 1)} {direction} the {what}"
    )
    policy = LATE_POLICIES.get(params.get("late_joiners", SKIP), "")
    return f"{when} (late joiners: {policy.lower()})"
