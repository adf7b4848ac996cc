"""Message templates: refused on save when broken; every default renders."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.catalogue import default_templates
from notifications.models import MessageTemplate
from notifications.templating import build_context, render
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def template(**fields) -> MessageTemplate:
    values = {
        "key": "check-in",
        "name": "Check-in",
        "channel": "email",
        "audience": "customer",
        "subject": "Hello {{ account.name }}",
        "body_text": "Hi {{ recipient.first_name }}",
    }
    return MessageTemplate(**(values | fields))


def test_a_valid_template_passes():
    template().full_clean()


@pytest.mark.parametrize(
    ("field", "source", "complaint"),
    [
        ("body_text", "Hi {% if %}", "Template error"),
        ("body_text", "Hi {{ account.name|nosuchfilter }}", "Template error"),
        ("subject", "{% for x in %}", "Template error"),
        ("body_text", "Hi {{ acount.name }}", "Unknown variable(s): acount.name"),
        ("body_html", "<p>{{ contact.nmae }}</p>", "Unknown variable(s): contact.nmae"),
        ("body_text", "   ", "The text cannot be empty."),
        ("subject", "", "An e-mail needs a subject."),
    ],
)
def test_a_broken_template_is_refused_on_save(field, source, complaint):
    with pytest.raises(ValidationError) as refusal:
        template(**{field: source}).full_clean()

    assert complaint in " ".join(refusal.value.message_dict[field])


def test_a_manager_saving_a_broken_template_in_the_admin_sees_the_error(client, manager):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    saved = MessageTemplate.objects.get(key="d1-reengagement")

    response = client.post(
        reverse("admin:notifications_messagetemplate_change", args=[saved.pk]),
        {
            "name": saved.name,
            "transactional": "",
            "subject": saved.subject,
            "body_text": "We miss you {{ contact.first_name|upper:'x' }}",
            "body_html": "",
        },
    )

    assert response.status_code == 200
    assert "Template error" in response.content.decode() or "fails to render" in (
        response.content.decode()
    )
    saved.refresh_from_db()
    assert "upper:'x'" not in saved.body_text


def test_a_manager_edit_changes_what_is_sent(client, manager, account):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    saved = MessageTemplate.objects.get(key="d1-reengagement")

    response = client.post(
        reverse("admin:notifications_messagetemplate_change", args=[saved.pk]),
        {
            "name": saved.name,
            "priority": saved.priority,  # the form's new field, as the page posts it
            "repeat_days": saved.repeat_days,  # and the repeat rule's (#19)
            "repeat_scope": saved.repeat_scope,
            "subject": "We kept your seat, {{ account.name }}",
            "body_text": "Come back soon, {{ recipient.first_name }}.",
            "body_html": "",
        },
    )

    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.updated_by == manager
    rendered = render(saved, build_context(account=account, recipient_name="Ana Lima"))
    assert rendered.subject == f"We kept your seat, {account.name}"
    assert rendered.body_text == "Come back soon, Ana."


@pytest.mark.parametrize("values", default_templates(), ids=lambda v: v["key"])
def test_every_default_template_is_valid_and_installed(values):
    installed = MessageTemplate.objects.get(key=values["key"])
    installed.full_clean()
    assert installed.body_text.strip()


def test_customer_marketing_defaults_offer_an_unsubscribe_link():
    for values in default_templates():
        if values["audience"] == "customer" and values["channel"] == "email":
            has_link = "links.unsubscribe" in values["body_text"]
            assert has_link != values["transactional"], values["key"]


def test_sms_defaults_fit_in_one_sms(account):
    ContactFactory(account=account)
    for values in default_templates():
        if values["channel"] == "sms":
            text = render(
                MessageTemplate(**values),
                build_context(
                    account=account,
                    recipient_name="Jordan Rivera",
                    data={"appointment_kind": "Success session", "starts_at": "Tue 24 Nov, 10:00"},
                    links={"reschedule": "https://cs.example.com/m/r/AbCdEf123456/"},
                ),
            ).body_text
            assert len(text) <= 160, (values["key"], len(text))


def test_the_preview_renders_a_template_for_a_chosen_account(client, account):
    ContactFactory(account=account, name="Petra Preview")
    admin_user = UserFactory(username="root", is_superuser=True)
    client.force_login(admin_user)
    saved = MessageTemplate.objects.get(key="a1-welcome")
    url = reverse("admin:notifications_messagetemplate_preview", args=[saved.pk])

    sample = client.get(url)
    chosen = client.get(url, {"account": account.pk})

    assert sample.status_code == chosen.status_code == 200
    assert "Petra" in chosen.content.decode()
    assert "Petra" not in sample.content.decode()


def test_a_template_for_staff_cannot_be_sent_to_a_customer(account):
    from core.causes import Cause
    from notifications.services import queue_customer_message

    with pytest.raises(ValidationError, match="is for staff"):
        queue_customer_message(
            account=account,
            template_key="a1-new-account",
            cause_key="x",
            cause=Cause.by_system(),
        )


@pytest.mark.parametrize("chosen", ["abc", "1e400", "-1", "999999999", "9" * 30])
def test_a_preview_for_an_unreadable_or_unknown_account_says_so_and_shows_samples(client, chosen):
    client.force_login(UserFactory(username="root", is_superuser=True))
    saved = MessageTemplate.objects.get(key="a1-welcome")
    url = reverse("admin:notifications_messagetemplate_preview", args=[saved.pk])

    response = client.get(url, {"account": chosen})

    assert response.status_code == 200
    assert "No such account; showing sample values." in response.content.decode()
