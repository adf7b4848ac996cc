"""accounts.services.add_tag / remove_tag: labels on an account, with their history."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.transaction import TransactionManagementError

from accounts import signals
from accounts.models import Account, AccountTag, Tag, TagAction, TagEvent
from accounts.services import add_tag, remove_tag, remove_tags, replace_tags
from core.causes import CauseKind
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def tag_names(account):
    return sorted(account.tags.values_list("name", flat=True))


def test_adding_a_tag_puts_it_on_the_account(account, by_manager):
    assert add_tag(account=account, tag="VIP", cause=by_manager) is True

    assert tag_names(account) == ["VIP"]


def test_adding_a_tag_records_who_added_it_and_why(account, manager, by_manager):
    add_tag(account=account, tag="VIP", cause=by_manager)

    event = TagEvent.objects.get(account=account)
    assert (event.tag.name, event.action) == ("VIP", TagAction.ADDED)
    assert (event.cause_kind, event.cause_user, event.cause_reason) == (
        CauseKind.USER,
        manager,
        "manual review",
    )


def test_second_identical_tag_is_a_no_op_with_no_new_history(account, by_manager):
    add_tag(account=account, tag="VIP", cause=by_manager)

    assert add_tag(account=account, tag="VIP", cause=by_manager) is False
    assert tag_names(account) == ["VIP"]
    assert TagEvent.objects.filter(account=account).count() == 1


def test_a_tag_name_is_matched_ignoring_case_and_spacing(account, by_manager, by_api):
    other = AccountFactory()
    add_tag(account=other, tag="Active SaaS", cause=by_api)

    assert add_tag(account=account, tag="  active   saas ", cause=by_manager) is True
    assert Tag.objects.filter(name__iexact="active saas").count() == 1
    assert tag_names(account) == ["Active SaaS"]


def test_removing_a_tag_takes_it_off_and_records_why(account, by_manager, by_api):
    add_tag(account=account, tag="Payment Failed", cause=by_api)

    assert remove_tag(account=account, tag="Payment Failed", cause=by_manager) is True

    assert tag_names(account) == []
    removal = TagEvent.objects.get(account=account, action=TagAction.REMOVED)
    assert removal.tag.name == "Payment Failed"
    assert (removal.cause_kind, removal.cause_reason) == (CauseKind.USER, "manual review")


def test_removing_a_tag_the_account_does_not_have_writes_nothing(account, by_manager):
    add_tag(account=AccountFactory(), tag="Inactive", cause=by_manager)

    assert remove_tag(account=account, tag="Inactive", cause=by_manager) is False
    assert remove_tag(account=account, tag="Never Seen", cause=by_manager) is False
    assert TagEvent.objects.filter(account=account).count() == 0


def test_second_removal_of_the_same_tag_is_a_no_op(account, by_manager):
    add_tag(account=account, tag="Inactive", cause=by_manager)
    remove_tag(account=account, tag="Inactive", cause=by_manager)

    assert remove_tag(account=account, tag="Inactive", cause=by_manager) is False
    assert TagEvent.objects.filter(account=account, action=TagAction.REMOVED).count() == 1


def test_removing_several_tags_takes_off_those_the_account_has_in_one_call(account, by_manager):
    add_tag(account=account, tag="Healthy", cause=by_manager)
    add_tag(account=account, tag="VIP", cause=by_manager)

    removed = remove_tags(
        account=account, tags=["healthy", "Steady", "Struggling"], cause=by_manager
    )

    assert removed == ["Healthy"]
    assert tag_names(account) == ["VIP"]
    removals = TagEvent.objects.filter(account=account, action=TagAction.REMOVED)
    assert [event.tag.name for event in removals] == ["Healthy"]
    assert remove_tags(account=account, tags=["Healthy", "Steady"], cause=by_manager) == []
    assert remove_tags(account=account, tags=[], cause=by_manager) == []


def test_replacing_tags_puts_one_on_and_takes_the_others_the_account_has_off(account, by_manager):
    add_tag(account=account, tag="Healthy", cause=by_manager)

    assert replace_tags(
        account=account,
        tag="Thriving",
        replacing=["Healthy", "Steady", "thriving"],
        cause=by_manager,
    ) == (True, ["Healthy"])
    assert tag_names(account) == ["Thriving"]
    assert replace_tags(
        account=account, tag="Thriving", replacing=["Healthy", "Steady"], cause=by_manager
    ) == (False, [])
    assert TagEvent.objects.filter(account=account).count() == 3


@pytest.mark.parametrize("name", ["", "   "])
def test_a_tag_without_a_name_is_refused_and_nothing_is_written(account, by_manager, name):
    tags_before = Tag.objects.count()

    with pytest.raises(ValidationError) as refusal:
        add_tag(account=account, tag=name, cause=by_manager)

    assert refusal.value.code == "tag_name_required"
    assert "needs a name" in refusal.value.messages[0]
    assert Tag.objects.count() == tags_before
    assert TagEvent.objects.count() == 0


def test_removing_a_tag_without_a_name_is_refused(account, by_manager):
    # Bad input gets a clear error everywhere (SPEC §6), in both directions.
    with pytest.raises(ValidationError) as refusal:
        remove_tag(account=account, tag="  ", cause=by_manager)

    assert refusal.value.code == "tag_name_required"


def test_an_overlong_tag_name_is_refused(account, by_manager):
    with pytest.raises(ValidationError) as refusal:
        add_tag(account=account, tag="x" * 81, cause=by_manager)

    assert "at most 80 characters" in refusal.value.messages[0]
    assert not Tag.objects.filter(name="x" * 81).exists()


@pytest.mark.parametrize("service", [add_tag, remove_tag])
def test_tagging_an_account_deleted_after_it_was_loaded_is_refused(account, by_manager, service):
    Account.objects.filter(pk=account.pk).delete()
    tags_before = Tag.objects.count()

    with pytest.raises(ValidationError) as refusal:
        service(account=account, tag="VIP", cause=by_manager)

    assert refusal.value.code == "account_missing"
    assert refusal.value.messages == [f"Account {account.pk} does not exist."]
    assert Tag.objects.count() == tags_before
    assert TagEvent.objects.count() == 0


def test_tag_added_is_announced_once_after_commit(
    account, by_manager, by_api, received, django_capture_on_commit_callbacks
):
    add_tag(account=AccountFactory(), tag="Active SaaS", cause=by_api)
    sent = received(signals.tag_added)

    with django_capture_on_commit_callbacks(execute=True):
        add_tag(account=account, tag="active saas", cause=by_manager)
        add_tag(account=account, tag="Active SaaS", cause=by_manager)
        assert sent == [], "announced before the transaction committed"

    assert sent == [
        {
            "sender": Account,
            "account_id": account.pk,
            "tag_name": "Active SaaS",
            "tag_event_id": TagEvent.objects.get(account=account, action=TagAction.ADDED).pk,
            "cause": by_manager,
        }
    ]


def test_tag_removed_is_announced_once_after_commit(
    account, by_manager, received, django_capture_on_commit_callbacks
):
    add_tag(account=account, tag="Inactive", cause=by_manager)
    sent = received(signals.tag_removed)

    with django_capture_on_commit_callbacks(execute=True):
        remove_tag(account=account, tag="Inactive", cause=by_manager)
        remove_tag(account=account, tag="Inactive", cause=by_manager)
        assert sent == []

    assert sent == [
        {
            "sender": Account,
            "account_id": account.pk,
            "tag_name": "Inactive",
            "tag_event_id": TagEvent.objects.get(account=account, action=TagAction.REMOVED).pk,
            "cause": by_manager,
        }
    ]


def test_nothing_is_announced_when_the_transaction_rolls_back(
    account, by_manager, received, rolled_back, django_capture_on_commit_callbacks
):
    add_tag(account=account, tag="Inactive", cause=by_manager)
    added, removed = received(signals.tag_added), received(signals.tag_removed)

    with django_capture_on_commit_callbacks(execute=True), rolled_back():
        add_tag(account=account, tag="VIP", cause=by_manager)
        remove_tag(account=account, tag="Inactive", cause=by_manager)

    assert (added, removed) == ([], [])
    assert tag_names(account) == ["Inactive"]
    assert TagEvent.objects.filter(account=account).count() == 1


def test_a_tag_service_failing_inside_a_callers_transaction_rolls_all_of_it_back(
    account, by_manager, monkeypatch
):
    """Nested services add no savepoint of their own (a round trip each way):
    a failure after they wrote something dooms the caller's transaction, so a
    workflow step or a batch item is undone whole, never half applied."""
    other = AccountFactory()
    seen = []

    def broken(**fields):
        raise DatabaseError("disk full")

    def callers_transaction():
        with transaction.atomic():
            add_tag(account=other, tag="Before", cause=by_manager)
            monkeypatch.setattr(TagEvent.objects, "create", broken)
            with pytest.raises(DatabaseError):
                add_tag(account=account, tag="VIP", cause=by_manager)  # after its AccountTag row
            try:
                Tag.objects.count()
            except TransactionManagementError as error:  # no carrying on half tagged
                seen.append(error)

    callers_transaction()  # leaving the block rolls the whole of it back

    assert len(seen) == 1
    assert not AccountTag.objects.filter(account__in=[account, other]).exists()
