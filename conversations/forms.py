"""The staff's forms on a thread: a reply and the assignee."""

from django import forms

from activity.forms import StaffChoiceField, staff_users

from .models import MESSAGE_MAX_LENGTH


class ReplyForm(forms.Form):
    # The service says why a text is refused (empty, too long); the browser stops most first.
    body = forms.CharField(
        label="Reply",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a reply…"}),
    )


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        queryset=staff_users(),
        required=False,
        empty_label="Unassigned",
        label="Assignee",
        widget=forms.Select(
            attrs={"class": "form-select form-select-sm", "data-testid": "assignee"}
        ),
    )
