"""Staff pages for accounts: the filtered list (and its CSV), the account page."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.causes import Cause
from core.timeline import timeline
from pipelines.models import Card
from portal.links import form_links
from scoring.models import ScoreEntry
from workflows.selectors import explain_account

from .filters import AccountFilter
from .forms import HealthStatusForm
from .models import Account
from .selectors import accounts_for_list, opt_outs_by_contact
from .services import change_health_status

PAGE_SIZE = 50
EXPORT_COLUMNS = [
    "external_id",
    "name",
    "plan",
    "mrr",
    "owner",
    "health_status",
    "happiness",
    "score",
    "milestone",
    "lifecycle",
    "last_login_at",
    "signed_up_at",
    "tags",
]


@login_required
@permission_required("accounts.view_account", raise_exception=True)
def account_list(request: HttpRequest) -> HttpResponse:
    """Filter, search, sort and page through accounts; htmx swaps only the table."""
    filters = AccountFilter(request.GET, queryset=accounts_for_list().order_by("name"))
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page, "query": query.urlencode()}
    template = "accounts/_account_table.html" if request.htmx else "accounts/account_list.html"
    return render(request, template, context)


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (names come from outside)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@permission_required("accounts.view_account", raise_exception=True)
def account_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV, streamed in chunks (any size, flat memory)."""
    filters = AccountFilter(request.GET, queryset=accounts_for_list().order_by("pk"))
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(EXPORT_COLUMNS)
        for a in filters.qs.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    _cell(a.external_id),
                    _cell(a.name),
                    a.plan,
                    a.mrr,
                    a.owner.email if a.owner else "",
                    a.health_status,
                    a.happiness,
                    a.score,
                    a.milestone,
                    a.lifecycle,
                    a.last_login_at.isoformat() if a.last_login_at else "",
                    a.signed_up_at.isoformat(),
                    "; ".join(sorted(t.name for t in a.tags.all())),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="accounts.csv"'
    return response


@login_required
@permission_required("accounts.view_account", raise_exception=True)
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Header, timeline, contacts, score ledger and why each tag/stage/score is there."""
    # Tags and cards are prefetched once for the header, the pipelines list and the
    # explanations (explain_account reads the same prefetched rows).
    cards = Card.objects.select_related("pipeline", "stage").order_by("pipeline__position")
    account = get_object_or_404(
        Account.objects.select_related("owner").prefetch_related(
            "tags", "contacts", Prefetch("cards", queryset=cards)
        ),
        pk=pk,
    )
    context = {
        "account": account,
        "contacts": opt_outs_by_contact(list(account.contacts.all())),
        "cards": account.cards.all(),
        "timeline": timeline(account),
        "ledger": ScoreEntry.objects.filter(account=account)
        .select_related("cause_user")
        .order_by("-created_at")[:20],
        "explanations": explain_account(account),
        "health_form": HealthStatusForm(initial={"status": account.health_status or None}),
        "can_change_health": request.user.has_perm("accounts.change_health_status"),
    }
    return render(request, "accounts/account_detail.html", context)


@login_required
@permission_required(["accounts.view_account", "accounts.view_contact"], raise_exception=True)
def account_form_links(request: HttpRequest, pk: int) -> HttpResponse:
    """Each contact's task-request and feedback links, for staff to paste into a chat or e-mail.

    Made only when asked for (each feedback link carries its own answer), not on every
    view of the account page; htmx gets the panel, a plain request the page around it.
    """
    account = get_object_or_404(Account.objects.prefetch_related("contacts"), pk=pk)
    context = {
        "account": account,
        "contacts": [(contact, form_links(contact)) for contact in account.contacts.all()],
        "link_days": settings.PORTAL_LINK_DAYS,
    }
    template = "accounts/_form_links.html" if request.htmx else "accounts/form_links.html"
    return render(request, template, context)


@login_required
@permission_required("accounts.change_health_status", raise_exception=True)
@require_POST
def account_health(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager sets the health status by hand; playbook b1 follows."""
    account = get_object_or_404(Account, pk=pk)
    form = HealthStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a health status.")
        return redirect("accounts:detail", pk=pk)
    try:
        changed = change_health_status(
            account=account,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            cause=Cause.by_user(request.user, "account page"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:detail", pk=pk)
    if changed:
        messages.success(request, "Health status changed; the playbook will follow in a moment.")
    else:
        messages.info(request, "The account already had that health status.")
    return redirect("accounts:detail", pk=pk)
