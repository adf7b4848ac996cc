"""The navbar per role, the styled error pages (debug off) and the favicon."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

from accounts.roles import ADMIN
from tests.factories import UserFactory
from tests.web.html import text_of

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<a class="nav-link[^"]*" href="([^"]+)"')

STAFF_PAGES = [
    "/",
    "/accounts/",
    "/boards/",
    "/tasks/",
    "/conversations/",
    "/workflows/",
    "/reports/",
    "/surveys/",
]


def _nav_links(client) -> list[str]:
    page = client.get(reverse("home")).content.decode()
    nav = page[page.index('data-testid="nav-links"') : page.index("</ul>", page.index("nav-links"))]
    return NAV_LINK.findall(nav)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", roles=[ADMIN])


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("csm", STAFF_PAGES),
        ("manager", STAFF_PAGES),
        ("admin_user", STAFF_PAGES),
        ("affiliate_manager", ["/", "/accounts/"]),
    ],
)
def test_each_role_sees_the_pages_it_may_open_and_every_one_opens(client, request, role, expected):
    client.force_login(request.getfixturevalue(role))

    links = _nav_links(client)

    assert links == expected
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_affiliate_manager_meets_no_403_from_any_link_on_my_day(client, affiliate_manager):
    client.force_login(affiliate_manager)
    page = client.get(reverse("home")).content.decode()
    hrefs = set(re.findall(r'href="(/[^"]*)"', page)) - {"/logout/"}
    for href in sorted(hrefs):
        if href.startswith("/static/") or href.startswith("/admin/"):
            continue
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href


def test_the_unread_count_is_outside_the_collapsed_menu(client, csm):
    client.force_login(csm)
    page = client.get(reverse("home")).content.decode()
    assert page.index('data-testid="inbox-link"') < page.index('id="nav"')


def test_the_user_menu_holds_the_log_out(client, csm):
    client.force_login(csm)
    assert "Log out" in text_of(client.get(reverse("home")), "user-menu-items")


def test_favicon_is_served_from_the_static_files(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].startswith("/static/favicon")
    assert finders.find("favicon.ico")
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO header


@override_settings(DEBUG=False)
def test_a_missing_account_is_a_styled_404_inside_the_layout(client, csm):
    client.force_login(csm)
    response = client.get(reverse("accounts:detail", args=[999999]))
    assert response.status_code == 404
    assert "This page isn't here" in text_of(response, "error-404")
    assert "My day" in text_of(response, "nav-links")


@override_settings(DEBUG=False)
def test_a_forbidden_page_is_a_styled_403_inside_the_layout(client, affiliate_manager):
    client.force_login(affiliate_manager)
    response = client.get(reverse("tasks:list"))
    assert response.status_code == 403
    assert "You can't open this page" in text_of(response, "error-403")
    assert "Accounts" in text_of(response, "nav-links")


@override_settings(DEBUG=False, ROOT_URLCONF="tests.web.navigation_urls")
def test_a_server_error_is_a_styled_500_page(client, csm):
    client.raise_request_exception = False
    client.force_login(csm)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in text_of(response, "error-500")
    assert "OpenCSM" in response.content.decode()  # inside the layout
