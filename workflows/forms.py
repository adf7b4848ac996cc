"""Forms for editing workflows, shared by the admin and the staff pages, and the run filters.

The admin and the staff editor validate with the same rules (conditions.validate,
each action's `validate`), so a workflow saved in either place can run.
"""

import json

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy

from . import conditions as condition_rules
from . import graph, paths
from .actions import ACTIONS
from .actions import CHOICES as ACTION_CHOICES
from .models import Condition, Run, RunStatus, Step, Workflow
from .triggers import BY_KEY, TriggerKind
from .triggers import CHOICES as TRIGGER_CHOICES
from .triggers import dates as date_trigger


class WorkflowForm(forms.ModelForm):
    trigger = forms.ChoiceField(choices=TRIGGER_CHOICES)
    goal = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text='JSON, e.g. {"event": "login_recorded"} (logged in again), or '
        '{"conditions": [{"subject": "account.health_status", "operator": "eq", '
        '"value": "healthy"}]}; empty for none. Once met, runs in flight end as "goal reached".',
    )

    class Meta:
        model = Workflow
        fields = ["key", "name", "description", "trigger", "is_active", "position", "goal"]

    def clean_goal(self) -> dict:
        goal = self.cleaned_data.get("goal") or {}
        try:
            graph.validate_goal(goal)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return goal


class ConditionForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = ["position", "subject", "operator", "value"]

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("DELETE"):
            condition = {k: data.get(k, "") for k in ("subject", "operator", "value")}
            condition_rules.validate(condition, trigger=self._trigger())
        return data

    def _trigger(self) -> TriggerKind | None:
        """The trigger of the workflow this row belongs to, as posted (see WorkflowRows)."""
        workflow = getattr(self.instance, "workflow", None)
        return BY_KEY.get(workflow.trigger) if workflow is not None else None


class StepForm(forms.ModelForm):
    action = forms.ChoiceField(choices=ACTION_CHOICES)
    params = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="JSON, e.g. "
        + "; ".join(
            f"{kind.key}: {json.dumps(kind.example)}" for kind in list(ACTIONS.values())[:4]
        ),
    )

    class Meta:
        model = Step
        fields = ["position", "action", "params"]

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("DELETE"):
            params = data.get("params") or {}
            if not isinstance(params, dict):
                raise ValidationError({"params": "Parameters are a JSON object."})
            try:
                ACTIONS[data["action"]].validate(params)
            except ValidationError as error:
                raise ValidationError({"params": error.messages}) from None
            if data["action"] in paths.BRANCHING:
                # The steps inside, and the data their conditions read (this row's trigger).
                workflow = getattr(self.instance, "workflow", None)
                trigger = BY_KEY.get(workflow.trigger) if workflow is not None else None
                spec = {"action": data["action"], "params": params}
                errors = graph.step_errors([spec], trigger=trigger)
                if errors:
                    raise ValidationError({"params": errors})
        return data


# --- the staff editor (/workflows/<pk>/) ---------------------------------------


DAYS_ERROR = f"Give the days as a whole number from 0 to {date_trigger.MAX_DAYS}."
LATE_HELP = (
    "For an account whose trigger day had already passed when it entered (it joined late, "
    "its date was set late, or this playbook was published after that day). The steps keep "
    "to the date: each is due on the trigger day plus the waits before it. Skip past steps: "
    "only the steps still ahead run, at their time. Run the latest past step only: the most "
    "recent step whose time has passed runs now, the rest at their time. Run all past steps: "
    "each step whose time has passed runs now, in order, the rest at their time."
)


