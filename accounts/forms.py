"""Staff forms for accounts."""

from crispy_forms.helper import FormHelper
from django import forms

from .models import HealthStatus


class HealthStatusForm(forms.Form):
    """A manager's manual health assessment (playbook b1)."""

    # A blank first choice: an unassessed account preselects nothing, so a stray
    # Save is refused ("Choose a health status") instead of firing playbook b1.
    status = forms.ChoiceField(
        choices=[("", "Choose a status…"), *HealthStatus.choices], label="Health status"
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why: kept in the account's history.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SegmentForm(forms.Form):
    """Save what the account list shows as a segment: a name, shared or not.

    `query` is the list's query string as it was when the button was pressed.
    """

    name = forms.CharField(max_length=80, label="Segment name")
    is_shared = forms.BooleanField(
        required=False, label="Shared with the team", help_text="Otherwise only you see it."
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
