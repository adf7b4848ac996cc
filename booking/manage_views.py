"""A booked meeting's own page, from the links in its e-mails: see it, move it, cancel it.

The links are signed and expire when the meeting starts (booking.links).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core import clock
from core.causes import Cause
from notifications.links import LinkError

from .links import manage_token, read_manage_token
from .pages import days_of_slots, parse_start
from .public_views import STATUS, link_refused
from .selectors import availability_of
from .services import cancel_meeting, reschedule_meeting


def _context(booking) -> dict:
    return {
        "booking": booking,
        "kind": booking.meeting_kind,
        "when": clock.format_local(booking.starts_at, booking.timezone),
        "token": manage_token(booking) if booking.holds_time else "",
    }


def _cause(booking) -> Cause:
    return Cause.by_customer(f"booking link ({booking.contact.email})")


@require_http_methods(["GET"])
def meeting(request: HttpRequest, token: str) -> HttpResponse:
    """What is booked, with the ways to move or cancel it."""
    try:
        booking = read_manage_token(token)
    except LinkError as error:
        return link_refused(request, error)
    return render(request, "booking/meeting.html", _context(booking))


@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's free times again (this meeting's own time counts as free); a press moves it."""
    try:
        booking = read_manage_token(token)
    except LinkError as error:
        return link_refused(request, error)
    if not booking.holds_time:
        return render(request, "booking/meeting.html", _context(booking))
    context = {**_context(booking), "error": "", "zone": booking.timezone}
    status = 200
    if request.method == "POST":
        try:
            reschedule_meeting(
                booking=booking,
                starts_at=parse_start(request.POST.get("start")),
                cause=_cause(booking),
            )
        except ValidationError as refusal:
            context["error"] = refusal.messages[0]
            status = STATUS.get(refusal.code, 400)
        else:
            booking.refresh_from_db()
            return redirect("booking:meeting", token=manage_token(booking))
    availability = availability_of(booking.staff_id)
    context["days"] = (
        days_of_slots(
            availability, booking.meeting_kind, booking.timezone, ignore_booking_id=booking.pk
        )
        if availability
        else []
    )
    return render(request, "booking/reschedule.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Asks first (a mail scanner opening the link cancels nothing); a POST cancels."""
    try:
        booking = read_manage_token(token)
    except LinkError as error:
        return link_refused(request, error)
    if request.method == "POST" and booking.holds_time:
        cancel_meeting(booking=booking, cause=_cause(booking))
        booking.refresh_from_db()
    context = {**_context(booking), "asking": request.method == "GET" and booking.holds_time}
    return render(request, "booking/cancel.html", context)
