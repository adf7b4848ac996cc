"""The builder: the workflow's own fields, its conditions and its tree of steps, each
node with its typed form, validated together before anything is saved.

A POST with `op` (Add, Move, Delete, a path more) only redraws the page with the move
made and what was typed kept, judging nothing; a POST without is a save: every form is
cleaned, the definition they make is checked whole (services.validate_definition, the
same check as publishing and importing), and each refusal shows at its field or step
and in the list at the top.
"""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput

from .. import paths, services
from ..actions import ACTIONS
from ..forms import WorkflowEditForm
from ..models import Workflow
from ..triggers import BY_KEY
from . import registry, tree
from .branch_forms import PathForm, WaitForForm
from .conditions import ConditionForm
from .goal import GoalForm, written
from .lookups import Lookups
from .nodes import ConditionList, PathView, StepList, StepView

OP = re.compile(r"^(add|addpath|del|up|down|refresh)(?::([a-z0-9_-]{1,40}))?$")
STEP_ERROR = re.compile(r"^Step ([\d.]+)\b")


def typed(form_class, data, prefix: str | None) -> dict:
    """What was typed into a form's fields, to redraw it unjudged."""
    values = {}
    for name, field in form_class.base_fields.items():
        key = f"{prefix}-{name}" if prefix else name
        value = field.widget.value_from_datadict(data, {}, key)
        if value is None:
            continue
        if isinstance(field, forms.JSONField):
            # Shown again as typed, even if it is not JSON yet.
            try:
                value = json.loads(value) if value.strip() else None
            except ValueError:
                value = InvalidJSONInput(value)
        values[name] = value
    return values


