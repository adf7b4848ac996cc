"""An opt-out belongs to the address, whichever account lists it (issue 14, item 4).

A person who unsubscribes is the address, not the contact row: the same
e-mail added to a second account, or the same phone written another way, must
not be messaged again.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import OptOut
from accounts.services import opt_out_contact, upsert_contact
from core.causes import Cause
from notifications.delivery import deliver
from notifications.models import MessageStatus
from notifications.services import queue_customer_message
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db

NUDGE = "c2-feature-nudge"  # marketing-like: an unsubscribe stops it
RECEIPT = "e1-payment-receipt"  # transactional: an unsubscribe does not
SMS_REMINDER = "f1-reminder-day-sms"


def queue(account, template_key, cause_key="cause:1", contact=None):
    message, _ = queue_customer_message(
        account=account,
        template_key=template_key,
        cause_key=cause_key,
        cause=Cause.by_system(),
        contact=contact,
        data={"feature": "Reports", "appointment_kind": "Success session", "starts_at": "10:00"},
        links={"reschedule": "https://cs.example/r/abc"},
    )
    return message


def test_an_unsubscribed_address_gets_no_marketing_mail_on_another_account():
    first = ContactFactory(email="jordan@acme.example", is_primary=True)
    opt_out_contact(contact=first, email=True, cause=Cause.by_customer("unsubscribe link"))
    other_account = AccountFactory()
    ContactFactory(account=other_account, email="Jordan@ACME.example", is_primary=True)

    message = queue(other_account, NUDGE)

    assert message.status == MessageStatus.SUPPRESSED
    assert "unsubscribed from e-mail" in message.last_error


def test_the_same_address_still_gets_transactional_mail():
    first = ContactFactory(email="jordan@acme.example", is_primary=True)
    opt_out_contact(contact=first, email=True, cause=Cause.by_customer("unsubscribe link"))
    other_account = AccountFactory()
    ContactFactory(account=other_account, email="jordan@acme.example", is_primary=True)

    assert queue(other_account, RECEIPT).status != MessageStatus.SUPPRESSED


def test_a_stop_reply_stops_sms_to_the_same_number_written_another_way():
    first = ContactFactory(phone="+14155550100", is_primary=True)
    opt_out_contact(contact=first, sms=True, cause=Cause.by_customer("STOP"))
    other_account = AccountFactory()
    ContactFactory(account=other_account, phone="+1 (415) 555-0100", is_primary=True)

    message = queue(other_account, SMS_REMINDER)

    assert message.status == MessageStatus.SUPPRESSED
    assert "opted out of SMS" in message.last_error


def test_an_opt_out_made_after_queuing_still_stops_the_send():
    first = ContactFactory(email="jordan@acme.example", is_primary=True)
    other_account = AccountFactory()
    second = ContactFactory(account=other_account, email="jordan@acme.example", is_primary=True)
    message = queue(other_account, NUDGE)
    assert message.status == MessageStatus.QUEUED

    opt_out_contact(contact=first, email=True, cause=Cause.by_customer("unsubscribe link"))

    assert deliver(message.pk) == MessageStatus.SUPPRESSED
    assert second.email == first.email


def test_unsubscribing_the_same_address_twice_changes_nothing_the_second_time():
    first = ContactFactory(email="jordan@acme.example", is_primary=True)
    second = ContactFactory(email="jordan@acme.example", is_primary=True)

    assert opt_out_contact(contact=first, email=True, cause=Cause.by_customer("link"))
    assert not opt_out_contact(contact=second, email=True, cause=Cause.by_customer("link"))


def test_a_contact_who_changes_address_is_not_held_to_the_old_addresses_opt_out():
    contact = ContactFactory(email="old@acme.example", is_primary=True)
    opt_out_contact(contact=contact, email=True, cause=Cause.by_customer("unsubscribe link"))

    contact, changed = upsert_contact(
        account=contact.account,
        contact=contact,
        name=contact.name,
        email="new@acme.example",
        phone=contact.phone,
        is_primary=True,
        cause=Cause.by_api("address changed"),
    )
    assert changed

    assert queue(contact.account, NUDGE, contact=contact).status == MessageStatus.QUEUED


def test_the_account_page_says_an_address_unsubscribed_on_another_account(client, csm):
    first = ContactFactory(email="jordan@acme.example", is_primary=True)
    opt_out_contact(contact=first, email=True, cause=Cause.by_customer("unsubscribe link"))
    other = ContactFactory(email="jordan@acme.example", name="Jordan Rivera")
    client.force_login(csm)

    page = client.get(reverse("accounts:detail", args=[other.account_id]))

    assert "unsubscribed from e-mail" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_each_contacts_opt_out_to_its_address():
    executor = MigrationExecutor(connection)
    before, after = (
        [("accounts", "0007_unescape_workflow_tag_names")],
        [("accounts", "0008_opt_outs_per_address")],
    )
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Account = old.get_model("accounts", "Account")
    Contact = old.get_model("accounts", "Contact")
    early, late = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    for n, (email, phone, email_at, sms_at) in enumerate(
        [
            ("Jordan@acme.example", "+14155550100", late, None),
            ("jordan@acme.example", "+14155550100", early, early),
            ("kim@acme.example", "", None, None),
        ]
    ):
        account = Account.objects.create(name=f"A{n}", external_id=f"a{n}", signed_up_at=early)
        Contact.objects.create(
            account=account,
            name="J",
            email=email,
            phone=phone,
            email_opted_out_at=email_at,
            sms_opted_out_at=sms_at,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    # Everything later (other apps' migrations that depend on accounts 0008 were
    # unapplied by the step back), so the tests after this one find today's schema.
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())

    rows = set(OptOut.objects.values_list("channel", "address", "created_at"))
    assert rows == {("email", "jordan@acme.example", early), ("sms", "+14155550100", early)}
