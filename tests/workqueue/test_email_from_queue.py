"""From a queue row: preview a template e-mail for the primary contact, send it once."""

import re

import pytest
from django.urls import reverse

from accounts.services.optouts import opt_out_contact
from core.causes import Cause
from core.lanes import INTERACTIVE
from notifications.models import Message, MessageStatus, MessageTemplate
from tests.factories import ContactFactory
from tests.web.html import text_of, timeline_of
from workqueue.models import Touch, TouchKind
from workqueue.services import Found, raise_signals

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def signal(account):
    [opened] = raise_signals(
        reason="advocacy", found=[Found(account.pk, "k", {"nps": 10})], cause=Cause.by_system("t")
    ).opened
    return opened


@pytest.fixture
def ana(account):
    return ContactFactory(account=account, name="Ana Lima", email="ana@customer.example")


def preview(client, signal, template="testimonial-request", **headers):
    url = reverse("workqueue:email", args=[signal.pk])
    return client.get(url, {"template": template, "next": "/"}, **headers)


def send_key_of(page) -> str:
    return re.search(r'name="send_key" value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_the_row_offers_the_customer_e_mail_templates_but_not_transactional_ones(
    client, csm, signal, ana
):
    client.force_login(csm)
    templates = text_of(client.get(reverse("home")), "email-template")
    assert "Testimonial request" in templates
    assert "receipt" not in templates.lower()  # a transactional text ignores unsubscribes


def test_the_preview_is_the_template_rendered_for_the_primary_contact(client, csm, signal, ana):
    client.force_login(csm)
    page = preview(client, signal, **HTMX)
    assert page.status_code == 200
    assert text_of(page, "email-to") == "Ana Lima <ana@customer.example>"
    assert "Would you share your experience" in text_of(page, "email-subject")
    assert "Hi Ana," in text_of(page, "email-body")
    assert "Send to Ana Lima" in text_of(page, "email-send")
    assert not Message.objects.exists()  # a preview writes nothing


def test_without_javascript_the_preview_is_a_page_of_its_own(client, csm, signal, ana):
    client.force_login(csm)
    page = preview(client, signal)
    assert "E-mail to" in page.content.decode()
    assert "Back without sending" in page.content.decode()
    assert "Hi Ana," in text_of(page, "email-body")


