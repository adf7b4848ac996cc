"""accounts.services: sign-up, plan, cancellation, contacts, and the account row lock."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts import signals
from accounts.models import Account, AccountEvent, AccountEventKind, Contact, Lifecycle, Plan
from accounts.services import (
    cancel_subscription,
    change_plan,
    lock_account,
    sign_up_account,
    upsert_contact,
)
from core.causes import CauseKind
from tests.factories import AccountFactory, ContactFactory

NOON = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def events(account, kind):
    return AccountEvent.objects.filter(account=account, kind=kind)


# --- sign_up_account ---------------------------------------------------------------------


def test_a_sign_up_creates_an_active_account_signed_up_now(by_api):
    with time_machine.travel(NOON, tick=False):
        account, created = sign_up_account(
            external_id=" acct_42 ", name="Globex", plan=Plan.PRO, mrr=Decimal(49), cause=by_api
        )

    assert created is True
    account.refresh_from_db()
    assert (account.external_id, account.name, account.plan) == ("acct_42", "Globex", Plan.PRO)
    assert (account.mrr, account.lifecycle, account.signed_up_at) == (49, Lifecycle.ACTIVE, NOON)
    event = events(account, AccountEventKind.SIGNED_UP).get()
    assert event.data == {"plan": "pro", "mrr": "49.00"}
    assert (event.cause_kind, event.cause_reason) == (CauseKind.API, "event evt_1")


def test_the_same_sign_up_reported_again_returns_the_account_unchanged(by_api):
    first, _ = sign_up_account(external_id="acct_42", name="Globex", cause=by_api)

    again, created = sign_up_account(external_id="acct_42", name="Renamed", cause=by_api)

    assert (again.pk, created, again.name) == (first.pk, False, "Globex")
    assert Account.objects.count() == 1
    assert AccountEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"external_id": "  "}, "required", "external id"),
        ({"name": ""}, "required", "needs a name"),
        ({"plan": "platinum"}, "invalid_plan", "Unknown plan 'platinum'"),
        ({"mrr": Decimal(-1)}, "negative_mrr", "MRR cannot be negative"),
        ({"signed_up_at": datetime(2025, 3, 1, 9, 0)}, "naive_datetime", "timezone"),
        ({"signed_up_at": NOON + timedelta(days=1)}, "future_datetime", "in the future"),
    ],
)
def test_a_bad_sign_up_is_refused_and_creates_nothing(by_api, fields, code, message):
    with time_machine.travel(NOON, tick=False), pytest.raises(ValidationError) as refusal:
        sign_up_account(**{"external_id": "acct_1", "name": "Initech", **fields}, cause=by_api)

    assert refusal.value.code == code
    assert message in refusal.value.messages[0]
    assert Account.objects.count() == 0
    assert AccountEvent.objects.count() == 0


def test_a_sign_up_is_announced_once_after_commit_and_not_when_rolled_back(
    by_api, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.account_signed_up)

    with django_capture_on_commit_callbacks(execute=True):
        with rolled_back():
            sign_up_account(external_id="acct_8", name="Rolled Back", cause=by_api)
        account, _ = sign_up_account(external_id="acct_7", name="Umbrella", cause=by_api)
        sign_up_account(external_id="acct_7", name="Umbrella", cause=by_api)
        assert sent == []

    assert sent == [{"sender": Account, "account_id": account.pk, "cause": by_api}]


# --- change_plan -------------------------------------------------------------------------


def test_changing_plan_and_mrr_is_recorded_with_before_and_after(account, manager, by_manager):
    assert change_plan(account=account, plan=Plan.PRO, mrr=Decimal("249.00"), cause=by_manager)

    account.refresh_from_db()
    assert (account.plan, account.mrr) == (Plan.PRO, Decimal("249.00"))
    event = events(account, AccountEventKind.PLAN_CHANGED).get()
    assert event.data == {
        "from_plan": "starter",
        "to_plan": "pro",
        "from_mrr": "99.00",
        "to_mrr": "249.00",
    }
    assert (event.cause_kind, event.cause_user) == (CauseKind.USER, manager)


def test_the_same_plan_and_mrr_again_is_a_no_op(account, by_manager):
    assert (
        change_plan(account=account, plan=Plan.STARTER, mrr=Decimal(99), cause=by_manager) is False
    )
    assert change_plan(account=account, plan=Plan.STARTER, cause=by_manager) is False
    assert AccountEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("plan", "mrr", "code"),
    [("gold", None, "invalid_plan"), (Plan.PRO, Decimal("-0.01"), "negative_mrr")],
)
def test_a_bad_plan_change_is_refused_and_changes_nothing(account, by_manager, plan, mrr, code):
    with pytest.raises(ValidationError) as refusal:
        change_plan(account=account, plan=plan, mrr=mrr, cause=by_manager)

    assert refusal.value.code == code
    account.refresh_from_db()
    assert (account.plan, account.mrr) == (Plan.STARTER, Decimal("99.00"))
    assert AccountEvent.objects.count() == 0


def test_a_plan_change_is_announced_once_but_not_an_mrr_change_alone_or_a_rollback(
    account, by_manager, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.plan_changed)

    with django_capture_on_commit_callbacks(execute=True):
        with rolled_back():
            change_plan(account=account, plan=Plan.ENTERPRISE, cause=by_manager)
        change_plan(account=account, plan=Plan.BUSINESS, cause=by_manager)
        change_plan(account=account, plan=Plan.BUSINESS, cause=by_manager)
        change_plan(account=account, plan=Plan.BUSINESS, mrr=Decimal(500), cause=by_manager)

    assert sent == [
        {
            "sender": Account,
            "account_id": account.pk,
            "event_id": events(account, AccountEventKind.PLAN_CHANGED)
            .get(data__from_plan=Plan.STARTER)
            .pk,
            "from_plan": Plan.STARTER,
            "to_plan": Plan.BUSINESS,
            "cause": by_manager,
        }
    ]
    assert events(account, AccountEventKind.PLAN_CHANGED).count() == 2


# --- cancel_subscription -----------------------------------------------------------------


def test_cancelling_churns_the_account_and_records_the_lost_mrr(account, by_api):
    assert cancel_subscription(account=account, cause=by_api) is True

    account.refresh_from_db()
    assert (account.lifecycle, account.mrr) == (Lifecycle.CHURNED, 0)
    event = events(account, AccountEventKind.CANCELLED).get()
    assert (event.data, event.cause_kind) == ({"mrr_lost": "99.00"}, CauseKind.API)


def test_cancelling_twice_is_announced_and_recorded_once_and_a_rollback_not_at_all(
    account, by_api, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.subscription_cancelled)

    with django_capture_on_commit_callbacks(execute=True):
        with rolled_back():
            cancel_subscription(account=account, cause=by_api)
        cancel_subscription(account=account, cause=by_api)
        assert cancel_subscription(account=account, cause=by_api) is False
        assert sent == []

    assert sent == [
        {
            "sender": Account,
            "account_id": account.pk,
            "event_id": events(account, AccountEventKind.CANCELLED).get().pk,
            "cause": by_api,
        }
    ]
    assert events(account, AccountEventKind.CANCELLED).count() == 1


# --- upsert_contact ----------------------------------------------------------------------


def test_a_new_contact_is_added_and_recorded(account, by_manager):
    contact, changed = upsert_contact(
        account=account,
        name="Ann Lee",
        email="Ann@Globex.example",
        phone="+14155550100",
        cause=by_manager,
    )

    assert changed is True
    assert (contact.account, contact.email, contact.phone) == (
        account,
        "ann@globex.example",
        "+14155550100",
    )
    event = events(account, AccountEventKind.CONTACT_CHANGED).get()
    assert event.data == {
        "contact_id": contact.pk,
        "fields": ["email", "is_primary", "name", "phone"],
    }
    assert (event.cause_kind, event.cause_reason) == (CauseKind.USER, "manual review")


def test_a_contact_is_matched_by_email_and_only_changes_are_recorded(account, by_manager):
    first, _ = upsert_contact(
        account=account, name="Ann Lee", email="ann@x.example", cause=by_manager
    )

    again, changed = upsert_contact(
        account=account,
        name="Ann Lee",
        email="ANN@x.example",
        phone="+4930123456",
        cause=by_manager,
    )

    assert (again.pk, changed) == (first.pk, True)
    assert events(account, AccountEventKind.CONTACT_CHANGED).first().data["fields"] == ["phone"]


def test_the_same_contact_again_writes_nothing(account, by_manager):
    upsert_contact(account=account, name="Ann", email="ann@x.example", cause=by_manager)

    _, changed = upsert_contact(
        account=account, name="Ann", email="ann@x.example", cause=by_manager
    )

    assert changed is False
    assert Contact.objects.filter(account=account).count() == 1
    assert AccountEvent.objects.count() == 1


def test_making_a_contact_primary_demotes_the_previous_primary(account, by_manager):
    old = ContactFactory(account=account, is_primary=True)

    new, _ = upsert_contact(account=account, name="Bo", is_primary=True, cause=by_manager)

    assert list(account.contacts.filter(is_primary=True)) == [new]
    old.refresh_from_db()
    assert old.is_primary is False


def test_a_contact_of_another_account_with_the_same_id_is_left_alone(account, by_manager):
    other = AccountFactory()
    theirs = ContactFactory(account=other, external_id="c_1", name="Theirs")

    ours, _ = upsert_contact(account=account, name="Ours", external_id="c_1", cause=by_manager)

    assert (ours.account, ours.name) == (account, "Ours")
    theirs.refresh_from_db()
    assert (theirs.account, theirs.name) == (other, "Theirs")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": " "}, "A contact needs a name."),
        ({"email": "ann@"}, "The e-mail address 'ann@' is not valid."),
        ({"phone": "0415 555 0100"}, "is not in E.164 form"),
        ({"phone": "+1"}, "is not in E.164 form"),
    ],
)
def test_a_bad_contact_is_refused_and_nothing_is_written(account, by_manager, fields, message):
    with pytest.raises(ValidationError) as refusal:
        upsert_contact(account=account, **{"name": "Ann", **fields}, cause=by_manager)

    assert message in refusal.value.messages[0]
    assert Contact.objects.count() == 0
    assert AccountEvent.objects.count() == 0


def test_a_contact_change_is_announced_once_after_commit_and_not_when_rolled_back(
    account, by_manager, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.contact_changed)

    with django_capture_on_commit_callbacks(execute=True):
        with rolled_back():
            upsert_contact(account=account, name="Rolled Back", cause=by_manager)
        for _ in range(2):
            contact, _ = upsert_contact(
                account=account, name="Cy", email="cy@x.example", cause=by_manager
            )
        assert sent == []

    assert sent == [
        {
            "sender": Account,
            "account_id": account.pk,
            "event_id": events(account, AccountEventKind.CONTACT_CHANGED).get().pk,
            "contact_id": contact.pk,
            "previous_primary_id": None,
            "fields": ["email", "is_primary", "name", "phone"],
            "cause": by_manager,
        }
    ]


# --- lock_account ------------------------------------------------------------------------


def test_lock_account_returns_the_current_row_not_the_stale_copy(account, by_manager):
    stale = Account.objects.get(pk=account.pk)
    change_plan(account=account, plan=Plan.PRO, cause=by_manager)

    assert lock_account(stale).plan == Plan.PRO
    assert lock_account(account.pk).plan == Plan.PRO


def test_lock_account_refuses_an_unsaved_or_missing_account(account):
    with pytest.raises(ValidationError, match="has not been saved"):
        lock_account(AccountFactory.build())

    Account.objects.filter(pk=account.pk).delete()
    with pytest.raises(ValidationError) as refusal:
        lock_account(account)
    assert (refusal.value.code, refusal.value.messages) == (
        "account_missing",
        [f"Account {account.pk} does not exist."],
    )
