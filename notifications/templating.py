"""Rendering message templates against a fixed, safe context.

Templates are edited by managers, so they see plain values only (no model
instances, no methods), through engines with no loaders: a template can
format what it is given and nothing else. Text parts render with
autoescaping off; the HTML part with it on.

Render only through `render_text` / `render_html`: a bare `Context(...)`
switches autoescaping on whatever the engine says, which is how
"O'Brien & Sons" once became `O&#x27;Brien &amp; Sons` in subjects and tags.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.urls import reverse
from django.utils.html import format_html

if TYPE_CHECKING:
    from accounts.models import Account, Contact

    from .models import MessageTemplate

_LIBRARIES = {"humanize": "django.contrib.humanize.templatetags.humanize"}
TEXT_ENGINE = Engine(autoescape=False, libraries=_LIBRARIES)
HTML_ENGINE = Engine(autoescape=True, libraries=_LIBRARIES)
# Only for validation: an unknown variable shows up as this marker.
_UNKNOWN = "\x00unknown:%s\x00"
CHECK_ENGINES = {
    False: Engine(autoescape=False, libraries=_LIBRARIES, string_if_invalid=_UNKNOWN),
    True: Engine(autoescape=True, libraries=_LIBRARIES, string_if_invalid=_UNKNOWN),
}
PARTS = [("subject", False), ("body_text", False), ("body_html", True)]


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str


def render_text(source: str, context: dict[str, Any]) -> str:
    """`source` filled in as plain text: subjects, text bodies, SMS, alerts, tag names, reasons.

    Nothing is escaped; the result is never HTML, and whatever shows it in a
    page escapes it there.
    """
    return _render(TEXT_ENGINE, source, context)


def render_html(source: str, context: dict[str, Any]) -> str:
    """`source` filled in as HTML: every value is escaped."""
    return _render(HTML_ENGINE, source, context)


def _render(engine: Engine, source: str, context: dict[str, Any]) -> str:
    # Context's own autoescape default (True) would override the engine's.
    return engine.from_string(source).render(Context(context, autoescape=engine.autoescape))


def render(template: MessageTemplate, context: dict[str, Any]) -> Rendered:
    """Render every part of `template`; the subject is kept to one line."""
    subject = render_text(template.subject, context)
    return Rendered(
        subject=" ".join(subject.split())[:200],
        body_text=render_text(template.body_text, context).strip(),
        body_html=render_html(template.body_html, context) if template.body_html.strip() else "",
    )


def with_help_footer(
    rendered: Rendered, *, request_link: str, unsubscribe_link: str = ""
) -> Rendered:
    """`rendered` with "Need something? Ask us: <link>", the customer's way to the team.

    Added here rather than in each template, so a template a manager writes
    gets it too; left out where the text already offers the request link. It
    goes last, or just above a closing unsubscribe line.
    """
    if not request_link or request_link in rendered.body_text:
        return rendered
    footer = f"Need something? Ask us: {request_link}"
    paragraphs = rendered.body_text.split("\n\n")
    at = len(paragraphs)
    if unsubscribe_link and len(paragraphs) > 1 and unsubscribe_link in paragraphs[-1]:
        at -= 1
    paragraphs.insert(at, footer)
    html = rendered.body_html
    if html:
        footer_html = format_html('<p>Need something? <a href="{}">Ask us</a>.</p>\n', request_link)
        last = html.rfind("<p")
        if unsubscribe_link and last > 0 and unsubscribe_link in html[last:]:
            html = html[:last] + footer_html + html[last:]  # above the closing unsubscribe line
        else:
            html += "\n" + footer_html.rstrip("\n")
    return replace(rendered, body_text="\n\n".join(paragraphs), body_html=html)


def validate_template(template: MessageTemplate) -> None:
    """Refuse a template that would fail or print blanks at send time.

    Each part is compiled and rendered against a sample context: syntax
    errors, unknown filters and misspelt variables (`{{ acount.name }}`) are
    reported on the field at save time, not discovered by a customer.
    """
    errors: dict[str, str] = {}
    sample = sample_context()
    for field, autoescape in PARTS:
        source = getattr(template, field)
        if not source.strip():
            continue
        try:
            output = _render(CHECK_ENGINES[autoescape], source, sample)
        except TemplateSyntaxError as error:
            errors[field] = f"Template error: {error}"
            continue
        except Exception as error:  # a filter failing on real-looking values
            errors[field] = f"This template fails to render: {error}"
            continue
        if "\x00unknown:" in output:
            unknown = sorted({part.split("\x00")[0] for part in output.split("\x00unknown:")[1:]})
            errors[field] = f"Unknown variable(s): {', '.join(unknown)}."
    if template.channel == "email" and not template.subject.strip():
        errors["subject"] = "An e-mail needs a subject."
    if not template.body_text.strip():
        errors["body_text"] = "The text cannot be empty."
    if errors:
        raise ValidationError(errors)


class AnyData(dict):
    """Trigger data for previews and validation: any key reads as a placeholder."""

    def __missing__(self, key: str) -> str:
        return f"[{key}]"


def build_context(
    *,
    account: Account | None,
    contact: Contact | None = None,
    recipient_name: str = "",
    data: dict[str, Any] | None = None,
    links: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The context every message template sees, as plain values."""
    owner = account.owner if account is not None else None
    return {
        "account": _account_values(account),
        "contact": _person(contact.name if contact else "", contact.email if contact else ""),
        "owner": _person(owner.get_full_name() or owner.username, owner.email)
        if owner
        else _person("", ""),
        "recipient": _person(recipient_name, ""),
        "company": _company(),
        "data": dict(data or {}),
        "links": dict(links or {}),
    }


def sample_context() -> dict[str, Any]:
    """A believable context for previews and validation."""
    return {
        "account": {
            "name": "Acme Analytics",
            "external_id": "acct_123",
            "plan": "Pro",
            "mrr": "499.00",
            "score": 640,
            "milestone": "Moderate",
            "health_status": "Healthy",
            "happiness": "Happy",
            "url": absolute_url("/"),
        },
        "contact": _person("Jordan Rivera", "jordan@acme.example"),
        "owner": _person("Carla Success", "carla@opencsm.example"),
        "recipient": _person("Jordan Rivera", ""),
        "company": _company(),
        "data": AnyData(),
        "links": AnyData(),
    }


def absolute_url(path: str) -> str:
    """`path` on this OpenCSM installation, for links in messages."""
    return settings.SITE_URL.rstrip("/") + path


def _company() -> dict[str, str]:
    return {
        "name": settings.COMPANY_NAME,
        "support_email": settings.COMPANY_SUPPORT_EMAIL,
        "url": settings.COMPANY_URL,
        # "" leaves the re-engagement e-mail's "What's new" paragraph out.
        "whats_new": settings.COMPANY_WHATS_NEW,
    }


def _person(name: str, email: str) -> dict[str, str]:
    return {"name": name, "first_name": name.split(" ")[0] if name else "", "email": email}


def _account_values(account: Account | None) -> dict[str, Any]:
    if account is None:
        return {}
    return {
        "name": account.name,
        "external_id": account.external_id,
        "plan": account.get_plan_display(),
        "mrr": account.mrr,
        "score": account.score,
        "milestone": account.get_milestone_display() if account.milestone else "",
        "health_status": account.get_health_status_display() if account.health_status else "",
        "happiness": account.get_happiness_display() if account.happiness else "",
        "url": account_url(account),
    }


def account_url(account: Account) -> str:
    """The staff page of `account`, as an absolute link for alerts."""
    return absolute_url(reverse("accounts:detail", args=[account.pk]))
