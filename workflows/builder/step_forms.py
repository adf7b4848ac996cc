"""The typed form of each step kind that does one thing (e-mail, tag, stage, points, …).

Each says how its fields read from the step's parameters and write back to them; the
action module's `validate` stays the one rule (workflows.actions), asked by StepForm.
"""

from django import forms

from accounts.models import Happiness
from activity.models import TaskPriority
from notifications.audiences import StaffRule
from notifications.models import Channel
from scoring.models import ScoreSource

from ..actions import score
from . import fields as f
from .base import StepForm
from .lookups import CUSTOMER, STAFF


class MessageForm(StepForm):
    """Send e-mail / Send SMS: a customer template of the channel, with its preview (how
    often it may repeat is the template's rule, applied by the outbox: notifications.caps)."""

    template = f.Picker(label="Message template", blank="Choose a template…")
    contact = forms.CharField(
        label="To", required=False, help_text="Empty: the primary contact; or data.contact_id."
    )
    links = forms.CharField(
        label="Links",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One a line: name = data.key",
    )
    main = "template"
    has_preview = True

    def setup(self) -> None:
        channel = Channel.SMS if self.action == "send_sms" else Channel.EMAIL
        choices = self.lookups.template_choices(audience=CUSTOMER, channel=channel)
        self.fields["template"].set_choices(choices, self.current("template"))
        self.fields["template"].widget.attrs["data-template-picker"] = ""

    @classmethod
    def read(cls, params: dict) -> dict:
        return {
            **params,
            "contact": str(params.get("contact") or ""),
            "links": f.links_to_lines(params.get("links")),
        }

    def write(self, data: dict) -> dict:
        return {
            "template": data["template"],
            "contact": f.reference(data.get("contact") or ""),
            "links": f.lines_to_links(data.get("links") or ""),
        }


class StaffAlertForm(StepForm):
    """Notify staff: a staff template, who (the rule), a role or person, and e-mail too."""

    template = f.Picker(label="Alert template", blank="Choose a template…")
    rule = forms.ChoiceField(label="Who", choices=StaffRule.choices)
    role = f.Picker(label="Role (for “Everyone in a role”)", required=False)
    user = f.Picker(label="Person (for “A named user”)", required=False)
    email = forms.BooleanField(label="Also by e-mail", required=False)
    main = "template"
    has_preview = True

    def setup(self) -> None:
        fields, lookups = self.fields, self.lookups
        fields["template"].set_choices(
            lookups.template_choices(audience=STAFF), self.current("template")
        )
        fields["role"].set_choices([(r, r) for r in lookups.roles], self.current("role"))
        carried = [
            (f"data.{key}", f"The trigger's {key.replace('_', ' ')}")
            for key in (self.trigger.carries if self.trigger else ())
            if key.endswith("_id")
        ]
        people = [(str(pk), name) for pk, name in lookups.staff]
        fields["user"].set_choices(carried + people, self.current("user"))

    @classmethod
    def read(cls, params: dict) -> dict:
        return {**params, "user": str(params.get("user") or "")}

    def write(self, data: dict) -> dict:
        rule = data["rule"]
        return {
            "template": data["template"],
            "rule": rule,
            "role": data.get("role") if rule == StaffRule.ROLE else None,
            "user": f.reference(data.get("user") or "") if rule == StaffRule.USER else None,
            "email": data.get("email"),
        }


class TagForm(StepForm):
    """Add tag (optionally replacing others) / Remove tag: a tag picked or typed."""

    tag = forms.CharField(label="Tag", widget=forms.TextInput(attrs={"list": "builder-tags"}))
    replaces = forms.CharField(
        label="Replacing",
        required=False,
        widget=forms.TextInput(attrs={"list": "builder-tags"}),
        help_text="Tags to remove first, comma-separated.",
    )
    main = "tag"

    def setup(self) -> None:
        if self.action == "remove_tag":
            del self.fields["replaces"]

    @classmethod
    def read(cls, params: dict) -> dict:
        replaces = params.get("replaces")
        return {**params, "replaces": ", ".join(replaces) if isinstance(replaces, list) else ""}

    def write(self, data: dict) -> dict:
        written = {"tag": data["tag"]}
        if "replaces" in self.fields:
            parts = (data.get("replaces") or "").split(",")
            written["replaces"] = [part.strip() for part in parts if part.strip()]
        return written


class StageForm(StepForm):
    """Move to stage: a stage, grouped under its pipeline."""

    stage = f.Picker(label="Pipeline › stage", blank="Choose a stage…")
    main = "stage"

    def setup(self) -> None:
        self.fields["stage"].set_choices(self.lookups.stages, self.current("stage"))

    @classmethod
    def read(cls, params: dict) -> dict:
        if not params.get("pipeline"):
            return {}
        return {"stage": f"{params['pipeline']}|{params.get('stage', '')}"}

    def write(self, data: dict) -> dict:
        pipeline, _, stage = data["stage"].partition("|")
        return {"pipeline": pipeline, "stage": stage}


class PointsForm(StepForm):
    """Add / subtract points: a number, or the points a scoring rule or the trigger gives."""

    points = forms.IntegerField(label="Points", required=False, help_text="Negative subtracts.")
    points_from = forms.ChoiceField(
        label="Or the points of",
        required=False,
        choices=[
            ("", "—"),
            ("payment_points", "the payment rule"),
            ("appointment_attended_points", "the attended-appointment rule"),
            ("feature_points", "the feature used (its own points)"),
        ],
    )
    reason = forms.CharField(label="Reason", required=False)
    source = forms.ChoiceField(
        label="Counted as", required=False, choices=[("", "Workflow"), *ScoreSource.choices]
    )
    main = "points"

    def write(self, data: dict) -> dict:
        written = super().write(data)
        if written.get("points_from") in score.POINTS_FROM:
            written.pop("points")
        return written


class HappinessForm(StepForm):
    level = forms.ChoiceField(label="Happiness", choices=Happiness.choices)


class TaskForm(StepForm):
    """Create task: a title, details, priority and when it is due."""

    title = forms.CharField(label="Title")
    priority = forms.ChoiceField(
        label="Priority", required=False, choices=[("", "Normal"), *TaskPriority.choices]
    )
    due_in_days = forms.IntegerField(
        label="Due in (days)", required=False, min_value=0, help_text="Empty: no due date."
    )
    details = forms.CharField(label="Details", required=False, widget=forms.Textarea({"rows": 2}))
    wide = frozenset({"details"})


class SignalForm(StepForm):
    """Open a signal: its type (Work queue › Signal types) and why, for the queue."""

    reason = f.Picker(label="Signal type", blank="Choose a type…")
    why = forms.CharField(label="Why", required=False, widget=forms.Textarea({"rows": 2}))
    main = "reason"
    wide = frozenset({"why"})

    def setup(self) -> None:
        self.fields["reason"].set_choices(self.lookups.signal_types, self.current("reason"))


class WaitForm(StepForm):
    """Wait: a number and its unit."""

    amount = f.AmountField(
        label="Wait", error_messages={"required": "A wait needs minutes, hours or days."}
    )
    unit = f.unit_field()
    main = "amount"

    @classmethod
    def read(cls, params: dict) -> dict:
        amount, unit = f.amount_and_unit(params)
        return {"amount": amount, "unit": unit}

    def write(self, data: dict) -> dict:
        return {data["unit"]: data["amount"]}