class DateTriggerFields(forms.Form):
    """The date trigger's parameters as form fields (workflows.triggers.dates), shown under
    the trigger when "N days before/after a date" is chosen, required only then."""

    DATE_FIELDS = ("date_field", "offset_days", "direction", "late_joiners")

    date_field = forms.ChoiceField(
        label="Date",
        required=False,
        error_messages={
            "invalid_choice": "Unknown date field “%(value)s”: choose the renewal date, the "
            "sign-up anniversary or a custom date defined under Date attributes."
        },
    )
    offset_days = forms.IntegerField(
        label="Days",
        required=False,
        min_value=0,
        max_value=date_trigger.MAX_DAYS,
        error_messages={"min_value": DAYS_ERROR, "max_value": DAYS_ERROR, "invalid": DAYS_ERROR},
        help_text="0: on the day itself.",
    )
    direction = forms.ChoiceField(
        label="Before or after",
        required=False,
        choices=[("", "Choose…"), *date_trigger.DIRECTIONS.items()],
    )
    late_joiners = forms.ChoiceField(
        label="Accounts that join late",
        required=False,
        choices=list(date_trigger.LATE_POLICIES.items()),
        help_text=LATE_HELP,
    )

    def _init_date_fields(self) -> None:
        self.fields["date_field"].choices = [("", "Choose a date…"), *date_trigger.field_choices()]
        params = getattr(self.instance, "trigger_params", None) or {}
        if params and not self.is_bound:
            self.initial.update(
                date_field=params.get("field", ""),
                offset_days=params.get("days"),
                direction=params.get("direction", ""),
                late_joiners=params.get("late_joiners", date_trigger.SKIP),
            )

    def _clean_date_fields(self, data: dict) -> None:
        """The trigger's parameters onto the instance: the date trigger's, or none."""
        if data.get("trigger") != date_trigger.DATE_REACHED:
            self.instance.trigger_params = {}
            return
        required = {
            "date_field": "Choose which date the trigger counts from.",
            "offset_days": DAYS_ERROR,
            "direction": "Say whether it is before or after the date.",
        }
        for name, message in required.items():
            if name not in self.errors and data.get(name) in ("", None):
                self.add_error(name, message)
        if any(name in self.errors for name in self.DATE_FIELDS):
            return
        params = {
            "field": data["date_field"],
            "days": data["offset_days"],
            "direction": data["direction"],
            "late_joiners": data.get("late_joiners") or date_trigger.SKIP,
        }
        for error in date_trigger.params_errors(params):
            self.add_error(None, error)
        self.instance.trigger_params = params


class WorkflowEditForm(DateTriggerFields, WorkflowForm):
    """Name, description and trigger (with the date trigger's parameters); switching on
    and off has its own control."""

    # The builder edits the goal with its own fields (workflows.builder.goal).
    goal = None

    class Meta(WorkflowForm.Meta):
        fields = ["name", "description", "trigger"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_date_fields()
        # The date trigger's own fields show only while it is the chosen trigger.
        self.fields["trigger"].widget.attrs["hx-on:change"] = (
            "document.getElementById('date-trigger-fields').hidden = "
            f"this.value !== '{date_trigger.DATE_REACHED}'"
        )
        # Choosing another trigger swaps in its description and the data it carries.
        self.fields["trigger"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("workflows:trigger_help"),
                "hx-target": "#trigger-help",
                "hx-trigger": "change",
            }
        )

    def clean(self) -> dict:
        data = super().clean()
        self._clean_date_fields(data)
        return data

    def date_fields(self) -> list:
        """The date trigger's bound fields (the template shows them together)."""
        return [self[name] for name in self.DATE_FIELDS]

    def other_fields(self) -> list:
        return [field for field in self if field.name not in self.DATE_FIELDS]


class WorkflowRows(forms.BaseInlineFormSet):
    """A workflow's conditions or steps (the admin's inlines), each row given the workflow
    as posted.

    A condition checks its `data.<key>` against the trigger being saved with
    it, not the one in the database (which the row would otherwise load).
    """

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        form.instance.workflow = self.instance


# --- the run log's filters (/workflows/runs/) ----------------------------------


class RunFilter(django_filters.FilterSet):
    workflow = django_filters.ModelChoiceFilter(queryset=Workflow.objects.order_by("name"))
    status = django_filters.ChoiceFilter(choices=RunStatus.choices)
    account = django_filters.CharFilter(
        method="filter_account", label="Account", help_text="External id or part of the name."
    )

    class Meta:
        model = Run
        fields: list[str] = []

    def filter_account(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(account__external_id__iexact=value) | Q(account__name__icontains=value)
        )
