"""Staff pages that combine apps: My day and the account page.

They read across the domain apps and change nothing themselves; the forms on
them post to the owning app's views (e.g. the health status to accounts).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.forms import HealthStatusForm
from accounts.models import Account, AccountTag, Happiness, HealthStatus, Lifecycle, Milestone
from accounts.selectors import accounts_for_list, opt_outs_by_contact, portfolio_summary
from activity.models import Task, TaskStatus
from notifications.links import form_links
from notifications.models import Alert
from pipelines.models import Card
from scoring.models import ScoreEntry
from workflows.selectors import explain_account

from .timeline import timeline

AT_RISK_TAGS = ["Payment Failed", "Inactive"]


@login_required
@permission_required("accounts.view_account", raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    """My tasks due today and overdue, unread alerts, my at-risk accounts, portfolio charts."""
    user = request.user
    end_of_today = timezone.localtime().replace(hour=23, minute=59, second=59)
    my_tasks = (
        Task.objects.filter(assignee=user, status=TaskStatus.OPEN, due_at__lte=end_of_today)
        .select_related("account")
        .order_by("due_at")[:20]
    )
    alerts = Alert.objects.filter(user=user, read_at=None).select_related("account")[:10]
    at_risk = (
        accounts_for_list()
        .filter(owner=user, lifecycle=Lifecycle.ACTIVE)
        .filter(
            Q(health_status=HealthStatus.STRUGGLING)
            | Q(happiness=Happiness.NOT_HAPPY)
            # Read off the tag links: joining the accounts again hashed the whole table.
            | Q(pk__in=AccountTag.objects.filter(tag__name__in=AT_RISK_TAGS).values("account"))
        )
        .order_by("-mrr")[:20]
    )
    summary = portfolio_summary()
    context = {
        "my_tasks": my_tasks,
        "alerts": alerts,
        "at_risk": at_risk,
        "summary": summary,
        "charts": _portfolio_charts(summary),
        "now": timezone.now(),
        "soon": timezone.now() + timedelta(hours=24),
    }
    return render(request, "insights/home.html", context)


def _portfolio_charts(summary: dict) -> dict:
    """Health (with MRR), milestone and happiness distributions of the active accounts."""
    health_labels = [*HealthStatus.labels, "Not assessed"]
    health_keys = [*HealthStatus.values, ""]
    return {
        "health": {
            "labels": health_labels,
            "values": [summary["health"][k] for k in health_keys],
        },
        "mrr_by_health": {
            "labels": health_labels,
            "values": [float(summary["mrr_by_health"][k]) for k in health_keys],
        },
        "milestones": {
            "labels": ["None", *Milestone.labels],
            "values": [summary["milestones"][k] for k in ["", *Milestone.values]],
        },
        "happiness": {
            "labels": [*Happiness.labels, "Unknown"],
            "values": [summary["happiness"][k] for k in [*Happiness.values, ""]],
        },
    }


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
