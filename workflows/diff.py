"""Two definitions of a workflow compared, in words a manager reads before publishing.

A definition is what services.snapshot gives (trigger, trigger_params, conditions,
steps, goal). Steps are compared list by list, path by path (a decision's paths, a
wait-for's "happened" and "timed out"): each list is aligned like lines of text
(difflib), and a step replaced by one of the same kind is "changed" with the
parameters that differ, so moving one step shows as one removal and one addition,
not as every later step changed. The review page and the versions page both read it.
"""

import difflib
import json
from dataclasses import dataclass

from accounts.models import Account

from . import listeners, paths
from .actions import ACTIONS
from .conditions import ACCOUNT_FIELDS
from .models import ConditionOperator
from .triggers import BY_KEY

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# The editor's operator labels, without its typing hints ("is one of (comma-separated)").
OPERATORS = {key: label.split(" (")[0] for key, label in ConditionOperator.choices}
# A branching step's parameters that hold steps (shown as their own paths).


@dataclass(frozen=True)
class Change:
    """One difference: what kind, and the sentence that says it."""

    kind: str  # added / removed / changed
    text: str


def compare(old: dict | None, new: dict) -> list[Change]:
    """What changes from `old` to `new` ([] when they are the same; everything added
    when there is no `old`)."""
    old = old or {"trigger": "", "trigger_params": {}, "conditions": [], "steps": [], "goal": {}}
    changes = []
    if old.get("trigger") != new.get("trigger"):
        was = trigger_name(old.get("trigger")) or "none"
        changes.append(Change(CHANGED, f"Trigger: {was} → {trigger_name(new.get('trigger'))}."))
    changes += _params_changes(
        "Trigger settings", old.get("trigger_params") or {}, new.get("trigger_params") or {}
    )
    changes += _condition_changes(
        "Condition", old.get("conditions") or [], new.get("conditions") or []
    )
    old_goal, new_goal = old.get("goal") or {}, new.get("goal") or {}
    if old_goal != new_goal:
        was = listeners.describe(old_goal) if old_goal else "none"
        now = listeners.describe(new_goal) if new_goal else "none"
        changes.append(Change(CHANGED, f"Goal: {was} → {now}."))
    changes += _step_changes(old.get("steps") or [], new.get("steps") or [], prefix=())
    return changes


def trigger_name(key: str | None) -> str:
    """The trigger's name as the editor shows it ("" for none)."""
    if not key:
        return ""
    kind = BY_KEY.get(key)
    return f"“{kind.name}”" if kind else f"“{key}”"


def condition_text(condition: dict) -> str:
    """A condition in words, with the editor's labels: "Plan equals Pro", "To status
    equals Struggling", "has the tag VIP"."""
    operator = OPERATORS.get(condition.get("operator"), condition.get("operator"))
    subject = condition.get("subject") or ""
    value = _condition_value(subject, condition.get("value", ""))
    return " ".join(part for part in (_subject_label(subject), operator, value) if part)


def _subject_label(subject: str) -> str:
    """ "account.health_status" → "Health status"; "data.to_status" → "To status"."""
    scope, _, name = subject.partition(".")
    if scope == "account" and name in ACCOUNT_FIELDS:
        field = Account._meta.get_field(name) if name != "health_score" else None
        return str(field.verbose_name).capitalize() if field else "Health score (computed)"
    if scope == "data" and name:
        return name.replace("_", " ").capitalize()
    return subject


def _choices_of(subject: str) -> dict[str, str]:
    """The labels of the values an account field takes, for a subject naming it (a
    trigger's `to_status` names the health status)."""
    scope, _, name = subject.partition(".")
    if scope == "data":
        name = name.removeprefix("from_").removeprefix("to_")
    for field_name in ACCOUNT_FIELDS:
        if field_name == name or (scope == "data" and field_name.endswith(f"_{name}")):
            choices = getattr(Account._meta.get_field(field_name), "choices", None) or []
            return {str(value): str(label) for value, label in choices}
    return {}


def _condition_value(subject: str, value: object) -> str:
    """A condition's value as the editor's suggestions show it ("pro, business" → "Pro,
    Business"); a value no field knows stays as typed."""
    text = _value(value) if not isinstance(value, str) else value
    labels = _choices_of(subject) if subject else {}
    if not labels:
        return text
    return ", ".join(labels.get(part.strip(), part.strip()) for part in text.split(","))


