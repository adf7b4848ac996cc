"""The work queue's forms: log a touch, snooze, close with an outcome, reassign, add a task.

They only read and check what was typed; the views hand the values to the services.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from activity.forms import StaffChoiceField, TeamDateTimeField, staff_users
from activity.models import Task
from core import clock

from .models import Touch, TouchKind

SNOOZE_CHOICES = [("1", "Tomorrow"), ("3", "3 days"), ("7", "A week"), ("14", "Two weeks")]


class TouchForm(forms.Form):
    kind = forms.ChoiceField(choices=TouchKind.choices, initial=TouchKind.CALL, label="What")
    contact = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="With")
    happened_at = TeamDateTimeField(required=False, label="When", help_text="Empty: now.")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Summary")
    outcome = forms.CharField(
        required=False, max_length=Touch._meta.get_field("outcome").max_length
    )
    next_step = forms.CharField(
        required=False, max_length=Touch._meta.get_field("next_step").max_length, label="Next step"
    )

    def __init__(self, *args, contacts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.contacts = {contact.pk: contact for contact in contacts}
        self.fields["contact"].choices = [("", "—")] + [
            (pk, contact.name) for pk, contact in self.contacts.items()
        ]

    def clean_contact(self):
        pk = self.cleaned_data["contact"]
        return self.contacts.get(pk) if pk else None


class SnoozeForm(forms.Form):
    """Snooze for a number of days (until 08:00 the team's time that day) or until a time."""

    days = forms.TypedChoiceField(choices=SNOOZE_CHOICES, coerce=int, required=False)
    until = TeamDateTimeField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("until"):
            data["when"] = data["until"]
        elif data.get("days"):
            day = timezone.localtime(clock.now()).date() + timedelta(days=data["days"])
            data["when"] = timezone.make_aware(datetime.combine(day, time(8)))
        else:
            raise forms.ValidationError("Choose how long to snooze it.")
        return data


class CloseForm(forms.Form):
    # Any text reaches the service, which refuses an outcome the type lacks with its own
    # message (the type's list may have changed since the page was drawn).
    outcome = forms.CharField(max_length=100)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    dismissed = forms.BooleanField(required=False, label="Dismiss (not worth working)")


class ReassignForm(forms.Form):
    owner = StaffChoiceField(queryset=staff_users(), label="Give to")


class SignalTaskForm(forms.Form):
    title = forms.CharField(max_length=Task._meta.get_field("title").max_length)
    due_in_days = forms.IntegerField(min_value=0, max_value=365, initial=2, required=False)