class Builder:
    """One page of the builder: its forms by node, the tree they sit in, and its verdict.

    `data` None: the working copy as saved; a POST with `op`: redrawn with the move made;
    a POST without: bound, judged by `is_valid`, and `definition` what it would publish.
    """

    def __init__(self, workflow: Workflow, data=None):
        self.workflow, self.data = workflow, data
        self.lookups = Lookups()
        self.op = str(data.get("op", "")) if data is not None else ""
        self.bound = data is not None and not self.op
        self.errors: list[str] = []
        self.definition: dict | None = None
        self._workflow_form()
        self.trigger = BY_KEY.get(str(self.form["trigger"].value() or ""))
        if data is None:
            working = services.snapshot(workflow)
            goal = working["goal"] if isinstance(working["goal"], dict) else {}
            self.tree, self.shown = tree.build(
                working["conditions"], working["steps"], goal.get("conditions") or []
            )
        else:
            self.tree, self.shown = tree.read(data, self._action_of), {}
            self._apply(self.op)
        self.conditions = self._conditions(tree.ROOT_CONDS, self.trigger, of="The trigger")
        self.goal = self._make(GoalForm, "goal", GoalForm.initial_for(workflow.goal))
        self.goal_conditions = self._conditions(
            tree.GOAL_CONDS, self.goal.awaited(), of="The goal's event"
        )
        self.steps = self._steps(tree.ROOT, "Steps", ())

    # --- building the page -------------------------------------------------------

    def _workflow_form(self) -> None:
        if self.bound:
            self.form = WorkflowEditForm(self.data, instance=self.workflow)
            return
        self.form = WorkflowEditForm(instance=self.workflow)
        if self.data is not None:
            self.form.initial.update(typed(WorkflowEditForm, self.data, None))

    def _action_of(self, node: str) -> str:
        return str(self.data.get(f"{node}-action", ""))

    def _make(self, form_class, node: str, initial: dict, **kwargs):
        if self.bound:
            return form_class(self.data, prefix=node, **kwargs)
        if self.data is not None:
            initial = {**initial, **typed(form_class, self.data, node)}
        return form_class(prefix=node, initial=initial, **kwargs)

    def _conditions(self, key: str, trigger, *, of: str) -> ConditionList:
        rows = []
        for node in self.tree.items(key):
            initial = ConditionForm.initial_for(self.shown.get(node, {}))
            form = self._make(
                ConditionForm, node, initial, trigger=trigger, lookups=self.lookups, of=of
            )
            rows.append((node, form))
        return ConditionList(key, rows)

    def _steps(self, key: str, title: str, prefix: paths.Path) -> StepList:
        views = []
        for index, node in enumerate(self.tree.items(key)):
            action = self.tree.actions.get(node, "")
            form_class = registry.form_class(action)
            form = self._make(
                form_class,
                node,
                form_class.initial_for(self.shown.get(node, {})),
                action=action,
                lookups=self.lookups,
                trigger=self.trigger,
            )
            path = (*prefix, index)
            kind = ACTIONS.get(action)
            view = StepView(node, action, paths.label(path), kind.label if kind else action, form)
            self._branches(view, path)
            views.append(view)
        return StepList(key, title, views)

    def _branches(self, view: StepView, path: paths.Path) -> None:
        node = view.node
        if view.action == paths.DECISION:
            options = self.tree.items(f"{node}-paths")
            for number, option in enumerate(options):
                form = self._make(PathForm, option, self.shown.get(option, {}))
                conditions = self._conditions(f"{option}-conds", self.trigger, of="The trigger")
                steps = self._steps(f"{option}-steps", "", (*path, number))
                view.paths.append(PathView(option, number + 1, form, conditions, steps))
            otherwise = (*path, len(options))
            view.branches.append(self._steps(f"{node}-otherwise", "Otherwise", otherwise))
        elif view.action == paths.WAIT_FOR:
            awaited = view.form.awaited() if isinstance(view.form, WaitForForm) else None
            view.conditions = self._conditions(f"{node}-conds", awaited, of="The awaited event")
            view.branches.append(self._steps(f"{node}-happened", "If it happens", (*path, 0)))
            view.branches.append(self._steps(f"{node}-timed_out", "If time runs out", (*path, 1)))

    def _apply(self, op: str) -> None:
        """Make the move an Add / Move / Delete button (or a drag's redraw) asks for."""
        match = OP.match(op)
        if match is None:
            return
        verb, target = match.groups()
        target = target or ""
        if verb == "add" and target.endswith("-conds"):
            self.tree.add_condition(target)
        elif verb == "add":
            action = str(self.data.get(f"new-{target}", ""))
            if action in ACTIONS:
                self.tree.add_step(target, action)
        elif verb == "addpath" and self.tree.actions.get(target) == paths.DECISION:
            self.tree.add_path(target)
        elif verb == "del":
            self.tree.remove(target)
        elif verb in {"up", "down"}:
            self.tree.move(target, -1 if verb == "up" else 1)

    # --- judging -----------------------------------------------------------------

    def all_steps(self):
        for step in self.steps.steps:
            yield from step.walk()

    def is_valid(self) -> bool:
        """Every form clean and the whole definition runnable; every refusal recorded."""
        if not self.bound:
            return False
        forms_valid = self.form.is_valid()
        for message in self.form.non_field_errors():
            self.errors.append(message)
        for name, problems in self.form.errors.items():
            if name != "__all__":
                label = self.form.fields[name].label or name
                self.errors += [f"{label}: {problem}" for problem in problems]
        forms_valid &= self._judge_conditions(self.conditions, "Condition")
        if not self.goal.is_valid():
            forms_valid = False
            self.errors += [f"The goal: {m}" for m in _messages(self.goal)]
        forms_valid &= self._judge_conditions(self.goal_conditions, "The goal, condition")
        for step in self.all_steps():
            forms_valid &= self._judge_step(step)
        if not forms_valid:
            return False
        self.definition = {
            "trigger": self.form.cleaned_data["trigger"],
            "trigger_params": self.form.instance.trigger_params or {},
            "conditions": _written_conditions(self.conditions),
            "steps": self._written(self.steps),
            "goal": written(
                self.goal.cleaned_data["event"], _written_conditions(self.goal_conditions)
            ),
        }
        try:
            services.validate_definition(self.definition)
        except ValidationError as error:
            self.refuse(error)
            return False
        return True

    def refuse(self, error: ValidationError) -> None:
        """A refusal of the whole: at the top, and at the step it names."""
        by_label = {step.label: step for step in self.all_steps()}
        for message in error.messages:
            self.errors.append(message)
            found = STEP_ERROR.match(message)
            if found and found.group(1) in by_label:
                by_label[found.group(1)].errors.append(message)
        self.definition = None

    def _judge_conditions(self, conditions: ConditionList | None, where: str) -> bool:
        valid = True
        for number, (_, form) in enumerate(conditions.rows if conditions else [], start=1):
            if not form.is_blank() and not form.is_valid():
                valid = False
                self.errors += [f"{where} {number}: {m}" for m in _messages(form)]
        return valid

    def _judge_step(self, step: StepView) -> bool:
        valid = step.form.is_valid()
        if not valid:
            self.errors += [f"Step {step.label} ({step.kind}): {m}" for m in _messages(step.form)]
        for path in step.paths:
            if not path.form.is_valid():
                valid = False
            where = f"Step {step.label} ({step.kind}), path {path.number}, condition"
            valid &= self._judge_conditions(path.conditions, where)
        valid &= self._judge_conditions(
            step.conditions, f"Step {step.label} ({step.kind}), condition"
        )
        return valid

    def _written(self, steps: StepList) -> list[dict]:
        return [{"action": s.action, "params": self._params(s)} for s in steps.steps]

    def _params(self, step: StepView) -> dict:
        params = dict(step.form.params)
        if step.action == paths.DECISION:
            params["paths"] = [
                {
                    **(
                        {"name": path.form.cleaned_data["name"]}
                        if path.form.cleaned_data["name"]
                        else {}
                    ),
                    "conditions": _written_conditions(path.conditions),
                    "steps": self._written(path.steps),
                }
                for path in step.paths
            ]
            params["otherwise"] = self._written(step.branches[0])
        elif step.action == paths.WAIT_FOR:
            if conditions := _written_conditions(step.conditions):
                params["conditions"] = conditions
            params["happened"] = self._written(step.branches[0])
            params["timed_out"] = self._written(step.branches[1])
        return params


def _written_conditions(conditions: ConditionList) -> list[dict]:
    return [form.condition for _, form in conditions.rows if not form.is_blank()]


def _messages(form) -> list[str]:
    """A form's refusals, each with the field's label."""
    found = []
    for name, problems in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        found += [f"{label}: {p}" if label else p for p in problems]
    return found
