"""In a real browser: a manager adds Send survey in the builder with its pickers; the
survey's link and the e-mail's preview follow each choice, and the save publishes the
survey's parameters. At 1440 and 390 px, screenshot each."""

import pytest
from playwright.sync_api import expect

from notifications.models import MessageTemplate
from surveys.models import Survey
from tests.browser.conftest import BROWSER_DB
from workflows.models import Workflow
from workflows.services import publish

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.mark.parametrize("width", [1440, 390])
def test_a_manager_adds_a_survey_step_with_its_pickers(log_in, manager, screenshot, width):
    workflow = Workflow.objects.create(
        key="ask-csat", name="Ask CSAT", trigger="manual", is_active=False
    )
    publish(workflow=workflow)
    csat = Survey.objects.get(key="csat")
    usual = MessageTemplate.objects.get(key="survey-invitation")
    chosen = MessageTemplate.objects.get(key="satisfaction-survey")

    page = log_in(manager)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/workflows/{workflow.pk}/")
    adder = page.get_by_test_id("steps").locator(".builder-add").last
    adder.locator("select").select_option(label="Send survey")
    adder.get_by_test_id("add-step").click()
    step = page.get_by_test_id("step").last
    survey_link = step.get_by_role("link", name="Open the survey")
    preview = step.get_by_role("link", name="Preview the template")
    expect(survey_link).to_be_hidden()
    # The usual invitation is previewed before a template is chosen.
    expect(preview).to_have_attribute(
        "href", f"/admin/notifications/messagetemplate/{usual.pk}/preview/"
    )

    step.locator("select[name$='-survey']").select_option(label=csat.name)
    expect(survey_link).to_have_attribute("href", f"/surveys/{csat.pk}/")
    step.locator("select[name$='-template']").select_option("satisfaction-survey")
    expect(preview).to_have_attribute(
        "href", f"/admin/notifications/messagetemplate/{chosen.pk}/preview/"
    )
    step.locator("input[name$='-contact']").fill("data.contact_id")
    screenshot(f"builder-survey-step-{width}")
    page.get_by_role("button", name="Save and publish").click()

    expect(page.get_by_text("Saved: new runs use version 2.")).to_be_visible()
    assert Workflow.objects.get(pk=workflow.pk).current_version.steps == [
        {
            "action": "send_survey",
            "params": {
                "survey": "csat",
                "template": "satisfaction-survey",
                "contact": "data.contact_id",
            },
        }
    ]
