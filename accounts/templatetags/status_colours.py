"""`{% status_badge "health" account.health_status %}`: a status as a badge in its colour."""

from django import template
from django.utils.html import format_html

from ..colours import colour
from ..models import Happiness, HealthStatus, Lifecycle, Milestone

register = template.Library()

_LABELS = {
    "health": dict(HealthStatus.choices),
    "happiness": dict(Happiness.choices),
    "milestone": dict(Milestone.choices),
    "lifecycle": dict(Lifecycle.choices),
}
_EMPTY = {"health": "Not assessed", "happiness": "Unknown", "milestone": "None"}


@register.simple_tag
def status_badge(kind: str, value: str | None) -> str:
    """The badge for a status; an empty one is a grey dash titled "Not assessed"."""
    label = _LABELS[kind].get(value or "")
    if not label:
        # A dash in the narrow places badges sit in (the account page's header).
        return format_html(
            '<span class="badge text-bg-{}" data-status="" title="{}">—</span>',
            colour(kind, value),
            _EMPTY.get(kind, "Not set"),
        )
    return format_html(
        '<span class="badge text-bg-{}" data-status="{}">{}</span>',
        colour(kind, value),
        value or "",
        label,
    )


@register.filter
def status_colour(value: str | None, kind: str) -> str:
    """`{{ account.health_status|status_colour:"health" }}`: the colour name alone."""
    return colour(kind, value)
