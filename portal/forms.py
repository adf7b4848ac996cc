"""The customer forms: what a customer may send us, validated before anything is written."""

import uuid

from django import forms

from activity.models import Task, TaskPriority


class FeedbackForm(forms.Form):
    nps = forms.TypedChoiceField(
        label="How likely are you to recommend us to a friend or colleague?",
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="What is the main reason for your score? (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class TaskRequestForm(forms.Form):
    title = forms.CharField(
        label="What do you need?", max_length=Task._meta.get_field("title").max_length
    )
    details = forms.CharField(
        label="Details", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=[
            (TaskPriority.LOW, "Whenever you can"),
            (TaskPriority.NORMAL, "In the next few days"),
            (TaskPriority.HIGH, "Urgent: it blocks us"),
        ],
        initial=TaskPriority.NORMAL,
        widget=forms.RadioSelect,
    )
    # One id per rendered form: submitting the same form twice opens one task.
    submission_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
