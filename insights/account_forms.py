"""The account page's inline forms: owner, tag, stage, contact, task, playbook.

They only read and check what was typed; the views in account_actions.py hand
the cleaned values to the owning app's service. The staff pickers take the
list of people as an argument, read once per page for every form that needs it.
"""

from collections.abc import Sequence
from datetime import datetime

from django import forms
from django.conf import settings

from accounts.models import Contact, Tag
from activity.forms import TeamDateTimeField
from activity.models import Task, TaskPriority
from core import clock

from .timeline_sources import person


class StaffField(forms.TypedChoiceField):
    """A staff member picked by name from a list read once (no query per form)."""

    def __init__(self, *, people: Sequence, empty_label: str, **kwargs) -> None:
        self.people = {str(user.pk): user for user in people}
        choices = [("", empty_label), *((pk, person(u)) for pk, u in self.people.items())]
        super().__init__(choices=choices, coerce=self.people.get, empty_value=None, **kwargs)


class OwnerForm(forms.Form):
    def __init__(self, *args, people: Sequence, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = StaffField(
            people=people, empty_label="Unassigned", required=False, label="Owner"
        )


class TagForm(forms.Form):
    name = forms.CharField(
        label="Tag",
        max_length=Tag._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"list": "tag-names", "autocomplete": "off"}),
    )


class StartPlaybookForm(forms.Form):
    """ "Start playbook…": which playbook, and an optional note kept on the run."""

    def __init__(self, *args, playbooks, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["playbook"] = forms.ModelChoiceField(
            queryset=playbooks, label="Playbook", empty_label="Choose a playbook…"
        )
        self.fields["note"] = forms.CharField(
            required=False,
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="Why: kept on the run.",
        )


class StageForm(forms.Form):
    stage = forms.IntegerField(min_value=1, label="Stage")


class ContactForm(forms.Form):
    name = forms.CharField(max_length=Contact._meta.get_field("name").max_length)
    email = forms.EmailField(required=False, label="E-mail")
    phone = forms.CharField(
        required=False,
        max_length=Contact._meta.get_field("phone").max_length,
        help_text="E.164, e.g. +14155550100.",
    )


class NewContactForm(ContactForm):
    is_primary = forms.BooleanField(required=False, label="Primary contact")


class AccountTaskForm(forms.Form):
    """A task on this account: the account is the page's, never typed."""

    title = forms.CharField(max_length=Task._meta.get_field("title").max_length)
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    priority = forms.ChoiceField(choices=TaskPriority.choices, initial=TaskPriority.NORMAL)
    due_at = TeamDateTimeField(
        label="Due", required=False, help_text=f"In the team's timezone ({settings.TIME_ZONE})."
    )

    def __init__(self, *args, people: Sequence, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = StaffField(
            people=people, empty_label="The account's owner", required=False, label="For"
        )

    def clean_due_at(self) -> datetime | None:
        due_at = self.cleaned_data["due_at"]
        if due_at is not None and due_at < clock.now():
            raise forms.ValidationError("The due time is in the past.", code="past_due")
        return due_at