def test_sending_queues_it_in_the_interactive_lane_and_logs_a_touch(client, csm, signal, ana):
    client.force_login(csm)
    key = send_key_of(preview(client, signal, **HTMX))
    response = client.post(
        reverse("workqueue:email_send", args=[signal.pk]),
        {"template": "testimonial-request", "send_key": key, "where": "mine", "next": "/"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "queued for Ana Lima" in text_of(response, "signal-note")
    [message] = Message.objects.all()
    assert (message.contact, message.status, message.lane) == (ana, "queued", INTERACTIVE)
    assert message.cause_user == csm
    touch = Touch.objects.get()
    assert (touch.kind, touch.contact, touch.signal, touch.author) == (
        TouchKind.EMAIL, ana, signal, csm,
    )  # fmt: skip
    account = signal.account
    account.refresh_from_db()
    assert account.last_touch_at == touch.happened_at
    timeline = timeline_of(client, account)
    assert "E-mail with Ana Lima by" in timeline
    assert "E-mail to Ana Lima: Would you share your experience" in timeline


def test_a_double_click_sends_once(client, csm, signal, ana):
    client.force_login(csm)
    key = send_key_of(preview(client, signal, **HTMX))
    url = reverse("workqueue:email_send", args=[signal.pk])
    form = {"template": "testimonial-request", "send_key": key}
    client.post(url, form, **HTMX)
    again = client.post(url, form, **HTMX)
    assert "Already sent" in text_of(again, "signal-note")
    assert Message.objects.count() == 1
    assert Touch.objects.count() == 1


def test_an_unsubscribed_contact_is_not_sent_to_and_no_touch_is_logged(client, csm, signal, ana):
    opt_out_contact(contact=ana, cause=Cause.by_customer("unsubscribe link"), email=True)
    client.force_login(csm)
    page = preview(client, signal, **HTMX)
    assert "unsubscribed from e-mail" in text_of(page, "email-refused")
    assert text_of(page, "email-send") is None
    response = client.post(
        reverse("workqueue:email_send", args=[signal.pk]),
        {"template": "testimonial-request", "send_key": "a" * 32},
        **HTMX,
    )
    assert response.status_code == 409
    assert "Not sent: ana@customer.example unsubscribed" in text_of(response, "signal-error")
    assert Message.objects.get().status == MessageStatus.SUPPRESSED  # the outbox's record
    assert not Touch.objects.exists()


def test_an_unknown_or_transactional_template_is_refused(client, csm, signal, ana):
    client.force_login(csm)
    assert preview(client, signal, template="nope", **HTMX).status_code == 400
    response = client.post(
        reverse("workqueue:email_send", args=[signal.pk]),
        {"template": "e1-payment-receipt", "send_key": "b" * 32},
        **HTMX,
    )
    assert response.status_code == 400
    assert "Choose one of the e-mail templates" in text_of(response, "signal-error")
    assert not Message.objects.exists()


def test_without_javascript_sending_returns_to_my_day_with_the_message(client, csm, signal, ana):
    client.force_login(csm)
    key = send_key_of(preview(client, signal))
    response = client.post(
        reverse("workqueue:email_send", args=[signal.pk]),
        {"template": "testimonial-request", "send_key": key, "next": reverse("home")},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "queued for Ana Lima" in response.content.decode()


def test_no_template_is_chosen_for_the_csm_until_they_pick_one(client, csm, signal, ana):
    client.force_login(csm)
    page = client.get(reverse("home")).content.decode()

    select = re.search(r'<select name="template"[^>]*>(.*?)</select>', page, re.S)
    first = re.search(r"<option[^>]*>([^<]*)</option>", select.group(1))
    assert first.group(0) == '<option value="" selected>Choose a template…</option>'
    assert "required" in select.group(0)
    # Previewing without a choice says what to do, and writes nothing.
    refused = preview(client, signal, template="", **HTMX)
    assert refused.status_code == 400
    assert text_of(refused, "email-error") == "Choose one of the e-mail templates."
    assert not Message.objects.exists()


def test_a_second_e_mail_the_templates_repeat_rule_holds_back_is_refused_in_the_row(
    client, csm, signal, ana
):
    MessageTemplate.objects.filter(key="testimonial-request").update(repeat_days=30)
    client.force_login(csm)
    url = reverse("workqueue:email_send", args=[signal.pk])
    for _ in range(2):  # two previews, two sends
        key = send_key_of(preview(client, signal, **HTMX))
        response = client.post(
            url, {"template": "testimonial-request", "send_key": key, "where": "mine"}, **HTMX
        )

    assert response.status_code == 400
    assert text_of(response, "signal-error") == (
        "Not sent: “Testimonial request” already went to this account in the last 30 days "
        "(the template's repeat rule)."
    )
    assert Message.objects.count() == 1
    assert Touch.objects.count() == 1


def test_an_e_mail_from_the_row_keeps_the_next_step_agreed_on_the_call(client, csm, signal, ana):
    client.force_login(csm)
    call = {"kind": "call", "summary": "Asked for a quote", "next_step": "Send the quote Friday"}
    client.post(
        reverse("workqueue:touch", args=[signal.account_id]),
        {"signal": signal.pk, "where": "mine", **call},
        **HTMX,
    )
    key = send_key_of(preview(client, signal, **HTMX))

    response = client.post(
        reverse("workqueue:email_send", args=[signal.pk]),
        {"template": "testimonial-request", "send_key": key, "where": "mine"},
        **HTMX,
    )

    assert Touch.objects.count() == 2
    assert "Send the quote Friday" in text_of(response, "signal-next-step")
