"""A logo path that names no static file would break every customer form: say so at start."""

from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import Error, register


@register()
def check_company_logo(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """COMPANY_LOGO_URL, when a static path, must name a file the static finders know."""
    logo = settings.COMPANY_LOGO_URL.strip()
    if not logo or logo.startswith(("https://", "http://", "/")):
        return []
    if finders.find(logo):
        return []
    return [
        Error(
            f"COMPANY_LOGO_URL names the static file {logo!r}, which is not there.",
            hint="Put the file under static/ (e.g. static/brand/logo.svg → brand/logo.svg), "
            "or give a full https:// address.",
            id="portal.E001",
        )
    ]
