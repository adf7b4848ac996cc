"""Staff pages that combine apps: the account page (My day is `my_day_views`).

They read across the domain apps and change nothing themselves; the forms on
them post to the owning app's views (e.g. the health status to accounts).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.forms import HealthStatusForm
from accounts.models import Account
from accounts.selectors import opt_outs_by_contact
from notifications.links import form_links
from pipelines.models import Card
from scoring.models import ScoreEntry
from workflows.selectors import explain_account

from .timeline import timeline


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
    return render(request, "insights/account_detail.html", context)


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
