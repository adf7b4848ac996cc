"""The upload form of the CSV import page."""

from django import forms

from .models import ImportMode
from .parsing import MAX_BYTES


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        help_text=f"CSV, UTF-8, first line naming the columns; at most {MAX_BYTES // 2**20} MB."
    )
    mode = forms.ChoiceField(
        choices=ImportMode.choices,
        initial=ImportMode.PREVIEW,
        widget=forms.RadioSelect,
        label="What to do",
        help_text="A preview reports what the import would do and changes nothing.",
    )
    as_sign_ups = forms.BooleanField(
        required=False,
        label="Treat new accounts as sign-ups",
        help_text="Each new account then gets the welcome e-mail and the team a new-account "
        "alert. Leave it off for existing customers: they are placed in their pipelines only.",
    )
