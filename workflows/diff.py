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

from . import listeners, paths
from .actions import ACTIONS
from .models import ConditionOperator
from .triggers import BY_KEY

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
OPERATORS = dict(ConditionOperator.choices)
# A branching step's parameters that hold steps (shown as their own paths).
NESTED = {"otherwise", "happened", "timed_out"}


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
    """A condition in words: "account.plan equals pro", "has the tag VIP"."""
    operator = OPERATORS.get(condition.get("operator"), condition.get("operator"))
    subject = condition.get("subject") or ""
    return " ".join(part for part in (subject, operator, condition.get("value", "")) if part)


def step_text(step: dict) -> str:
    """A step in words: its kind and its own parameters ("Send e-mail (template a1-welcome)")."""
    action = step.get("action")
    label = _label(step)
    own = _own_params(step)
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
        changes += _params_changes(f"{where} ({_label(new)})", _own_params(old), _own_params(new))
    old_branches, new_branches = paths.branches(old), paths.branches(new)
    for branch in range(len(new_branches)):
        before = old_branches[branch] if branch < len(old_branches) else []
        changes += _step_changes(before, new_branches[branch], prefix=(*path, branch))
    return changes


def _decision_changes(old: dict, new: dict, where: str) -> list[Change]:
    """A decision's paths: added, removed, renamed, or with other conditions."""
    before = _own_params(old).get("paths", [])
    after = _own_params(new).get("paths", [])
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
    """Conditions removed and added (a changed one is both: conditions have no order)."""
    old_texts = [condition_text(c) for c in old]
    new_texts = [condition_text(c) for c in new]
    changes = [Change(REMOVED, f"{label} removed: {t}.") for t in old_texts if t not in new_texts]
    changes += [Change(ADDED, f"{label} added: {t}.") for t in new_texts if t not in old_texts]
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


def _own_params(step: dict) -> dict:
    """A step's parameters without the steps it holds."""
    params = step.get("params") or {}
    if not isinstance(params, dict):
        return {}
    own = {k: v for k, v in params.items() if k not in NESTED}
    if isinstance(own.get("paths"), list):
        own["paths"] = [
            {k: v for k, v in p.items() if k != "steps"} if isinstance(p, dict) else p
            for p in own["paths"]
        ]
    return own


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
    return json.dumps(value, sort_keys=True, default=str)
