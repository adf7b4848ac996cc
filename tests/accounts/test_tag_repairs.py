"""The data repair for tags a workflow wrote with HTML entities (migration accounts 0007)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from accounts.models import AccountTag, Tag, TagEvent
from accounts.repairs import repair_escaped_tag_names
from accounts.services import add_tag, remove_tag
from core.causes import Cause
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

BY_RUN = Cause.by_workflow_run(7, "c1: feature used, step 1")
EARLY = datetime(2025, 3, 1, tzinfo=UTC)


def repair() -> list[str]:
    return repair_escaped_tag_names(
        tag_model=Tag, account_tag_model=AccountTag, tag_event_model=TagEvent
    )


def tags_of(account) -> list[tuple[str, datetime]]:
    return sorted(account.account_tags.values_list("tag__name", "added_at"))


def test_an_escaped_tag_is_renamed_when_its_real_name_is_free():
    account = AccountFactory()
    add_tag(account=account, tag="O&#x27;Brien &amp; Sons fans", cause=BY_RUN)

    assert repair() == ["O&#x27;Brien &amp; Sons fans → O'Brien & Sons fans"]

    assert list(account.tags.values_list("name", flat=True)) == ["O'Brien & Sons fans"]
    assert repair() == []  # a second run finds nothing left to do


def test_an_escaped_tag_merges_into_the_real_one_keeping_every_history_row(by_manager):
    only_escaped, both, only_real = AccountFactory.create_batch(3)
    with time_machine.travel(EARLY, tick=False):
        add_tag(account=both, tag="Active on Q&amp;A board", cause=BY_RUN)
        add_tag(account=only_escaped, tag="Active on Q&amp;A board", cause=BY_RUN)
        remove_tag(account=only_escaped, tag="Active on Q&amp;A board", cause=by_manager)
        add_tag(account=only_escaped, tag="Active on Q&amp;A board", cause=BY_RUN)
    later = EARLY + timedelta(days=10)
    with time_machine.travel(later, tick=False):
        add_tag(account=both, tag="Active on Q&A board", cause=by_manager)
        add_tag(account=only_real, tag="Active on Q&A board", cause=by_manager)
    history_before = TagEvent.objects.count()

    assert repair() == ["Active on Q&amp;A board → Active on Q&A board"]

    assert list(
        Tag.objects.filter(name__startswith="Active on").values_list("name", flat=True)
    ) == ["Active on Q&A board"]
    real = "Active on Q&A board"
    assert tags_of(only_escaped) == [(real, EARLY)]
    assert tags_of(both) == [(real, EARLY)]  # one tag, since the earlier of the two times
    assert tags_of(only_real) == [(real, later)]
    assert TagEvent.objects.count() == history_before
    assert list(
        TagEvent.objects.filter(account=only_escaped)
        .order_by("id")
        .values_list("tag__name", "action", "cause_kind")
    ) == [(real, "added", "workflow"), (real, "removed", "user"), (real, "added", "workflow")]


def test_a_tag_only_staff_ever_added_is_left_as_typed(by_manager):
    account = AccountFactory()
    add_tag(account=account, tag="R&amp;D", cause=by_manager)

    assert repair() == []

    assert list(account.tags.values_list("name", flat=True)) == ["R&amp;D"]
