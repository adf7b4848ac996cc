"""Staff actions on meetings: record how one went, book one on a customer's behalf."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Account
from activity.models import Appointment
from activity.services.appointments import mark_appointment_attended, mark_appointment_no_show
from core.causes import Cause

from .pages import days_of_slots, parse_start
from .public_views import STATUS
from .selectors import availability_of, kinds_taken
from .services import book_meeting

OUTCOMES = {"attended": mark_appointment_attended, "no_show": mark_appointment_no_show}


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
@permission_required("activity.change_appointment", raise_exception=True)
@require_POST
def mark_outcome(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Attended (attendance points, playbook f1) or no-show, once the meeting has started."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("account"), pk=appointment_id
    )
    back = _back(request, reverse("accounts:detail", args=[appointment.account_id]))
    mark = OUTCOMES.get(request.POST.get("outcome", ""))
    if mark is None:
        messages.error(request, "Choose attended or no-show.")
        return redirect(back)
    try:
        changed = mark(
            appointment=appointment, cause=Cause.by_user(request.user, "meeting outcome")
        )
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
    else:
        label = "attended" if mark is mark_appointment_attended else "a no-show"
        if changed:
            messages.success(request, f"Marked {label}: {appointment.account.name}.")
    return redirect(back)


@login_required
@permission_required("activity.add_appointment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def book_for(request: HttpRequest, account_id: int) -> HttpResponse:
    """Book a meeting with the account's owner for one of its contacts (as the customer
    would, with the same e-mail and invitation), in the account's timezone."""
    account = get_object_or_404(Account.objects.select_related("owner"), pk=account_id)
    contacts = [c for c in account.contacts.all() if c.email]
    availability = availability_of(account.owner_id)
    kinds = kinds_taken(availability)
    source = request.POST if request.method == "POST" else request.GET
    kind = next((k for k in kinds if k.slug == source.get("kind")), kinds[0] if kinds else None)
    contact = next((c for c in contacts if str(c.pk) == source.get("contact")), None)
    contact = contact or (contacts[0] if contacts else None)
    zone = account.timezone or settings.TIME_ZONE
    context = {
        "account": account,
        "contacts": contacts,
        "contact": contact,
        "kinds": kinds,
        "kind": kind,
        "zone": zone,
        "error": "",
    }
    status = 200
    if request.method == "POST" and kind and contact:
        try:
            book_meeting(
                contact=contact,
                kind=kind,
                starts_at=parse_start(request.POST.get("start")),
                timezone=zone,
                cause=Cause.by_user(request.user, "booked on the customer's behalf"),
            )
        except ValidationError as refusal:
            context["error"] = refusal.messages[0]
            status = STATUS.get(refusal.code, 400)
        else:
            messages.success(
                request,
                f"Booked {kind.name.lower()} for {contact.name}; the invitation is on its way.",
            )
            return redirect("accounts:detail", pk=account.pk)
    context["days"] = days_of_slots(availability, kind, zone) if kind and availability else []
    return render(request, "booking/book_for.html", context, status=status)
