"""My availability (every staff member their own; managers a team member's) and the
managers' meeting kinds page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Exists, OuterRef, Value
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import StaffProfile
from accounts.roles import CSM, MANAGER
from core import clock

from .availability import save_availability, update_meeting_kind
from .availability_forms import AvailabilityForm
from .calendar_views import TEAM_PERMISSION
from .kind_forms import MeetingKindForm
from .models import Availability, MeetingKind


def _kinds(availability: Availability | None) -> list[MeetingKind]:
    """The active kinds, each marked `taken` if this availability takes it (one query)."""
    taken = (
        Exists(
            Availability.meeting_kinds.through.objects.filter(
                meetingkind_id=OuterRef("pk"), availability_id=availability.pk
            )
        )
        if availability
        else Value(False, output_field=BooleanField())
    )
    return list(MeetingKind.objects.filter(is_active=True).annotate(taken=taken))


def _default_timezone(member) -> str:
    zone = StaffProfile.objects.filter(user=member).values_list("timezone", flat=True).first()
    return zone or settings.TIME_ZONE


def _team(request: HttpRequest) -> list:
    """Whose availability a manager can open (one query; nobody's for a CSM)."""
    if not request.user.has_perm(TEAM_PERMISSION):
        return []
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[CSM, MANAGER])
        .distinct()
        .order_by("first_name", "username")
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_availability(request: HttpRequest) -> HttpResponse:
    """The signed-in staff member's own weekly hours, days off, buffer and meeting kinds."""
    return _availability_page(request, request.user)


@login_required
@require_http_methods(["GET", "POST"])
def member_availability(request: HttpRequest, user_id: int) -> HttpResponse:
    """A team member's availability: their own, or anyone's for a manager."""
    if user_id != request.user.pk and not request.user.has_perm(TEAM_PERMISSION):
        raise PermissionDenied("Only a manager can change someone else's availability.")
    member = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    return _availability_page(request, member)


def _availability_page(request: HttpRequest, member) -> HttpResponse:
    availability = Availability.objects.filter(user=member).prefetch_related("hours").first()
    zone = availability.timezone if availability else _default_timezone(member)
    today = datetime.fromtimestamp(clock.now().timestamp(), ZoneInfo(zone)).date()
    days_off = list(availability.days_off.filter(last_day__gte=today)) if availability else []
    form = AvailabilityForm(
        request.POST if request.method == "POST" else None,
        availability=availability,
        kinds=_kinds(availability),
        default_timezone=zone,
        days_off=days_off,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            save_availability(
                user=member,
                timezone=data["timezone"],
                buffer_minutes=data["buffer_minutes"],
                is_bookable=data["is_bookable"],
                kinds=list(data["meeting_kinds"]),
                hours=form.hours,
                add_day_off=data.get("new_day_off"),
                remove_day_off_ids=[int(pk) for pk in data["remove_days_off"]],
            )
            messages.success(request, "Availability saved.")
            return redirect(request.path)
        status = 400
    context = {
        "member": member,
        "own": member.pk == request.user.pk,
        "form": form,
        "days_off": days_off,
        "team": _team(request),
    }
    return render(request, "booking/availability.html", context, status=status)


@login_required
@require_GET
def hours_range(request: HttpRequest) -> HttpResponse:
    """One empty time range for a weekday (htmx appends it to the day's list)."""
    weekday = request.GET.get("weekday", "")
    if weekday not in {str(day) for day in range(7)}:
        return HttpResponseBadRequest("Unknown weekday.")
    return render(
        request, "booking/_hours_range.html", {"weekday": int(weekday), "range": ("", "")}
    )


@login_required
@permission_required(TEAM_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting_kinds(request: HttpRequest) -> HttpResponse:
    """Every meeting kind with its name, duration, agenda and whether customers may book it;
    one kind is saved at a time (its own form), a bad one re-shown with its errors."""
    kinds = list(MeetingKind.objects.all())
    bound_pk = request.POST.get("kind") if request.method == "POST" else None
    forms = [
        MeetingKindForm(
            request.POST if str(kind.pk) == bound_pk else None, kind=kind, prefix=f"k{kind.pk}"
        )
        for kind in kinds
    ]
    status = 200
    for form in forms:
        if not form.is_bound:
            continue
        if form.is_valid():
            try:
                changed = update_meeting_kind(kind=form.kind, **form.cleaned_data)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                if changed:
                    messages.success(request, f"Saved {form.cleaned_data['name']}.")
                return redirect("booking:kinds")
        status = 400
    if bound_pk is not None and status == 200:
        return HttpResponseBadRequest("Unknown meeting kind.")
    return render(request, "booking/meeting_kinds.html", {"forms": forms}, status=status)
