"""My day as the work queue: ranked rows, one-click actions, the team's queue, and logging."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from core.causes import Cause
from tests.factories import AccountFactory, ContactFactory, UserFactory
from tests.web.html import find_testids, text_of, timeline_of
from workqueue.models import Signal, SignalStatus, Touch
from workqueue.services import Found, raise_signals

pytestmark = pytest.mark.django_db

DETECTOR = Cause.by_system("test")


def signal_on(account, reason="usage_drop", **why) -> Signal:
    [signal] = raise_signals(
        reason=reason, found=[Found(account.pk, "k", why or {"nps": 3})], cause=DETECTOR
    ).opened
    return signal


def test_my_day_lists_my_open_signals_most_urgent_first_with_mrr_why_and_next_step(client, csm):
    small = AccountFactory(owner=csm, name="Small Co", mrr=Decimal(100))
    big = AccountFactory(owner=csm, name="Big Co", mrr=Decimal(9000))
    signal_on(small, "advocacy")  # low priority
    signal_on(big, "detractor_nps", nps=2)  # high priority
    signal_on(AccountFactory(owner=UserFactory(username="other")), "detractor_nps")
    client.force_login(csm)

    page = client.get(reverse("home"))

    assert find_testids(page, "signal-row") == ["signal-row", "signal-row"]
    queue = text_of(page, "queue-rows")
    assert queue.index("Big Co") < queue.index("Small Co")
    assert text_of(page, "signal-mrr") == "9,000 USD/mo"  # the first row's
    assert text_of(page, "signal-why") == "NPS 2"
    assert "book a success session" in text_of(page, "signal-next-step")
    assert text_of(page, "queue-count") == "2"


def test_an_overdue_signal_says_by_how_many_days(client, csm, account):
    signal = signal_on(account)
    Signal.objects.filter(pk=signal.pk).update(due_at=clock.now() - timedelta(days=2, hours=1))
    client.force_login(csm)
    assert "3 days overdue" in text_of(client.get(reverse("home")), "signal-overdue")


def test_closing_from_my_day_records_the_outcome_on_the_timeline(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    response = client.post(
        reverse("workqueue:close", args=[signal.pk]),
        {"outcome": "Saved", "note": "Walked them through reports", "next": reverse("home")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    signal.refresh_from_db()
    assert (signal.status, signal.outcome) == (SignalStatus.DONE, "Saved")
    timeline = timeline_of(client, account)
    assert "Usage dropped” done — outcome: Saved" in timeline
    assert find_testids(client.get(reverse("home")), "signal-row") == []


def test_closing_twice_says_so_and_keeps_the_first_outcome(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    url = reverse("workqueue:close", args=[signal.pk])
    client.post(url, {"outcome": "Saved"})
    response = client.post(url, {"outcome": "Churned"}, follow=True)
    assert "already closed" in response.content.decode()
    assert Signal.objects.get().outcome == "Saved"


def test_an_unknown_outcome_is_refused_with_the_types_outcomes(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    response = client.post(
        reverse("workqueue:close", args=[signal.pk]), {"outcome": "Upsold"}, follow=True
    )
    assert response.status_code == 200
    assert "not an outcome of this signal" in response.content.decode()
    assert Signal.objects.get().status == SignalStatus.OPEN


def test_snoozing_takes_it_out_of_the_queue(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    client.post(reverse("workqueue:snooze", args=[signal.pk]), {"days": "3"})
    signal.refresh_from_db()
    assert signal.status == SignalStatus.SNOOZED
    assert signal.snoozed_until > clock.now() + timedelta(days=2)
    assert find_testids(client.get(reverse("home")), "signal-row") == []


def test_snoozing_into_the_past_is_refused(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    past = (clock.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("workqueue:snooze", args=[signal.pk]), {"until": past}, follow=True
    )
    assert "future" in response.content.decode()
    assert Signal.objects.get().status == SignalStatus.OPEN


def test_logging_a_call_from_a_signal_counts_as_a_touch(client, csm, account):
    contact = ContactFactory(account=account, name="Dana Lee")
    signal = signal_on(account)
    client.force_login(csm)
    client.post(
        reverse("workqueue:touch", args=[account.pk]),
        {
            "kind": "call", "contact": contact.pk, "summary": "Asked about the drop",
            "outcome": "Team on holiday", "next_step": "Check again Monday",
            "signal": signal.pk,
        },
    )  # fmt: skip
    touch = Touch.objects.get()
    assert (touch.contact, touch.signal, touch.author) == (contact, signal, csm)
    account.refresh_from_db()
    assert account.last_touch_at == touch.happened_at
    page = client.get(reverse("home"))
    assert "Check again Monday" in text_of(page, "signal-next-step")
    detail = timeline_of(client, account)
    assert "Call with Dana Lee by" in detail
    assert "Outcome: Team on holiday" in detail


def test_a_touch_without_a_summary_is_refused(client, csm, account):
    client.force_login(csm)
    response = client.post(
        reverse("workqueue:touch", args=[account.pk]), {"kind": "note", "summary": " "}, follow=True
    )
    assert "Not logged" in response.content.decode()
    assert not Touch.objects.exists()


def test_a_task_from_a_signal_goes_to_its_owner(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    client.post(
        reverse("workqueue:task", args=[signal.pk]), {"title": "Send guide", "due_in_days": 1}
    )
    [task] = account.tasks.all()
    assert (task.title, task.assignee) == ("Send guide", csm)


def test_a_csm_cannot_work_or_reassign_someone_elses_signal(client, csm):
    signal = signal_on(AccountFactory(owner=UserFactory(username="olga")))
    client.force_login(csm)
    assert (
        client.post(reverse("workqueue:close", args=[signal.pk]), {"outcome": "Saved"}).status_code
        == 403
    )
    assert (
        client.post(reverse("workqueue:reassign", args=[signal.pk]), {"owner": csm.pk}).status_code
        == 403
    )
    assert Signal.objects.get().status == SignalStatus.OPEN


def test_a_manager_sees_the_teams_queue_and_reassigns(client, manager, csm):
    signal = signal_on(AccountFactory(owner=csm, name="Team Co"))
    client.force_login(manager)
    assert find_testids(client.get(reverse("home")), "signal-row") == []
    page = client.get(reverse("home") + "?scope=team")
    assert "Team Co" in text_of(page, "signal-row")
    other = UserFactory(username="olga")
    client.post(reverse("workqueue:reassign", args=[signal.pk]), {"owner": other.pk})
    assert Signal.objects.get().owner == other


def test_the_account_list_filters_by_open_risk_and_shows_the_last_touch(client, csm):
    risky = AccountFactory(owner=csm, name="Risky Co")
    AccountFactory(owner=csm, name="Calm Co")
    signal_on(risky)
    opportunity = AccountFactory(owner=csm, name="Growing Co")
    signal_on(opportunity, "usage_spike")
    client.force_login(csm)
    page = client.get(reverse("accounts:list") + "?open_risk=true")
    table = text_of(page, "account-table")
    assert "Risky Co" in table
    assert "Calm Co" not in table
    assert "Growing Co" not in table
    assert "never" in text_of(page, "last-touch")


@pytest.mark.parametrize("scope", ["", "?scope=team"])
def test_my_day_costs_the_same_queries_with_20_and_200_open_signals(client, manager, scope):
    client.force_login(manager)
    counts = []
    for total in (20, 200):
        have = Signal.objects.count()
        for _ in range(total - have):
            account = AccountFactory(owner=manager)
            ContactFactory(account=account)
            signal_on(account)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("home") + scope)
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 25, "\n".join(q["sql"] for q in queries.captured_queries)


def test_the_whole_queue_page_costs_the_same_queries_with_20_and_200_signals(client, manager):
    client.force_login(manager)
    counts = []
    for total in (20, 200):
        for _ in range(total - Signal.objects.count()):
            signal_on(AccountFactory(owner=manager))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("workqueue:queue"))
        assert len(find_testids(page, "signal-row")) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
