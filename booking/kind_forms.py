"""A manager's form for one meeting kind (a plain form: the service compares and saves)."""

from __future__ import annotations

from django import forms

from .models import MeetingKind


class MeetingKindForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=480, help_text="5 to 480 minutes."
    )
    description = forms.CharField(
        label="Agenda",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown on the booking page and in the invitation.",
    )
    is_active = forms.BooleanField(
        label="Customers can book it",
        required=False,
        help_text="Off: it leaves the booking pages; meetings already booked stay.",
    )

    def __init__(self, data=None, *, kind: MeetingKind, prefix: str) -> None:
        initial = {
            "name": kind.name,
            "duration_minutes": kind.duration_minutes,
            "description": kind.description,
            "is_active": kind.is_active,
        }
        super().__init__(data, initial=initial, prefix=prefix)
        self.kind = kind
