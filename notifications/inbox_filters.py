"""The inbox's filters: by kind (the alert's template), by account, and "my accounts only"."""

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from .models import Alert, MessageTemplate


class InboxFilterForm(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        label="Kind",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    account = forms.CharField(
        required=False,
        max_length=100,
        label="Account",
        strip=True,
        widget=forms.TextInput(
            attrs={
                "placeholder": "Account name",
                "type": "search",
                "class": "form-control form-control-sm",
            }
        ),
    )
    mine = forms.BooleanField(
        required=False,
        label="Only accounts I own",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds this member has alerts of, by the template's human name.
        kinds = (
            MessageTemplate.objects.filter(messages__alert__user=user)
            .order_by("name")
            .values_list("key", "name")
            .distinct()
        )
        self.fields["kind"].choices = [("", "Any kind"), *kinds]

    def apply(self, alerts: QuerySet[Alert], user: AbstractBaseUser) -> QuerySet[Alert]:
        """`alerts` narrowed to what was asked; an invalid choice filters nothing."""
        if not self.is_valid():
            return alerts
        data = self.cleaned_data
        if data["kind"]:
            alerts = alerts.filter(message__template__key=data["kind"])
        if data["account"]:
            alerts = alerts.filter(account__name__icontains=data["account"])
        if data["mine"]:
            alerts = alerts.filter(account__owner=user)
        return alerts
