"""Health pages: the models (each save a new version), and a manager's decision on an
account's computed band (accept it, or hold another band for a while)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Account, HealthStatus
from core.causes import Cause

from .defaults import DEFAULT_DEFINITION
from .forms import (
    BandFormSet,
    FactorFormSet,
    ModelForm,
    OverrideForm,
    definition_from,
    initial_forms,
)
from .models import HealthModel
from .services.models import publish_model
from .services.statuses import accept_computed_band, override_computed_band


@login_required
@permission_required("health.view_healthmodel", raise_exception=True)
def model_list(request: HttpRequest) -> HttpResponse:
    """Every health model with the plans it scores and its current version."""
    models = HealthModel.objects.select_related("current_version").order_by("-is_default", "name")
    return render(request, "health/model_list.html", {"models": models, "section": "health"})


@login_required
@permission_required("health.view_healthmodel", raise_exception=True)
def model_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A model's factors and bands; saving publishes a new version (earlier scores keep theirs)."""
    model = (
        get_object_or_404(HealthModel.objects.select_related("current_version"), pk=pk)
        if pk
        else None
    )
    definition = (
        model.current_version.definition if model and model.current_version else DEFAULT_DEFINITION
    )
    factors_initial, bands_initial = initial_forms(definition)
    if request.method != "POST":
        form = ModelForm(
            initial={
                "name": model.name if model else "",
                "description": model.description if model else "",
                "plans": model.plans if model else [],
                "segment": model.segment_id if model else None,
                "drop_points": definition.get("drop_points", 15),
            }
        )
        factors = FactorFormSet(initial=factors_initial, prefix="factor")
        bands = BandFormSet(initial=bands_initial, prefix="band")
        return _edit_page(request, model, form, factors, bands)
    if not request.user.has_perm("health.edit_health_model"):
        return HttpResponse("Only managers edit health models.", status=403)
    form = ModelForm(request.POST)
    factors = FactorFormSet(request.POST, initial=factors_initial, prefix="factor")
    bands = BandFormSet(request.POST, initial=bands_initial, prefix="band")
    if not (form.is_valid() and factors.is_valid() and bands.is_valid()):
        return _edit_page(request, model, form, factors, bands, status=400)
    try:
        version = publish_model(
            model=model,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            plans=form.cleaned_data["plans"],
            segment=form.cleaned_data["segment"],
            definition=definition_from(form, factors, bands),
            cause=Cause.by_user(request.user, "health model editor"),
        )
    except ValidationError as error:
        return _edit_page(request, model, form, factors, bands, errors=error.messages, status=400)
    messages.success(
        request,
        f"Published version {version.number} of {version.model.name}: scores from now on use it; "
        "earlier scores keep the version they were made with.",
    )
    return redirect("health:model", pk=version.model_id)


def _edit_page(request, model, form, factors, bands, errors=(), status=200) -> HttpResponse:
    versions = model.versions.select_related("cause_user").order_by("-number")[:20] if model else []
    context = {
        "model": model,
        "form": form,
        "factors": factors,
        "bands": bands,
        "band_labels": dict(HealthStatus.choices),
        "errors": errors,
        "versions": versions,
        "section": "health",
    }
    return render(request, "health/model_edit.html", context, status=status)


@login_required
@permission_required("accounts.change_health_status", raise_exception=True)
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the computed band the health status (through the health service: b1 runs)."""
    account = get_object_or_404(Account, pk=pk)
    try:
        changed = accept_computed_band(
            account=account, cause=Cause.by_user(request.user, "accepted the computed band")
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if changed:
        messages.success(
            request, "The computed band is now the health status; playbook b1 follows."
        )
    else:
        messages.info(request, "The health status already is the computed band.")
    return redirect("accounts:detail", pk=pk)


@login_required
@permission_required(
    ["accounts.change_health_status", "health.add_healthoverride"], raise_exception=True
)
def override(request: HttpRequest, pk: int) -> HttpResponse:
    """Hold another band than the computed one, with a reason, until a day."""
    account = get_object_or_404(Account, pk=pk)
    form = OverrideForm(request.POST or None, initial={"band": account.health_status})
    if request.method == "POST" and form.is_valid():
        try:
            override_computed_band(
                account=account,
                band=form.cleaned_data["band"],
                reason=form.cleaned_data["reason"],
                expires_at=form.expires_at(),
                cause=Cause.by_user(request.user, "health override"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Override recorded; it shows beside the computed score.")
            return redirect("accounts:detail", pk=pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "health/override.html", {"account": account, "form": form}, status=status
    )
