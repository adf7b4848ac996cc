"""The navbar's search: a results page, and the dropdown htmx fills while typing."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import search as finder

PAGE_LIMIT = 25
DROPDOWN_LIMIT = 5


@login_required
@permission_required("accounts.view_account", raise_exception=True)
def search(request: HttpRequest) -> HttpResponse:
    """`?q=` across accounts, contacts and tasks; `?dropdown=1` (htmx) the few first of each."""
    dropdown = bool(request.htmx) and request.GET.get("dropdown") == "1"
    results = finder.search(
        request.user, request.GET.get("q"), DROPDOWN_LIMIT if dropdown else PAGE_LIMIT
    )
    context = {"results": results, "limit": DROPDOWN_LIMIT if dropdown else PAGE_LIMIT}
    template = "insights/_search_dropdown.html" if dropdown else "insights/search.html"
    return render(request, template, context)
