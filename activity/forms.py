"""Forms of the staff task pages: a new task, a row's reassign / due date, the team filter."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone

from accounts.models import Account
from core import clock

from .models import Task, TaskPriority

ACCOUNT_SUGGESTIONS = 10


def staff_users() -> QuerySet:
    """The people a task can be assigned to."""
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class TeamDateTimeField(forms.DateTimeField):
    """A date and time typed as the team reads clocks: in settings.TIME_ZONE."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        # The browser sends a wall-clock time with no zone; the team's zone gives it one,
        # whatever timezone happens to be active for the request.
        with timezone.override(ZoneInfo(settings.TIME_ZONE)):
            return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return value.astimezone(ZoneInfo(settings.TIME_ZONE))
        return value


def find_account(text: str) -> Account:
    """The account whose external id is `text`, or else the one account so named.

    Raises forms.ValidationError saying what to type instead when there is none or
    several; reads at most a few rows whatever the number of accounts.
    """
    text = text.strip()
    account = Account.objects.filter(external_id=text).first()
    if account is not None:
        return account
    named = list(Account.objects.filter(name__iexact=text).order_by("pk")[:6])
    if len(named) == 1:
        return named[0]
    if not named:
        raise forms.ValidationError(
            f"No account has the external id or the name “{text}”.", code="unknown_account"
        )
    ids = ", ".join(a.external_id for a in named[:5])
    raise forms.ValidationError(
        f"Several accounts are named “{text}”; type the external id instead ({ids}…).",
        code="ambiguous_account",
    )


class TaskForm(forms.Form):
    """A task a staff member opens on an account."""

    account = forms.CharField(
        max_length=200,
        help_text="The account's external id, or its exact name.",
        widget=forms.TextInput(
            attrs={
                "list": "account-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("tasks:account-options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#account-options",
            }
        ),
    )
    title = forms.CharField(max_length=Task._meta.get_field("title").max_length)
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    priority = forms.ChoiceField(choices=TaskPriority.choices, initial=TaskPriority.NORMAL)
    due_at = TeamDateTimeField(
        label="Due", required=False, help_text=f"In the team's timezone ({settings.TIME_ZONE})."
    )
    assignee = StaffChoiceField(
        queryset=staff_users(), required=False, empty_label="The account's owner"
    )

    def clean_account(self) -> Account:
        return find_account(self.cleaned_data["account"])

    def clean_due_at(self) -> datetime | None:
        due_at = self.cleaned_data["due_at"]
        if due_at is not None and due_at < clock.now():
            raise forms.ValidationError("The due time is in the past.", code="past_due")
        return due_at


class TaskUpdateForm(forms.Form):
    """Reassign a task or move its due time (from its row in the list)."""

    assignee = StaffChoiceField(queryset=staff_users())
    due_at = TeamDateTimeField(label="Due", required=False)

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task

    def clean_due_at(self) -> datetime | None:
        due_at = self.cleaned_data["due_at"]
        current = self.task.due_at
        # The browser shows minutes only: the same minute sent back is no change.
        if due_at and current and due_at == current.replace(second=0, microsecond=0):
            return current
        if due_at is not None and due_at < clock.now():
            raise forms.ValidationError("The new due time is in the past.", code="past_due")
        return due_at


class TeamFilterForm(forms.Form):
    """The Team tab's filter."""

    assignee = StaffChoiceField(queryset=staff_users(), required=False, empty_label="Anyone")
