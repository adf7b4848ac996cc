"""Booking's sections on pages other apps own (My day, the account page): each page only
includes a template, and each tag reads its rows in a fixed number of queries."""

from django import template

from core import clock

from .. import selectors

register = template.Library()
SHOWN = 10


@register.inclusion_tag("booking/_meetings.html", takes_context=True)
def my_meetings(context) -> dict:
    """My upcoming meetings and those started that still need an outcome (My day)."""
    request = context["request"]
    now = clock.now()
    mine = {"assignee": request.user}
    return {
        "title": "My meetings",
        "upcoming": list(selectors.upcoming_meetings(now=now).filter(**mine)[:SHOWN]),
        "to_mark": list(selectors.to_mark(now=now).filter(**mine)[:SHOWN]),
        "show_account": True,
        "can_mark": request.user.has_perm("activity.change_appointment"),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
        "testid": "my-meetings",
    }


@register.inclusion_tag("booking/_meetings.html", takes_context=True)
def account_meetings(context) -> dict:
    """The account's upcoming meetings, those awaiting an outcome, and "Book a meeting"."""
    request = context["request"]
    account = context["account"]
    now = clock.now()
    return {
        "title": "Meetings",
        "account": account,
        "upcoming": list(selectors.upcoming_meetings(now=now, days=60).filter(account=account)),
        "to_mark": list(selectors.to_mark(now=now).filter(account=account)[:SHOWN]),
        "show_account": False,
        "can_mark": request.user.has_perm("activity.change_appointment"),
        "can_book": request.user.has_perm("activity.add_appointment"),
        "csrf_token": context.get("csrf_token"),
        "next": request.get_full_path(),
        "testid": "account-meetings",
    }
