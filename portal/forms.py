"""The customer forms: what a customer may send us, validated before anything is written."""

from django import forms

from activity.models import Task, TaskPriority
from activity.services.feedback import MAX_COMMENT

# What a customer may write in a request's details.
MAX_DETAILS = 10_000


class FeedbackForm(forms.Form):
    nps = forms.TypedChoiceField(
        label="How likely are you to recommend us to a friend or colleague?",
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        # Bootstrap's toggle buttons: the chosen score (the recorded one, when changing) shows.
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    comment = forms.CharField(
        label="What is the main reason for your score? (optional)",
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The revision of the answer the customer saw and chose to replace; only the
    # "change your answer" form carries it.
    replaces = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class TaskRequestForm(forms.Form):
    title = forms.CharField(
        label="What do you need?", max_length=Task._meta.get_field("title").max_length
    )
    details = forms.CharField(
        label="Details", required=False, widget=forms.Textarea(attrs={"rows": 5})
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

    def clean_details(self) -> str:
        # Checked here rather than with max_length, whose message shows bare numbers and
        # whose maxlength attribute would make browsers cut a pasted text short silently.
        details = self.cleaned_data["details"]
        if len(details) > MAX_DETAILS:
            raise forms.ValidationError(
                f"Please keep the details to at most {MAX_DETAILS:,} characters (these are "
                f"{len(details):,}). Everything you typed is still here, so you can shorten it.",
                code="max_length",
            )
        return details
