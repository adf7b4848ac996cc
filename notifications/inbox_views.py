"""The staff inbox: my alerts, newest first; mark one or all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .inbox_filters import InboxFilterForm
from .models import Alert
from .preferences import AlertSettingsForm, current_settings, save_alert_settings, staff_kinds
from .services import mark_alert_read, mark_all_alerts_read
from .slack import current_slack_url

PAGE_SIZE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """My alerts, newest first, 50 a page; unread ones stand out; filtered by kind,
    account or my own accounts."""
    form = InboxFilterForm(request.GET or None, user=request.user)
    alerts = form.apply(Alert.objects.filter(user=request.user), request.user)
    page = Paginator(
        alerts.select_related("account").order_by("-created_at", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "form": form, "query": query.urlencode()}
    template = "notifications/_alert_list.html" if request.htmx else "notifications/inbox.html"
    return render(request, template, context)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of my alerts read (another user's is a 404); htmx swaps the item and,
    out of band, the navbar's unread count."""
    alert = get_object_or_404(Alert.objects.select_related("account"), pk=pk, user=request.user)
    mark_alert_read(alert=alert)
    if request.htmx:
        alert.refresh_from_db(fields=["read_at"])
        return render(request, "notifications/_alert_read.html", {"alert": alert, "oob": True})
    return redirect("inbox:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    """Mark all my unread alerts read."""
    count = mark_all_alerts_read(user=request.user)
    if count:
        messages.success(request, f"Marked {count} alert{'s' if count != 1 else ''} read.")
    else:
        messages.info(request, "No unread alert.")
    return redirect("inbox:list")


@login_required
def alert_settings(request: HttpRequest) -> HttpResponse:
    """How each kind of alert reaches me: at once, in an hourly or daily digest, or not at all.

    A choice that is not offered is a 400 with the form and its errors.
    """
    kinds = staff_kinds()
    chosen, timezone = current_settings(request.user)
    form = AlertSettingsForm(
        request.POST or None,
        kinds=kinds,
        chosen=chosen,
        timezone=timezone,
        slack_url=current_slack_url(request.user),
    )
    if request.method == "POST":
        if form.is_valid():
            save_alert_settings(
                user=request.user,
                kinds=kinds,
                choices=form.cleaned_data,
                timezone=form.cleaned_data["timezone"],
                slack_url=form.cleaned_data["slack_url"],
            )
            messages.success(request, "Alert settings saved.")
            return redirect("inbox:settings")
        return render(request, "notifications/alert_settings.html", {"form": form}, status=400)
    return render(request, "notifications/alert_settings.html", {"form": form})
