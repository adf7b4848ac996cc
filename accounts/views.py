"""Staff pages for accounts: the filtered list (and its CSV), the health status by hand.

The account page combines every app, so it lives in insights/ (insights/views.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.causes import Cause
from core.csv_export import csv_response
from core.sorting import sort_headers

from .filters import AccountFilter
from .forms import HealthStatusForm
from .models import Account
from .selectors import accounts_for_list
from .services import change_health_status

PAGE_SIZE = 50
# The table's columns: (header, sort key or None, first direction on click).
COLUMNS = [
    ("Account", "name", "asc"),
    ("Plan", None, ""),
    ("MRR", "mrr", "desc"),
    ("Owner", None, ""),
    ("Health", None, ""),
    ("Computed", "health_score", "asc"),
    ("Happiness", None, ""),
    ("Score", "score", "desc"),
    ("Milestone", None, ""),
    ("Last login", "last_login", "desc"),
    ("Last touch", "last_touch", "desc"),
    ("Tags", None, ""),
]
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
    "last_touch_at",
    "signed_up_at",
    "tags",
]


@login_required
@permission_required("accounts.view_account", raise_exception=True)
def account_list(request: HttpRequest) -> HttpResponse:
    """Filter, search, sort and page through accounts; htmx swaps only the table."""
    filters = AccountFilter(
        request.GET, queryset=accounts_for_list().order_by("name"), request=request
    )
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    if "sort" in query:  # one sort, the last asked for (old links repeated it)
        query["sort"] = query.getlist("sort")[-1]
    headers = sort_headers(query, COLUMNS, default="name", align_end=frozenset({"MRR", "Score"}))
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "headers": headers,
        "active_filters": sum(
            1 for name, value in query.items() if value and name not in {"sort", "q"}
        ),
    }
    template = "accounts/_account_table.html" if request.htmx else "accounts/account_list.html"
    return render(request, template, context)


@login_required
@permission_required("accounts.view_account", raise_exception=True)
def account_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV, streamed in chunks (any size, flat memory)."""
    filters = AccountFilter(
        request.GET, queryset=accounts_for_list().order_by("pk"), request=request
    )
    rows = (
        [
            a.external_id,
            a.name,
            a.plan,
            a.mrr,
            a.owner.email if a.owner else "",
            a.health_status,
            a.happiness,
            a.score,
            a.milestone,
            a.lifecycle,
            a.last_login_at,
            a.last_touch_at,
            a.signed_up_at,
            "; ".join(sorted(t.name for t in a.tags.all())),
        ]
        for a in filters.qs.iterator(chunk_size=2000)
    )
    return csv_response(filename="accounts.csv", header=EXPORT_COLUMNS, rows=rows)


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
        messages.success(
            request,
            "Health status changed and the card moved on the health board; "
            "the playbook's tag and messages follow shortly.",
        )
    else:
        messages.info(request, "The account already had that health status.")
    return redirect("accounts:detail", pk=pk)
