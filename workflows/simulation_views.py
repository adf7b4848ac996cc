"""The simulator's page: pick an account (and a period), see what the catalogue would do.

A GET runs a simulation, which changes nothing (workflows.simulation), so the
page is safe to reload and to link to: from the workflow editor (one workflow)
and from the account page (the active catalogue).
"""

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Account

from .models import Workflow
from .simulation import simulate
from .simulation.catalogue import draft_of, find_account
from .simulation.runner import MAX_DAYS

FORWARD, REPLAY = "forward", "replay"
ACCOUNT_CHOICES = 100


class SimulationForm(forms.Form):
    account = forms.CharField(
        label="Account", help_text="Its number or external id.", max_length=200
    )
    mode = forms.ChoiceField(
        label="Period",
        choices=[(FORWARD, "The next days, from today"), (REPLAY, "The last days, replayed")],
        initial=FORWARD,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    days = forms.IntegerField(label="Days", min_value=1, max_value=MAX_DAYS, initial=30)
    workflow = forms.ModelChoiceField(
        label="Playbooks",
        queryset=Workflow.objects.filter(current_version__isnull=False),
        required=False,
        empty_label="The whole active catalogue",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean_account(self) -> Account:
        value = self.cleaned_data["account"]
        found = find_account(value)
        if found is None:
            raise ValidationError(f"There is no account {value.strip()!r}.")
        return found


@login_required
@permission_required("workflows.view_workflow", raise_exception=True)
@require_GET
def simulate_view(request: HttpRequest) -> HttpResponse:
    """The form, and with an account given, the day-by-day outcome."""
    given = "account" in request.GET
    # A link may name only the account (or the workflow): the rest take their defaults.
    query = {"mode": FORWARD, "days": "30", **request.GET.dict()}
    form = SimulationForm(query if given else None, initial=query)
    result = None
    status = 200
    if given and form.is_valid():
        data = form.cleaned_data
        workflow = data["workflow"]
        result = simulate(
            data["account"],
            days=data["days"],
            workflow=workflow,
            draft=draft_of(workflow) if workflow and request.GET.get("draft") else None,
            replay_days=data["days"] if data["mode"] == REPLAY else None,
        )
    elif given:
        status = 400
    context = {
        "form": form,
        "result": result,
        "accounts": Account.objects.order_by("-pk").values("pk", "name", "external_id")[
            :ACCOUNT_CHOICES
        ],
    }
    return render(request, "workflows/simulation.html", context, status=status)
