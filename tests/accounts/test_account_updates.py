"""update_account and the contact-matching rules of upsert_contact."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AccountEvent, Contact
from accounts.services import update_account, upsert_contact

pytestmark = pytest.mark.django_db


def test_reassigning_the_owner_keeps_old_and_new_in_the_history(account, csm, manager, by_manager):
    changed = update_account(account=account, owner=manager, cause=by_manager)

    account.refresh_from_db()
    assert changed == ["owner"]
    assert account.owner == manager
    event = AccountEvent.objects.get(account=account, kind="updated")
    assert event.data == {"owner": [csm.pk, manager.pk]}
    assert event.cause_user == manager


def test_an_update_that_changes_nothing_writes_nothing(account, by_manager):
    assert update_account(account=account, name=account.name, cause=by_manager) == []
    assert not AccountEvent.objects.filter(kind="updated").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"score": 9000}, "score cannot be changed here."),
        ({"health_status": "thriving"}, "health_status cannot be changed here."),
        ({"timezone": "Mars/Olympus"}, "is not a timezone name"),
        ({"name": "   "}, "The account name is required."),
        ({"name": "x" * 201}, "longer than 200 characters"),
    ],
)
def test_bad_or_guarded_updates_are_refused(account, by_manager, changes, message):
    with pytest.raises(ValidationError, match=message):
        update_account(account=account, cause=by_manager, **changes)
    assert not AccountEvent.objects.filter(kind="updated").exists()


def test_a_contact_first_known_by_email_gets_its_external_id_instead_of_a_twin(account, by_api):
    first, _ = upsert_contact(account=account, name="Ana", email="ana@x.example", cause=by_api)

    again, changed = upsert_contact(
        account=account, name="Ana", email="ana@x.example", external_id="u_9", cause=by_api
    )

    assert (again.pk, changed) == (first.pk, True)
    assert Contact.objects.get().external_id == "u_9"


def test_two_contacts_of_one_account_cannot_share_an_email(account, by_api):
    upsert_contact(
        account=account, name="Ana", email="ana@x.example", external_id="u_1", cause=by_api
    )

    with pytest.raises(ValidationError) as refusal:
        upsert_contact(
            account=account, name="Ana B", email="ANA@x.example", external_id="u_2", cause=by_api
        )

    assert refusal.value.code == "contact_conflict"
    assert Contact.objects.count() == 1


def test_editing_a_named_contact_changes_that_contact(account, by_manager):
    ana, _ = upsert_contact(account=account, name="Ana", email="ana@x.example", cause=by_manager)

    edited, changed = upsert_contact(
        account=account, contact=ana, name="Ana Lima", email="lima@x.example", cause=by_manager
    )

    assert (edited.pk, changed) == (ana.pk, True)
    assert Contact.objects.get().email == "lima@x.example"
