"""A condition row: a subject picked from what the trigger carries and the account's
fields (or a tag, or a segment), an operator that fits it and a value with suggestions."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import Account

from .. import conditions as condition_rules
from ..models import ConditionOperator
from ..triggers import TriggerKind
from .base import bootstrap
from .lookups import Lookups

TAG, SEGMENT = "@tag", "@segment"
OPERATORS_OF = {
    TAG: [ConditionOperator.HAS_TAG, ConditionOperator.LACKS_TAG],
    SEGMENT: [ConditionOperator.IN_SEGMENT, ConditionOperator.NOT_IN_SEGMENT],
}
FIELD_OPERATORS = [
    ConditionOperator.EQUALS,
    ConditionOperator.NOT_EQUALS,
    ConditionOperator.ONE_OF,
    ConditionOperator.AT_LEAST,
    ConditionOperator.AT_MOST,
]
ACCOUNT_LABELS = {"health_score": "Health score (computed)", "mrr": "MRR"}


def account_field_choices() -> list[tuple[str, str]]:
    def label(name: str) -> str:
        if name in ACCOUNT_LABELS:
            return ACCOUNT_LABELS[name]
        return str(Account._meta.get_field(name).verbose_name).capitalize()

    return [(f"account.{name}", label(name)) for name in condition_rules.ACCOUNT_FIELDS]


def enumerations() -> dict[str, list[tuple[str, str]]]:
    """The values an account field can take, for the value box's suggestions."""
    return {
        f"account.{name}": list(Account._meta.get_field(name).choices)
        for name in condition_rules.ACCOUNT_FIELDS
        if name not in {"score", "mrr", "health_score", "timezone"}
    }


def suggestion_lists() -> dict[str, list[tuple[str, str]]]:
    """The value suggestions of each enumerated account field, by datalist id."""
    return {value_list(subject): values for subject, values in enumerations().items()}


def subject_choices(trigger: TriggerKind | None, *, of: str) -> list:
    carried = [
        (f"data.{key}", key.replace("_", " ").capitalize())
        for key in (trigger.carries if trigger else ())
    ]
    groups = [("The account", account_field_choices())]
    if carried:
        groups.append((f"{of}: {trigger.name}", carried))
    groups.append(("Other", [(TAG, "The account's tags"), (SEGMENT, "The account's segment")]))
    return groups


def value_list(subject: str) -> str:
    """The datalist suggesting values for this subject ("" none)."""
    if subject == TAG:
        return "builder-tags"
    if subject == SEGMENT:
        return "builder-segments"
    if subject in enumerations():
        return f"builder-{subject.replace('.', '-')}"
    return ""


class ConditionForm(forms.Form):
    """One test; `condition` is what it writes once valid."""

    subject = forms.CharField(label="Subject", widget=forms.Select)
    operator = forms.ChoiceField(label="Test", choices=ConditionOperator.choices)
    value = forms.CharField(label="Value", required=False, max_length=condition_rules.VALUE_LENGTH)

    def __init__(
        self, *args, trigger: TriggerKind | None, lookups: Lookups, of: str = "Trigger", **kwargs
    ):
        self.trigger, self.lookups = trigger, lookups
        self.condition: dict = {}
        super().__init__(*args, **kwargs)
        choices = subject_choices(trigger, of=of)
        current = self["subject"].value() or ""
        listed = {value for _, group in choices for value, _ in group}
        if current and current not in listed:
            choices.append(("Unknown", [(current, f"{current} (unknown)")]))
        self.fields["subject"].widget.choices = [("", "Choose…"), *choices]
        self.fields["subject"].widget.attrs["data-subject"] = ""
        self.fields["value"].widget.attrs["list"] = value_list(current)
        bootstrap(self)

    @staticmethod
    def initial_for(condition: dict) -> dict:
        operator = condition.get("operator", "")
        subject = condition.get("subject", "")
        for pseudo, operators in OPERATORS_OF.items():
            if operator in operators:
                subject = pseudo
        return {"subject": subject, "operator": operator, "value": condition.get("value", "")}

    def is_blank(self) -> bool:
        """Added and left empty (no subject, no value): ignored, not refused."""
        return self.is_bound and not any(
            str(self.data.get(self.add_prefix(name), "")).strip() for name in ("subject", "value")
        )

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        subject, operator = data["subject"], data["operator"]
        fits = OPERATORS_OF.get(subject, FIELD_OPERATORS)
        if operator not in fits:
            labels = dict(ConditionOperator.choices)
            self.add_error(
                "operator", f"For this subject choose {', '.join(labels[o] for o in fits)}."
            )
            return data
        self.condition = {
            "subject": "" if subject in OPERATORS_OF else subject,
            "operator": operator,
            "value": data.get("value", ""),
        }
        try:
            condition_rules.validate(self.condition, trigger=self.trigger)
        except ValidationError as error:
            for message in error.messages:
                self.add_error(_field_of(message), message)
        return data


def _field_of(message: str) -> str:
    if "subject" in message or "carries" in message:
        return "subject"
    return "value"
