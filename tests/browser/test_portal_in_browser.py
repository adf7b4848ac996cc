"""In a real browser, as a customer: answer the NPS form, then change the answer."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from activity.models import Feedback
from core.causes import Cause
from notifications.links import form_links
from notifications.services import queue_customer_message
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_customer_who_answers_again_is_told_their_answer_and_can_change_it(
    page, csm, screenshot, width, height
):
    account = AccountFactory(name="Acme Analytics", owner=csm)
    contact = ContactFactory(account=account, name="Jordan Rivera", email="jordan@acme.example")
    link = form_links(contact)["feedback"].split("127.0.0.1:8000", 1)[1]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(link)  # opened from the e-mail, left open
    expect(page.get_by_test_id("company")).to_have_text("Example SaaS")
    tops = {round(label.bounding_box()["y"]) for label in page.locator(".nps-scale label").all()}
    assert len(tops) == 1, "the eleven scores sit on one line"
    # One control per score: the radio is Bootstrap's clipped btn-check, the label its button.
    clip = page.locator("#id_nps_0").evaluate("e => getComputedStyle(e).clip")
    assert clip == "rect(0px, 0px, 0px, 0px)"
    screenshot(f"nps-form-{width}")

    first_tab = page.context.new_page()  # the same link, answered in another tab
    first_tab.goto(link)
    first_tab.click("label[for=id_nps_3]")
    first_tab.fill("#id_comment", "The export keeps failing")
    first_tab.click("button[type=submit]")
    expect(first_tab.locator("h1")).to_have_text("Thank you!")
    first_tab.close()

    page.click("label[for=id_nps_9]")
    page.fill("#id_comment", "Support fixed the export")
    page.click("button[type=submit]")

    recorded = page.get_by_test_id("recorded-answer")
    expect(recorded).to_contain_text("You answered 3 on")
    expect(recorded).to_contain_text("Change my answer to 9?")
    expect(page.locator("#id_nps_9")).to_be_checked()
    expect(page.locator("#id_comment")).to_have_value("Support fixed the export")
    assert Feedback.objects.get().nps == 3  # nothing is replaced before they confirm
    screenshot(f"portal-feedback-change-{width}")

    page.click("button[type=submit]")
    expect(page.locator("body")).to_contain_text("Your answer is changed")
    feedback = Feedback.objects.get()
    assert (feedback.nps, feedback.comment, feedback.revision) == (
        9,
        "Support fixed the export",
        1,
    )

    page.goto(link)
    expect(page.get_by_test_id("recorded-answer")).to_contain_text("You answered 9 on")
    expect(page.locator("#id_nps_9")).to_be_checked()
    expect(page.locator("button[type=submit]")).to_have_text("Change my answer")
    screenshot(f"portal-feedback-answered-{width}")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_score_from_the_email_opens_the_form_chosen_and_one_press_sends_it(
    page, csm, screenshot, settings, width, height, django_capture_on_commit_callbacks
):
    settings.COMPANY_LOGO_URL = "favicon.ico"
    account = AccountFactory(name="Acme Analytics", owner=csm)
    ContactFactory(account=account, name="Jordan Rivera", email="jordan@acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        queue_customer_message(
            account=account, template_key="nps-survey", cause_key="nps:1", cause=Cause.by_system()
        )
    html = mail.outbox[0].alternatives[0][0]
    page.set_viewport_size({"width": width, "height": height})
    page.set_content(html)  # the e-mail as a mail client shows it
    screenshot(f"nps-email-{width}")
    seven = page.locator("a", has_text="7").first.get_attribute("href")

    page.goto(seven.split("127.0.0.1:8000", 1)[1])

    expect(page.get_by_test_id("company-logo")).to_be_visible()
    expect(page.get_by_test_id("chosen-score")).to_contain_text("You chose 7")
    expect(page.locator("#id_nps_7")).to_be_checked()
    assert Feedback.objects.count() == 0  # opening the link records nothing
    screenshot(f"nps-from-email-{width}")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Thank you!")
    assert Feedback.objects.get().nps == 7
