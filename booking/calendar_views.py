"""The team's week: every staff member's meetings, day by day, for managers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from activity.models import Appointment, AppointmentStatus
from core import clock

# Who sees the whole team (the same as My day's team view: managers and admins).
TEAM_PERMISSION = "accounts.assign_owner"


def _monday(value: str, today: date) -> date:
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - timedelta(days=day.weekday())


@login_required
@permission_required(TEAM_PERMISSION, raise_exception=True)
@require_GET
def team_week(request: HttpRequest) -> HttpResponse:
    """A grid of staff × the seven days of a week (the team's timezone); cancelled meetings
    are left out. Two queries whatever the team's size."""
    zone = ZoneInfo(settings.TIME_ZONE)
    monday = _monday(str(request.GET.get("week", ""))[:10], clock.now().astimezone(zone).date())
    start = datetime.combine(monday, time(), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(), tzinfo=zone)
    meetings = list(
        Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end, assignee__isnull=False)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("account", "contact", "assignee", "booking__meeting_kind")
        .order_by("starts_at")
    )
    staff = list(
        get_user_model()
        .objects.filter(
            Q(availability__is_bookable=True) | Q(pk__in={m.assignee_id for m in meetings}),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "username")
    )
    days = [monday + timedelta(days=offset) for offset in range(7)]
    grid = {(m.assignee_id, m.starts_at.astimezone(zone).date()): [] for m in meetings}
    for m in meetings:
        grid[(m.assignee_id, m.starts_at.astimezone(zone).date())].append(m)
    rows = [
        {"user": user, "cells": [grid.get((user.pk, day), []) for day in days]} for user in staff
    ]
    context = {
        "days": days,
        "rows": rows,
        "zone": settings.TIME_ZONE,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "count": len(meetings),
    }
    return render(request, "booking/team_week.html", context)
