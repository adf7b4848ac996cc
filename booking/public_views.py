"""The customer's booking page, reached by a signed per-contact link (no login)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.causes import Cause
from core.ratelimit import allow_each, client_address
from notifications.links import LinkError

from .links import PageLink, manage_token, read_page_token
from .models import MeetingKind
from .pages import days_of_slots, parse_start
from .selectors import availability_of, kinds_taken
from .services import book_meeting, require_timezone

# Bookings an hour: a contact rebooking a few times is fine; an address only stops a flood.
WINDOW = timedelta(hours=1)
PER_CONTACT, PER_ADDRESS = 10, 200
STATUS = {"taken": 409, "bad_timezone": 400}


def link_refused(request: HttpRequest, error: LinkError) -> HttpResponse:
    return render(
        request, "portal/link_invalid.html", {"expired": error.reason == "expired"}, status=400
    )


def viewer_timezone(request: HttpRequest, fallback: str) -> str:
    """The timezone the browser reported (?tz= or the form's), else `fallback`;
    ValidationError for a name that is not a timezone."""
    reported = request.POST.get("tz") if request.method == "POST" else request.GET.get("tz")
    return require_timezone(reported) if reported else fallback


def _kind(link: PageLink, kinds: list[MeetingKind], chosen: str) -> MeetingKind | None:
    slug = link.kind_slug or chosen
    if slug:
        return next((kind for kind in kinds if kind.slug == slug), None)
    return kinds[0] if len(kinds) == 1 else None


@require_http_methods(["GET", "POST"])
def booking_page(request: HttpRequest, token: str) -> HttpResponse:
    """Free times of the account owner for a meeting kind, in the customer's timezone;
    a press on one books it (booking.services.book_meeting decides)."""
    try:
        link = read_page_token(token)
    except LinkError as error:
        return link_refused(request, error)
    contact = link.contact
    availability = availability_of(contact.account.owner_id)
    kinds = kinds_taken(availability)
    source = request.POST if request.method == "POST" else request.GET
    kind = _kind(link, kinds, str(source.get("kind", ""))[:64])
    context = {
        "contact": contact,
        "kinds": kinds,
        "kind": kind,
        "fixed_kind": bool(link.kind_slug),
        "token": token,
        "error": "",
    }
    try:
        zone = viewer_timezone(request, contact.account.timezone or settings.TIME_ZONE)
    except ValidationError as refusal:
        context.update(error=refusal.messages[0], zone="", days=[])
        return render(request, "booking/page.html", context, status=400)
    context["zone"] = zone
    status = 200
    if request.method == "POST" and kind is not None:
        if not allow_each(
            limits={
                f"booking:contact:{contact.pk}": PER_CONTACT,
                f"booking:addr:{client_address(request)}": PER_ADDRESS,
            },
            window=WINDOW,
        ):
            return render(request, "portal/rate_limited.html", status=429)
        try:
            booking, _ = book_meeting(
                contact=contact,
                kind=kind,
                starts_at=parse_start(request.POST.get("start")),
                timezone=zone,
                cause=Cause.by_customer(f"booking page ({contact.email})"),
            )
        except ValidationError as refusal:
            context["error"] = refusal.messages[0]
            status = STATUS.get(refusal.code, 400)
        else:
            return redirect("booking:meeting", token=manage_token(booking))
    context["days"] = days_of_slots(availability, kind, zone) if kind and availability else []
    return render(request, "booking/page.html", context, status=status)
