"""Template helpers of the account page: names, trigger labels and the htmx action wiring."""

from django import template
from django.utils.html import format_html

from ..timeline_sources import person as person_name
from ..timeline_sources import trigger_label as label_of_trigger

register = template.Library()


@register.filter
def person(user) -> str:
    """A staff member's full name (their username only when they have none)."""
    return person_name(user) if user else "unassigned"


@register.filter
def trigger_label(kind: str) -> str:
    """A trigger key ("feature_not_used") as its name ("Feature not used")."""
    return label_of_trigger(kind or "")


@register.simple_tag
def inline_action(url: str) -> str:
    """A form's plain POST target, and the htmx attributes that swap the page's section in.

    The action redirects back to the account page (or renders it with the form's
    errors, 400); htmx takes that page's #account-page and replaces ours with it.
    """
    return format_html(
        'method="post" action="{0}" hx-post="{0}" hx-target="#account-page" '
        'hx-select="#account-page" hx-swap="outerHTML"',
        url,
    )
