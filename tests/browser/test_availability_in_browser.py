"""In a real browser: a CSM opens My availability from the user menu, sets two ranges on
Monday (the second added with htmx), a day off and their timezone; an overlap is refused
with nothing saved; the booking link then offers times only inside the hours."""

from datetime import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import CSM
from booking.links import page_token
from booking.models import Availability, MeetingKind, WeeklyHours
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


def open_user_menu(page, width):
    if width < 992:
        page.get_by_role("button", name="Menu").click()
        expect(page.locator("#nav.collapse.show")).to_be_visible()
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_test_id("user-menu")).to_have_attribute("aria-expanded", "true")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_csm_sets_their_hours_and_customers_see_only_those_times(
    log_in, page, screenshot, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    csm = UserFactory(username="dana", first_name="Dana", last_name="Park", roles=[CSM])
    contact = ContactFactory(
        account=AccountFactory(owner=csm, timezone="America/New_York"), email="ana@acme.example"
    )
    log_in(csm)

    open_user_menu(page, width)
    page.get_by_role("link", name="My availability").click()
    expect(page.get_by_role("heading", name="My availability")).to_be_visible()
    page.get_by_test_id("timezone").select_option("America/New_York")
    page.get_by_test_id("buffer").select_option("15")
    monday = page.get_by_test_id("day-0")
    monday.get_by_test_id("add-range-0").click()
    expect(monday.locator(".hours-range")).to_have_count(1)
    monday.get_by_label("From").fill("09:00")
    monday.get_by_label("Until").fill("12:00")
    monday.get_by_test_id("add-range-0").click()
    expect(monday.locator(".hours-range")).to_have_count(2)
    monday.get_by_label("From").nth(1).fill("11:00")
    monday.get_by_label("Until").nth(1).fill("15:00")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_test_id("save-availability").click()

    expect(page.get_by_test_id("availability-errors")).to_contain_text("Nothing was saved")
    expect(page.get_by_test_id("day-error-0")).to_contain_text("overlap")
    assert not Availability.objects.filter(user=csm).exists()
    screenshot(f"availability-refused-{width}")

    page.get_by_test_id("day-0").get_by_label("From").nth(1).fill("13:00")
    page.get_by_test_id("day-0").get_by_label("Until").nth(1).fill("15:00")
    page.get_by_test_id("save-availability").click()

    expect(page.get_by_role("alert")).to_contain_text("Availability saved.")
    expect(page.get_by_test_id("day-0").locator(".hours-range")).to_have_count(2)
    availability = Availability.objects.get(user=csm)
    assert availability.timezone == "America/New_York"
    assert availability.buffer_minutes == 15
    assert sorted(
        (h.weekday, h.starts, h.ends) for h in WeeklyHours.objects.filter(availability__user=csm)
    ) == [(0, time(9), time(12)), (0, time(13), time(15))]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"availability-saved-{width}")

    kind = MeetingKind.objects.get(slug="feature-walkthrough")
    page.goto(reverse("booking:page", args=[page_token(contact, kind)]) + "?tz=America/New_York")
    labels = page.get_by_test_id("slot").all_inner_texts()
    assert labels
    assert set(labels) <= {"09:00", "09:30", "10:00", "10:30", "11:00", "11:30"} | {
        "13:00",
        "13:30",
        "14:00",
        "14:30",
    }
    screenshot(f"availability-booking-page-{width}")
