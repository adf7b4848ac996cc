"""My day: what a CSM should look at first, and the portfolio at a glance."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import AccountTag, Happiness, HealthStatus, Lifecycle, Milestone
from accounts.selectors import accounts_for_list, portfolio_summary
from activity.models import Task, TaskStatus
from notifications.models import Alert

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
    return render(request, "core/home.html", context)


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
