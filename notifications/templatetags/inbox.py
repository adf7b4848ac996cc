"""`{{ alert.body|without_bare_links }}`: an alert's text without the lines that are only a URL.

An alert's text is also its e-mail copy, which ends with the account page's
address for the mail reader; in the inbox that address is the link beside the
alert, so shown again as text it is only noise.
"""

import re

from django import template

register = template.Library()

BARE_LINK = re.compile(r"^\s*(https?://\S+|/\S*)\s*$")


@register.filter
def without_bare_links(text: str) -> str:
    """`text` without its URL-only lines (and the blank lines they leave at the end)."""
    kept = [line for line in (text or "").splitlines() if not BARE_LINK.match(line)]
    return "\n".join(kept).strip()
