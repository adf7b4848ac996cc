"""In a real browser: a manager builds a survey, a contact answers it from the e-mail link,
and the results page shows the answer (screenshots at 1440 and 390 px)."""

import re

import pytest
from playwright.sync_api import expect

from core.causes import Cause
from notifications.models import Message
from surveys.models import Survey
from surveys.sending import send_survey
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


def add_question(page, label: str, kind: str, key: str, options: str = "") -> None:
    page.get_by_role("button", name="Add a question").click()
    item = page.locator(".survey-question").last
    item.locator("input[name$='-label']").fill(label)
    item.locator("select[name$='-kind']").select_option(kind)
    item.locator("input[name$='-key']").fill(key)
    if options:
        item.locator("textarea[name$='-choices']").fill(options)


def test_a_manager_builds_a_survey_a_contact_answers_it_and_the_results_show_it(
    page, log_in, manager, screenshot
):
    log_in(manager)
    page.goto("/surveys/")
    page.get_by_role("link", name="New survey").click()
    page.fill("input[name=name]", "Onboarding check")
    page.fill("input[name=key]", "onboarding")
    page.fill("textarea[name=intro]", "Two quick questions about your first week.")
    page.fill("textarea[name=thank_you]", "Thanks! Your CSM will read this today.")
    add_question(page, "Where do you use us?", "multiple", "channels", "Web\nMobile\nAPI")
    add_question(page, "How easy was the set-up?", "ces", "ease")
    # Drag the set-up question above the first one (SortableJS, by its handle).
    handles = page.locator(".drag-handle")
    handles.nth(1).drag_to(handles.nth(0))
    page.set_viewport_size({"width": 1440, "height": 900})
    screenshot("survey-builder-1440")
    page.get_by_role("button", name="Save survey").click()
    expect(page.locator("h1")).to_contain_text("Onboarding check")
    survey = Survey.objects.get(key="onboarding")
    keys = [q.key for q in survey.versions.get().questions.all()]
    assert sorted(keys) == ["channels", "ease"]
    dragged = keys == ["ease", "channels"]

    account = AccountFactory(name="Acme Analytics", owner=manager)
    ContactFactory(account=account, name="Jordan Rivera", is_primary=True)
    send_survey(survey=survey, account=account, cause=Cause.by_system("test"), cause_key="t:1")
    body = Message.objects.get(template__key="survey-invitation").body_text
    link = re.search(r"http://127\.0\.0\.1:8000(/s/\S+)", body).group(1)

    customer = page.context.new_page()
    customer.set_viewport_size({"width": 390, "height": 844})
    customer.goto(link)
    expect(customer.locator("body")).to_contain_text("Two quick questions")
    customer.get_by_role("button", name="Send").click()  # the required one left empty
    expect(customer.get_by_test_id("error-ease")).to_contain_text("Please answer")
    customer.click("label[for=q-ease-6]")
    customer.get_by_label("API").check()
    customer.wait_for_timeout(500)
    screenshot_page(customer, "survey-answer-390")
    customer.get_by_role("button", name="Send").click()
    expect(customer.get_by_test_id("survey-thanks")).to_be_visible()
    expect(customer.locator("body")).to_contain_text("Your CSM will read this today.")
    customer.goto(link)
    expect(customer.get_by_test_id("already-answered")).to_be_visible()
    customer.close()

    page.goto(f"/surveys/{survey.pk}/")
    expect(page.get_by_test_id("responses")).to_have_text("1")
    expect(page.get_by_test_id("response-rate")).to_have_text("100 %")
    expect(page.get_by_test_id("score-ease")).to_have_text("6.0")
    expect(page.locator("canvas[data-chart=q-ease]")).to_be_visible()
    page.wait_for_timeout(1500)  # Chart.js's opening animation, for the screenshot
    screenshot("survey-results-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(1500)
    screenshot("survey-results-390")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.select_option("#plan", "enterprise")  # Acme is on Starter
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("responses")).to_have_text("0")  # swapped in by htmx
    assert "plan=enterprise" in page.url
    assert dragged, "the dragged order is the saved one"


def screenshot_page(tab, name: str) -> None:
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
