"""Booking's sections on pages other apps own (My day, the account page): each page only
includes a template, and each tag reads its rows in one query."""

from django import template

from core import clock

from .. import selectors
from ..calendar_views import TEAM_PERMISSION

register = template.Library()
SHOWN = 40


def _section(context, meetings, now, **extra) -> dict:
    request = context["request"]
    to_mark, upcoming = selectors.split_started(meetings, now)
    return {
        "upcoming": upcoming,
        "to_mark": to_mark,
        "can_mark": request.user.has_perm("activity.change_appointment"),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
        **extra,
    }


@register.inclusion_tag("booking/_meetings.html", takes_context=True)
def my_meetings(context) -> dict:
    """My meetings of the next two weeks, and those started that still need an outcome."""
    now = clock.now()
    mine = selectors.booked_meetings(now=now).filter(assignee=context["request"].user)
    return _section(
        context,
        list(mine[:SHOWN]),
        now,
        title="My meetings",
        show_account=True,
        # Managers reach the team's week from here (the navbar stays as it is).
        can_see_team=context["request"].user.has_perm(TEAM_PERMISSION),
        testid="my-meetings",
    )


@register.inclusion_tag("booking/_meetings.html", takes_context=True)
def account_meetings(context) -> dict:
    """The account's booked meetings (next 60 days, and those awaiting an outcome), with
    "Book a meeting"."""
    account = context["account"]
    now = clock.now()
    meetings = selectors.booked_meetings(now=now, ahead_days=60).filter(account=account)
    return _section(
        context,
        list(meetings[:SHOWN]),
        now,
        title="Meetings",
        account=account,
        show_account=False,
        can_book=context["request"].user.has_perm("activity.add_appointment"),
        testid="account-meetings",
    )
