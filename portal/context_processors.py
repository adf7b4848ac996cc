"""What every customer-facing page shows of the company the customer deals with."""

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static


def company_logo_url() -> str:
    """COMPANY_LOGO_URL as a page can use it: an address as given, a static path resolved."""
    logo = settings.COMPANY_LOGO_URL.strip()
    if not logo or logo.startswith(("https://", "http://", "/")):
        return logo
    return static(logo)


def company(request: HttpRequest) -> dict[str, str]:
    """The company's name (COMPANY_NAME) and logo (COMPANY_LOGO_URL) for the forms' header."""
    return {"company_name": settings.COMPANY_NAME, "company_logo_url": company_logo_url()}
