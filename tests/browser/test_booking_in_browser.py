"""In a real browser: a customer books from the e-mail's link, in their own timezone (the
browser reports it), and the CSM sees the meeting on My day."""

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from accounts.roles import CSM
from booking.links import page_url
from booking.models import Availability, Booking, MeetingKind, WeeklyHours
from core.causes import Cause
from notifications.services import queue_customer_message
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


def csm_taking_bookings(kind):
    """A CSM who takes walkthroughs every day of the week, so the test finds free times
    whenever it runs."""
    user = UserFactory(username="carl", first_name="Carl", last_name="Berg", roles=[CSM])
    availability = Availability.objects.create(user=user, timezone="Europe/Berlin")
    availability.meeting_kinds.set([kind])
    WeeklyHours.objects.bulk_create(
        WeeklyHours(availability=availability, weekday=day, starts=time(9), ends=time(17))
        for day in range(7)
    )
    return user


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_customer_books_from_the_email_and_the_csm_sees_it_on_my_day(
    browser, live_server, width, height
):
    kind = MeetingKind.objects.get(slug="feature-walkthrough")
    owner = csm_taking_bookings(kind)
    account = AccountFactory(name="Acme Analytics", owner=owner, timezone="Europe/Berlin")
    contact = ContactFactory(account=account, name="Jordan Rivera", email="jordan@acme.example")
    message, _ = queue_customer_message(
        account=account,
        contact=contact,
        template_key="booking-offer",
        cause_key="browser-test",
        cause=Cause.by_system("browser test"),
        data={"meeting_kind": kind.name, "duration_minutes": 30, "staff_name": "Carl Berg"},
        links={"booking": page_url(contact, kind)},
    )
    [link] = re.findall(r"http://\S+/c/book/\S+/", message.body_text)

    customer = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        timezone_id="America/New_York",
    )
    page = customer.new_page()
    page.goto(link.split("127.0.0.1:8000", 1)[1])
    page.wait_for_url(re.compile(r"tz=America%2FNew_York"))
    expect(page.locator("#tz")).to_have_value("America/New_York")
    first = page.get_by_test_id("slot").first
    expect(first).to_be_visible()
    chosen = first.get_attribute("value")
    screenshot_of(page, f"booking-page-{width}")

    first.click()
    expect(page.get_by_test_id("booked")).to_have_text("You're booked")
    expect(page.get_by_test_id("booked-when")).to_contain_text("E")  # EST / EDT
    screenshot_of(page, f"booking-booked-{width}")
    booking = Booking.objects.get()
    assert booking.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ") == chosen
    assert booking.timezone == "America/New_York"
    customer.close()

    staff = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    tab = staff.new_page()
    tab.goto("/login/")
    tab.fill("#id_username", owner.username)
    tab.fill("#id_password", "correct horse battery")
    tab.click("button[type=submit]")
    tab.wait_for_url("**/")
    meetings = tab.get_by_test_id("my-meetings")
    expect(meetings).to_contain_text("Feature walkthrough")
    expect(meetings).to_contain_text("Acme Analytics")
    expect(meetings).to_contain_text("Jordan Rivera")
    meetings.scroll_into_view_if_needed()
    screenshot_of(tab, f"booking-my-day-{width}")
    staff.close()


def screenshot_of(page, name):
    """The conftest's screenshot fixture shoots its own page: point it at this one."""
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
