"""What customers read: a way to ask for help in every e-mail, and texts that say what is true."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from accounts.services import change_health_status
from activity.services.logins import record_login
from activity.services.payments import record_payment
from core.causes import Cause
from notifications.catalogue import default_templates
from notifications.models import MessageTemplate
from notifications.services import queue_customer_message
from tests.factories import AccountFactory, ContactFactory
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import emails_to
from tests.workflows.test_playbook_a1 import sign_up
from workflows.sweeps import inactive_accounts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

ASK_US = "Need something? Ask us: "
BY_SYSTEM = Cause.by_system("test")


def payment(account, cause, **outcome):
    return record_payment(
        account=account,
        external_id="ch_1",
        invoice_id="in_1",
        amount=Decimal("99.00"),
        cause=cause,
        **outcome,
    )


def request_links(body: str) -> list[str]:
    return [word for word in body.split() if "/c/request/" in word]


def opens_the_request_form(client, link: str, account) -> bool:
    page = client.get(urlsplit(link).path)
    return page.status_code == 200 and f"What can we do for {account.name}?" in (
        page.content.decode()
    )


def test_the_welcome_e_mail_says_where_to_ask_for_help(deliver, client, csm, by_api):
    account = deliver(lambda: sign_up(csm, by_api))

    [welcome] = emails_to("jordan@acme.example")
    [link] = request_links(welcome.body)  # in the "how to get help" paragraph, not twice
    assert "ask us here and it goes straight to our team: " + link in welcome.body
    assert ASK_US not in welcome.body
    assert opens_the_request_form(client, link, account)


def test_the_struggling_e_mail_offers_the_request_form_first(
    deliver, client, account, contact, by_manager
):
    deliver(lambda: change_health_status(account=account, status="struggling", cause=by_manager))

    [email] = emails_to(contact.email)
    [link] = request_links(email.body)
    assert f"1. Tell us what's wrong on this short form, even in one line: {link}" in email.body
    assert opens_the_request_form(client, link, account)


def test_every_other_customer_e_mail_ends_with_ask_us(deliver, client, account, contact, by_api):
    deliver(lambda: payment(account, by_api, succeeded=True))

    [receipt] = emails_to(contact.email)
    last_line = receipt.body.rstrip().splitlines()[-1]
    assert last_line.startswith(ASK_US)
    assert opens_the_request_form(client, last_line.removeprefix(ASK_US), account)


def test_the_payment_failure_e_mail_explains_the_decline_in_words(
    deliver, account, contact, by_api
):
    deliver(lambda: payment(account, by_api, succeeded=False, failure_reason="insufficient_funds"))

    [notice] = emails_to(contact.email)
    assert "The card did not have enough funds available for this payment." in notice.body
    assert "insufficient_funds" not in notice.body


def inactivity_email(deliver, account, contact) -> str:
    deliver(inactive_accounts)
    [email] = emails_to(contact.email)
    return email.body


def test_an_account_that_never_logged_in_is_not_told_we_havent_seen_it(deliver, client, csm):
    account = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=100))
    contact = ContactFactory(account=account, email="new@never.example")

    body = inactivity_email(deliver, account, contact)

    assert "haven't seen you" not in body
    assert "100 days" not in body
    assert "nobody has logged in yet" in body
    assert "What's new" not in body  # nothing configured: no empty paragraph
    assert "\n\n\n" not in body
    [link] = request_links(body)
    assert opens_the_request_form(client, link, account)


def test_a_quiet_account_hears_how_long_and_whats_new_when_there_is_news(
    deliver, settings, account, contact, by_api
):
    settings.COMPANY_WHATS_NEW = "Shared dashboards, and exports to Excel."
    deliver(
        lambda: record_login(account=account, occurred_at=NOW - timedelta(days=9), cause=by_api)
    )

    body = inactivity_email(deliver, account, contact)

    assert "We haven't seen you in Example SaaS for 9 days" in body
    assert "What's new: Shared dashboards, and exports to Excel." in body


def test_no_default_text_promises_one_click_for_what_is_a_form():
    for values in default_templates():
        assert "one click" not in values["body_text"].lower(), values["key"]


def test_an_html_e_mail_gets_the_footer_as_a_link_and_an_sms_gets_none(account, contact):
    MessageTemplate.objects.create(
        key="html-news",
        name="News",
        channel="email",
        audience="customer",
        subject="News",
        body_text="Hello",
        body_html="<p>Hello</p>",
    )
    contact.phone = "+14155550100"
    contact.save()

    email, _ = queue_customer_message(
        account=account, template_key="html-news", cause_key="news:1", cause=BY_SYSTEM
    )
    sms, _ = queue_customer_message(
        account=account,
        template_key="f1-reminder-day-sms",
        cause_key="reminder:1",
        cause=BY_SYSTEM,
        data={"appointment_kind": "Success session", "starts_at": "Tue 24 Nov, 10:00"},
    )

    [link] = request_links(email.body_text)
    assert email.body_html == f'<p>Hello</p>\n<p>Need something? <a href="{link}">Ask us</a>.</p>'
    assert "/c/request/" not in sms.body_text


def test_the_footer_sits_above_a_closing_unsubscribe_line(account, contact):
    survey, _ = queue_customer_message(
        account=account, template_key="nps-survey", cause_key="nps:1", cause=BY_SYSTEM
    )

    *_, ask_us, unsubscribe = survey.body_text.split("\n\n")
    assert ask_us.startswith(ASK_US)
    assert unsubscribe.startswith("Don't want these e-mails? Unsubscribe: ")
