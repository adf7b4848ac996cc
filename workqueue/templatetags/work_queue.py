"""The work queue's sections on pages other apps own (My day, the account page), so those
pages only include a template: each tag reads its rows in a fixed number of queries."""

from django import template

from core import clock

from .. import report, selectors
from ..answers import row_actions

register = template.Library()
MY_DAY_SHOWN = 20


@register.inclusion_tag("workqueue/_my_day_queue.html", takes_context=True)
def my_day_queue(context) -> dict:
    """My open signals (the team's when My day shows the team), most urgent first."""
    request = context["request"]
    scope = context.get("scope")
    team = bool(scope and scope.team)
    if not request.user.has_perm("workqueue.view_signal"):
        return {"hidden": True}
    now = clock.now()
    signals = selectors.queue(owner=None if team else request.user, now=now)
    shown = selectors.rows(signals[:MY_DAY_SHOWN], now)
    return {
        **row_actions(request, where="team" if team else "mine"),
        "csrf_token": context.get("csrf_token"),
        "rows": shown,
        "count": len(shown) if len(shown) < MY_DAY_SHOWN else signals.count(),
        "team": team,
        "now": now,
    }


@register.inclusion_tag("workqueue/_account_work.html", takes_context=True)
def account_work(context) -> dict:
    """The account page's "log a call / meeting / note" form and its live signals."""
    request = context["request"]
    account = context["account"]
    now = clock.now()
    return {
        # Reassigning is the queue's (My day, /queue/): the page reads no staff list for it.
        **row_actions(request, where="account"),
        "csrf_token": context.get("csrf_token"),
        "account": account,
        "contacts": list(account.contacts.all()),  # prefetched by the page
        "rows": selectors.rows(selectors.live_signals_of(account), now),
        "can_log": request.user.has_perm("workqueue.add_touch"),
        "now": now,
    }


@register.inclusion_tag("workqueue/_team_report_section.html")
def team_report() -> dict:
    """The Reports page's "Work queue by CSM" section: the table, its chart, its CSV."""
    rows = report.team_rows(clock.now())
    return {
        "columns": report.COLUMNS,
        "rows": rows,
        "chart": report.chart(rows),
        "days": report.WINDOW_DAYS,
    }
