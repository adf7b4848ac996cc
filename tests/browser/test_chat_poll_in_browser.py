"""A customer answers a playbook's chat poll from the widget: the choice opens the survey's
answer page with it chosen, and Send records the response (once)."""

import pytest
from playwright.sync_api import expect

from conversations.services import post_playbook_message
from core.causes import Cause
from surveys.building import parse_definition
from surveys.models import SurveyResponse
from surveys.polls import poll_for
from surveys.sending import open_send
from surveys.services import save_survey
from tests.browser.conftest import BROWSER_DB
from tests.browser.test_chat_in_browser import _product_tab, _shot, product_site  # noqa: F401
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_a_customer_answers_the_poll_from_the_widget(
    browser,
    asgi_live_server,
    product_site,  # noqa: F811
    settings,
):
    settings.SITE_URL = asgi_live_server.url
    account = AccountFactory(owner=UserFactory(), external_id="acme", name="Acme")
    ContactFactory(account=account, name="Jordan Rivera", external_id="user-7", is_primary=True)
    question = {"key": "plan", "kind": "single", "label": "Which plan fits you?"}
    spec = parse_definition(
        {"name": "Plan", "key": "plan", "questions": [{**question, "choices": ["Starter", "Pro"]}]}
    )
    survey = save_survey(spec=spec)[0]
    cause = Cause.by_system("test")
    send, _ = open_send(survey=survey, account=account, cause=cause, cause_key="t:1")
    text, poll = poll_for(send)
    post_playbook_message(account=account, body=text, dedupe_key="t:1", cause=cause, poll=poll)

    customer = _product_tab(browser, product_site, 390)
    customer.get_by_test_id("chat-launcher").click()
    choices = customer.get_by_test_id("chat-poll")
    expect(choices).to_contain_text("Starter")
    _shot(customer, "chat-poll-widget-390")
    with customer.context.expect_page() as opened:
        choices.get_by_role("link", name="Pro").click()
    page = opened.value
    expect(page.locator("input[value=Pro]")).to_be_checked()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("survey-thanks")).to_be_visible()
    assert SurveyResponse.objects.get().answers.get().chosen == ["Pro"]
    customer.context.close()
