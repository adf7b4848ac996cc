"""Staff pages that combine apps: the account page and its timeline (My day: `my_day_views`).

They read across the domain apps and change nothing themselves; the account
page's inline actions are in account_actions.py, the health form posts to accounts.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from accounts.models import Account, Tag
from notifications.links import form_links

from .account_page import (
    account_context,
    cursor_from,
    ledger_page,
    load_account,
    timeline_card,
    timeline_groups,
    timeline_query,
    timeline_url,
)
from .timeline import timeline

TAG_SUGGESTIONS = 300
# The id of the timeline card's filter form, which htmx sends as HX-Trigger.
FILTERS = "timeline-filters"


def _account_or_404(pk: int) -> Account:
    try:
        return load_account(pk)
    except Account.DoesNotExist:
        raise Http404("No such account.") from None


@login_required
@permission_required("accounts.view_account", raise_exception=True)
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Header, inline actions, timeline, contacts, score ledger and why each tag/stage is there."""
    account = _account_or_404(pk)
    try:
        context = account_context(request, account)
    except ValueError:
        return HttpResponseBadRequest("That is not a position in this account's timeline.")
    return render(request, "insights/account_detail.html", context)


@login_required
@permission_required("accounts.view_account", raise_exception=True)
def account_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """A page of the timeline in the chosen groups: list items for htmx, a page otherwise.

    The account page's timeline card fetches its first page from here once it has
    loaded, so the page does not pay for a dozen sources; "load older" and the type
    filters read here too. Without JavaScript the same links open the timeline as a
    page of its own, filters and "load older" included.
    """
    account = get_object_or_404(Account, pk=pk)
    try:
        before = cursor_from(request, "before")
    except ValueError:
        return HttpResponseBadRequest("That is not a position in this account's timeline.")
    groups = timeline_groups(request)
    page = timeline(account, groups=groups, before=before)
    context = {
        "account": account,
        "timeline": page,
        "timeline_query": timeline_query(groups),
        "older_url": timeline_url(account, groups, page.next) if page.next else "",
    }
    if not request.htmx:
        context.update(timeline_card(account, groups, before))
        return render(request, "insights/timeline.html", context)
    response = render(request, "insights/_timeline_items.html", context)
    if request.htmx.trigger == FILTERS:
        # The filters changed: the address bar keeps them, on whichever page they are.
        response["HX-Push-Url"] = _filtered_page_url(request, account, groups)
    return response


def _filtered_page_url(request: HttpRequest, account: Account, groups: set[str]) -> str:
    own_page = reverse("accounts:timeline", args=[account.pk])
    on_own_page = urlsplit(request.htmx.current_url or "").path == own_page
    url = own_page if on_own_page else reverse("accounts:detail", args=[account.pk])
    query = timeline_query(groups)
    return f"{url}?{query}" if query else url


@login_required
@permission_required("accounts.view_tag", raise_exception=True)
def tag_options(request: HttpRequest) -> HttpResponse:
    """The existing tags' names as <option>s, offered while typing a tag on the account page.

    Read when the field is first focused, not with every view of the page.
    """
    names = Tag.objects.order_by("name").values_list("name", flat=True)[:TAG_SUGGESTIONS]
    return render(request, "insights/_tag_options.html", {"names": names})


@login_required
@permission_required(["accounts.view_account", "scoring.view_scoreentry"], raise_exception=True)
def account_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """Older score entries ("show older"), as table rows."""
    account = get_object_or_404(Account, pk=pk)
    try:
        ledger, ledger_next = ledger_page(account, cursor_from(request, "before"))
    except ValueError:
        return HttpResponseBadRequest("That is not a position in this account's score ledger.")
    context = {"account": account, "ledger": ledger, "ledger_next": ledger_next}
    template = "insights/_ledger_rows.html" if request.htmx else "insights/ledger.html"
    return render(request, template, context)


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
    template = "insights/_form_links.html" if request.htmx else "insights/form_links.html"
    return render(request, template, context)
