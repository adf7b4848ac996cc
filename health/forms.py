"""The health pages' forms: a model's factors and bands, and a manager's override."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts.models import HealthStatus, Plan, Segment

from .definition import BAND_ORDER, MAX_WINDOW
from .measures import MEASURES


class ModelForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=255, required=False)
    plans = forms.MultipleChoiceField(
        choices=Plan.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The plans this model scores; none: the plans no other model claims "
        "(the default model only).",
    )
    segment = forms.ModelChoiceField(
        queryset=Segment.objects.filter(is_shared=True),
        required=False,
        empty_label="No segment",
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="Its members are scored by this model before any plan's model "
        "(shared segments only).",
    )
    drop_points = forms.IntegerField(
        min_value=1,
        max_value=100,
        initial=15,
        help_text="A fall of this many points within 7 days fires “Health score dropped”.",
    )


def parse_points(text: str) -> list[list]:
    """ "0:0, 1:4, 8:14" → [[0, 0], [1, 4], [8, 14]] (at least this value : these points)."""
    steps = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        value, sep, points = part.partition(":")
        try:
            number = float(value)
            steps.append([int(number) if number.is_integer() else number, int(points)])
        except ValueError:
            raise ValidationError(f"{part.strip()!r} is not “value:points”, e.g. 8:14.") from None
        if not sep:
            raise ValidationError(f"{part.strip()!r} is not “value:points”, e.g. 8:14.")
    return steps


def format_points(steps: list[list]) -> str:
    return ", ".join(f"{value:g}:{points}" for value, points in steps)


class FactorForm(forms.Form):
    key = forms.SlugField(max_length=40)
    label = forms.CharField(max_length=60)
    # A blank first choice: the empty row for a new factor stays unchanged until used.
    measure = forms.ChoiceField(
        choices=[("", "Choose a measure"), *((key, m.label) for key, m in MEASURES.items())]
    )
    # Bounds are the definition's (health.definition): refused there with its message.
    window = forms.IntegerField(help_text=f"Days, 1–{MAX_WINDOW}.")
    weight = forms.IntegerField()
    neutral = forms.IntegerField(help_text="Points when the data is missing.")
    points = forms.CharField(
        max_length=200, help_text="At least this value : these points, e.g. 0:0, 1:4, 8:14."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _small_controls(self)

    def clean_points(self) -> list[list]:
        return parse_points(self.cleaned_data["points"])


FactorFormSet = forms.formset_factory(FactorForm, extra=1, can_delete=True)


class BandForm(forms.Form):
    band = forms.ChoiceField(choices=HealthStatus.choices, widget=forms.HiddenInput)
    min = forms.IntegerField()
    max = forms.IntegerField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _small_controls(self)


def _small_controls(form: forms.Form) -> None:
    """Bootstrap's small controls for a form drawn as a table row."""
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.Select):
            field.widget.attrs["class"] = "form-select form-select-sm"
        elif isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"
        elif not isinstance(field.widget, forms.HiddenInput):
            field.widget.attrs["class"] = "form-control form-control-sm"
        field.widget.attrs["aria-label"] = field.label or name


BandFormSet = forms.formset_factory(BandForm, extra=0, min_num=len(BAND_ORDER), max_num=4)


def initial_forms(definition: dict) -> tuple[list[dict], list[dict]]:
    """The formsets' initial rows for a definition."""
    factors = [
        {
            **{k: f[k] for k in ("key", "label", "measure", "window", "weight", "neutral")},
            "points": format_points(f["points"]),
        }
        for f in definition["factors"]
    ]
    return factors, [dict(b) for b in definition["bands"]]


def definition_from(model_form, factors, bands) -> dict:
    """The definition the bound forms describe (validated later by publish_model)."""
    return {
        "drop_points": model_form.cleaned_data["drop_points"],
        "factors": [
            {
                k: form.cleaned_data[k]
                for k in ("key", "label", "measure", "window", "weight", "neutral", "points")
            }
            for form in factors.forms
            if form.has_changed() or form.initial
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ],
        "bands": [
            {k: form.cleaned_data[k] for k in ("band", "min", "max")} for form in bands.forms
        ],
    }


class OverrideForm(forms.Form):
    band = forms.ChoiceField(choices=HealthStatus.choices, label="Hold this band")
    reason = forms.CharField(max_length=255, label="Why the computed band is wrong")
    expires_on = forms.DateField(
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The override ends at the end of this day.",
    )

    def expires_at(self) -> datetime:
        day = self.cleaned_data["expires_on"] + timedelta(days=1)
        return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
