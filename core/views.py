"""The landing page staff see after logging in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import HealthStatus
from accounts.selectors import portfolio_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The portfolio at a glance: totals, MRR and the health distribution."""
    summary = portfolio_summary()
    health = [(status.label, summary[f"health_{status.value}"]) for status in HealthStatus]
    return render(request, "core/home.html", {"summary": summary, "health": health})
