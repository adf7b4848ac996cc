"""The workflows page and `check --database` say how far behind each lane is."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from core import clock
from core.lanes import INTERACTIVE
from notifications.models import Channel, Message
from tests.factories import AccountFactory
from tests.workflows.test_engine import build_workflow
from tests.workflows.test_lanes import bulk_messages, bulk_runs
from workflows.lane_status import lane_statuses

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulk_workflow(manager):
    workflow = build_workflow("bulk-tagging", "plan_changed", [("add_tag", {"tag": "Bulk"})])
    workflow.refresh_from_db()  # its published version
    return workflow


def interactive_message(waited: timedelta, key: str = "health:1") -> Message:
    return Message.objects.create(
        channel=Channel.EMAIL,
        recipient="waiting@customer.example",
        cause_key=key,
        subject="Sorry to hear",
        body_text="…",
        lane=INTERACTIVE,
        next_attempt_at=clock.now() - waited,
        created_at=clock.now() - waited,
        cause_kind="user",
        cause_reason="health change",
    )


def test_each_lane_counts_its_due_runs_and_messages_and_the_oldest_wait(frozen_time, bulk_workflow):
    bulk_runs(bulk_workflow, AccountFactory(), 30)  # queued an hour ago
    bulk_messages(20)
    interactive_message(timedelta(seconds=20))
    interactive, bulk = lane_statuses()
    assert (interactive.runs, interactive.messages, interactive.behind) == (0, 1, False)
    assert interactive.waited == timedelta(seconds=20)
    assert (bulk.runs, bulk.messages, bulk.waiting) == (30, 20, 50)
    assert bulk.waited == timedelta(hours=1)
    assert not bulk.behind  # a bulk backlog is normal; only interactive waits are news


def test_the_workflows_page_shows_the_lanes_and_says_when_interactive_work_is_behind(
    client, manager, frozen_time, bulk_workflow
):
    bulk_runs(bulk_workflow, AccountFactory(), 12)
    client.force_login(manager)
    page = client.get(reverse("workflows:list")).content.decode()
    assert "Automations queue" in page
    assert 'lane-bulk-waiting">12</span> waiting' in page
    assert "automations are behind" not in page

    interactive_message(timedelta(minutes=10))
    page = client.get(reverse("workflows:list")).content.decode()
    assert "automations are behind" in page


def test_check_database_warns_while_interactive_work_waits_too_long(frozen_time, capsys):
    interactive_message(timedelta(minutes=2))
    call_command("check", "--database", "default")
    assert "workflows.W001" not in capsys.readouterr().err

    interactive_message(timedelta(minutes=10), key="health:2")
    call_command("check", "--database", "default")
    warned = capsys.readouterr().err
    assert "workflows.W001" in warned
    assert "2 interactive item(s) waiting, the oldest for 10 minutes" in warned


@pytest.mark.parametrize("size", [5, 300])
def test_the_lane_figures_cost_two_queries_at_any_size(
    django_assert_num_queries, frozen_time, bulk_workflow, size
):
    bulk_runs(bulk_workflow, AccountFactory(), size)
    bulk_messages(size)
    interactive_message(timedelta(minutes=1))
    with django_assert_num_queries(2):
        statuses = lane_statuses()
    assert [s.waiting for s in statuses] == [1, 2 * size]
