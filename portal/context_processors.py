"""What every customer-facing page shows of the company the customer deals with."""

from django.conf import settings
from django.http import HttpRequest


def company(request: HttpRequest) -> dict[str, str]:
    """The company's name (COMPANY_NAME) for the forms' header and title."""
    return {"company_name": settings.COMPANY_NAME}