def step_text(step: dict) -> str:
    """A step in words: its kind and its own parameters ("Send e-mail (template a1-welcome)")."""
    action = step.get("action")
    label = _label(step)
    own = paths.own_params(step)
    if action == paths.DECISION:
        names = [p.get("name") or f"path {n}" for n, p in enumerate(own.get("paths", []), 1)]
        return f"{label} ({', '.join([*names, 'otherwise'])})"
    if not own:
        return label
    return f"{label} ({', '.join(f'{k} {_value(v)}' for k, v in own.items())})"


def _step_changes(old: list, new: list, *, prefix: paths.Path) -> list[Change]:
    """The differences between two lists of steps at `prefix` (() for the top level)."""
    changes = []
    matcher = difflib.SequenceMatcher(
        a=[_signature(s) for s in old], b=[_signature(s) for s in new], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(pairs):
            changes += _changed_step(old[i1 + offset], new[j1 + offset], (*prefix, j1 + offset))
        for index in range(i1 + pairs, i2):
            path = (*prefix, index)
            changes.append(Change(REMOVED, f"{_where(path)} removed: {step_text(old[index])}."))
        for index in range(j1 + pairs, j2):
            path = (*prefix, index)
            changes.append(Change(ADDED, f"{_where(path)} added: {step_text(new[index])}."))
    return changes


def _changed_step(old: dict, new: dict, path: paths.Path) -> list[Change]:
    """One step replaced by another at `path`: the same kind with other parameters, or
    a different kind altogether."""
    where = _where(path)
    if old.get("action") != new.get("action"):
        return [Change(CHANGED, f"{where}: {step_text(old)} → {step_text(new)}.")]
    changes = []
    if new.get("action") == paths.DECISION:
        changes += _decision_changes(old, new, where)
    else:
        changes += _params_changes(
            f"{where} ({_label(new)})", paths.own_params(old), paths.own_params(new)
        )
    old_branches, new_branches = paths.branches(old), paths.branches(new)
    for branch in range(len(new_branches)):
        before = old_branches[branch] if branch < len(old_branches) else []
        changes += _step_changes(before, new_branches[branch], prefix=(*path, branch))
    return changes


def _decision_changes(old: dict, new: dict, where: str) -> list[Change]:
    """A decision's paths: added, removed, renamed, or with other conditions."""
    before = paths.own_params(old).get("paths", [])
    after = paths.own_params(new).get("paths", [])
    changes = []
    for number in range(max(len(before), len(after))):
        was = before[number] if number < len(before) else None
        now = after[number] if number < len(after) else None
        label = f"{where}, path {number + 1}"
        if was is None:
            changes.append(Change(ADDED, f"{label} added: “{now.get('name', '')}”."))
            continue
        if now is None:
            changes.append(Change(REMOVED, f"{label} removed: “{was.get('name', '')}”."))
            continue
        if was.get("name") != now.get("name"):
            changes.append(
                Change(CHANGED, f"{label}: renamed “{was.get('name')}” → “{now.get('name')}”.")
            )
        changes += _condition_changes(
            f"{label} condition", was.get("conditions") or [], now.get("conditions") or []
        )
    return changes


def _condition_changes(label: str, old: list, new: list) -> list[Change]:
    """Conditions removed and added (a changed one is both: conditions have no order).
    They are compared as stored: two subjects may read alike ("Plan" of the account and
    of the trigger's data)."""
    old_keys = [_signature(c) for c in old]
    new_keys = [_signature(c) for c in new]
    changes = [
        Change(REMOVED, f"{label} removed: {condition_text(c)}.")
        for c, key in zip(old, old_keys, strict=True)
        if key not in new_keys
    ]
    changes += [
        Change(ADDED, f"{label} added: {condition_text(c)}.")
        for c, key in zip(new, new_keys, strict=True)
        if key not in old_keys
    ]
    return changes


def _params_changes(label: str, old: dict, new: dict) -> list[Change]:
    """Parameters with another value, one sentence for all of them."""
    parts = []
    for key in list(old) + [k for k in new if k not in old]:
        if key in old and key in new and old[key] == new[key]:
            continue
        was = _value(old[key]) if key in old else "none"
        now = _value(new[key]) if key in new else "none"
        parts.append(f"{key} {was} → {now}")
    return [Change(CHANGED, f"{label}: {'; '.join(parts)}.")] if parts else []


def _label(step: dict) -> str:
    action = step.get("action")
    return ACTIONS[action].label if action in ACTIONS else str(action)


def _signature(step: dict) -> str:
    return json.dumps(step, sort_keys=True, default=str)


def _where(path: paths.Path) -> str:
    return f"Step {paths.label(path)}"


def _value(value: object) -> str:
    if isinstance(value, str):
        return value or "(empty)"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value) if value else "(none)"  # tags to replace: "Thriving, Healthy"
    return json.dumps(value, sort_keys=True, default=str)
