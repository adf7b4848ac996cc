"""The customer forms show the company: its name, and its logo where one is set."""

import pytest
from django.core.checks import run_checks

pytestmark = pytest.mark.django_db


def test_without_a_logo_the_forms_show_the_name_alone(client, links, settings):
    settings.COMPANY_NAME, settings.COMPANY_LOGO_URL = "Acme Cloud", ""

    page = client.get(links["feedback"]).content.decode()

    assert "Acme Cloud" in page
    assert 'data-testid="company-logo"' not in page


def test_a_logo_address_shows_beside_the_name(client, links, settings):
    settings.COMPANY_NAME = "Acme Cloud"
    settings.COMPANY_LOGO_URL = "https://cdn.acme.example/logo.svg"

    page = client.get(links["request"]).content.decode()

    assert '<img src="https://cdn.acme.example/logo.svg" alt="" data-testid="company-logo"' in page
    assert "Acme Cloud" in page


def test_a_static_path_is_served_from_static(client, links, settings):
    settings.COMPANY_LOGO_URL = "favicon.ico"

    page = client.get(links["feedback"]).content.decode()

    assert 'src="/static/favicon.ico"' in page


def test_a_static_path_that_names_no_file_fails_the_checks(settings):
    settings.COMPANY_LOGO_URL = "brand/missing-logo.svg"

    assert "portal.E001" in [message.id for message in run_checks()]


def test_an_existing_static_logo_passes_the_checks(settings):
    settings.COMPANY_LOGO_URL = "favicon.ico"

    assert "portal.E001" not in [message.id for message in run_checks()]
