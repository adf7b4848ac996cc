"""My day's row actions through htmx: the row is redrawn or leaves the queue in place,
and bad input comes back as a 4xx with the reason in the row, changing nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from core import clock
from core.causes import Cause
from tests.factories import AccountFactory, ContactFactory, UserFactory
from tests.web.html import find_testids, text_of
from workqueue.models import Signal, SignalStatus, Touch
from workqueue.services import Found, raise_signals

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def signal_on(account, reason="usage_drop") -> Signal:
    [signal] = raise_signals(
        reason=reason, found=[Found(account.pk, "k", {"nps": 3})], cause=Cause.by_system("t")
    ).opened
    return signal


def post(client, name, signal, data, where="mine"):
    url = reverse(f"workqueue:{name}", args=[signal.pk])
    return client.post(url, {"where": where, "next": reverse("home"), **data}, **HTMX)


def test_closing_removes_the_row_says_so_and_updates_the_count(client, csm, account):
    signal = signal_on(account)
    signal_on(AccountFactory(owner=csm), "detractor_nps")
    client.force_login(csm)
    response = post(client, "close", signal, {"outcome": "Saved"})
    assert response.status_code == 200
    assert find_testids(response, "signal-row") == ["signal-row-left"]
    assert "closed: Saved" in text_of(response, "signal-row-left")
    assert text_of(response, "queue-count") == "1"
    assert 'hx-swap-oob="true"' in response.content.decode()
    assert Signal.objects.get(pk=signal.pk).status == SignalStatus.DONE


def test_closing_twice_is_a_409_with_the_reason_in_the_row(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    post(client, "close", signal, {"outcome": "Saved"})
    again = post(client, "close", signal, {"outcome": "Churned"})
    assert again.status_code == 409
    assert "already closed" in text_of(again, "signal-error")
    assert text_of(again, "signal-closed") == "Done: Saved"
    assert find_testids(again, "action-") == []  # nothing left to do on it
    assert Signal.objects.get().outcome == "Saved"


def test_an_outcome_not_of_the_type_is_a_400_in_the_row(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    response = post(client, "close", signal, {"outcome": "Upsold"})
    assert response.status_code == 400
    assert "not an outcome of this signal" in text_of(response, "signal-error")
    assert find_testids(response, "action-close") == ["action-close"]
    assert Signal.objects.get().status == SignalStatus.OPEN


def test_snoozing_removes_the_row_and_snoozing_into_the_past_is_a_400(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    past = (clock.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    refused = post(client, "snooze", signal, {"until": past})
    assert refused.status_code == 400
    assert "future" in text_of(refused, "signal-error")
    assert Signal.objects.get().status == SignalStatus.OPEN
    response = post(client, "snooze", signal, {"days": "3"})
    assert response.status_code == 200
    assert "snoozed until" in text_of(response, "signal-row-left")
    assert text_of(response, "queue-count") == "0"


def test_on_the_account_page_a_snoozed_row_stays_and_says_until_when(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    response = post(client, "snooze", signal, {"days": "1"}, where="account")
    assert "Snoozed until" in text_of(response, "signal-row")
    assert "snoozed until" in text_of(response, "signal-note")


def test_logging_a_call_redraws_the_row_with_its_next_step(client, csm, account):
    contact = ContactFactory(account=account, name="Dana Lee")
    signal = signal_on(account)
    client.force_login(csm)
    url = reverse("workqueue:touch", args=[account.pk])
    data = {"kind": "call", "contact": contact.pk, "summary": "Asked", "next_step": "Demo Friday"}
    response = client.post(url, {"signal": signal.pk, "where": "mine", **data}, **HTMX)
    assert response.status_code == 200
    assert text_of(response, "signal-note") == "Call logged on " + account.name + "."
    assert "Demo Friday" in text_of(response, "signal-next-step")
    assert Touch.objects.get().signal == signal


def test_a_touch_without_a_summary_is_a_400_in_the_row(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    url = reverse("workqueue:touch", args=[account.pk])
    response = client.post(url, {"signal": signal.pk, "kind": "note", "summary": " "}, **HTMX)
    assert response.status_code == 400
    assert "Not logged" in text_of(response, "signal-error")
    assert not Touch.objects.exists()


def test_a_task_from_the_row_says_so_in_the_row(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    response = post(client, "task", signal, {"title": "Send guide", "due_in_days": "1"})
    assert text_of(response, "signal-note") == "Task “Send guide” added."
    assert account.tasks.get().title == "Send guide"
    bad = post(client, "task", signal, {"title": "", "due_in_days": "900"})
    assert bad.status_code == 400
    assert "No task" in text_of(bad, "signal-error")
    assert account.tasks.count() == 1


def test_a_manager_reassigning_in_the_teams_queue_keeps_the_row_with_its_new_owner(
    client, manager, csm, account
):
    signal = signal_on(account)
    olga = UserFactory(username="olga", first_name="Olga", last_name="Ivanova")
    client.force_login(manager)
    response = post(client, "reassign", signal, {"owner": olga.pk}, where="team")
    assert "Owner: Olga Ivanova" in text_of(response, "signal-row")
    assert "given to Olga Ivanova" in text_of(response, "signal-note")
    bad = post(client, "reassign", signal, {"owner": 999_999}, where="team")
    assert bad.status_code == 400
    assert "Not reassigned" in text_of(bad, "signal-error")
    assert Signal.objects.get().owner == olga


def test_reassigning_my_own_row_away_removes_it_from_my_queue(client, manager):
    signal = signal_on(AccountFactory(owner=manager))
    client.force_login(manager)
    response = post(client, "reassign", signal, {"owner": UserFactory(username="olga").pk})
    assert "given to" in text_of(response, "signal-row-left")


def test_without_javascript_every_action_still_posts_and_redirects(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    url = reverse("workqueue:close", args=[signal.pk])
    response = client.post(url, {"outcome": "Saved", "next": reverse("home")})
    assert (response.status_code, response["Location"]) == (302, reverse("home"))


def test_my_day_rows_carry_htmx_posts_with_a_plain_form_behind_them(client, csm, account):
    signal = signal_on(account)
    client.force_login(csm)
    html = client.get(reverse("home")).content.decode()
    close = reverse("workqueue:close", args=[signal.pk])
    assert f'action="{close}" hx-post="{close}"' in html
    assert 'name="where" value="mine"' in html
    assert "js/work-queue.js" in html


def test_a_csm_posting_as_the_teams_queue_gets_only_their_own_count(client, csm, account):
    signal = signal_on(account)
    signal_on(AccountFactory(owner=UserFactory(username="olga")))
    client.force_login(csm)
    response = post(client, "close", signal, {"outcome": "Saved"}, where="team")
    assert text_of(response, "queue-count") == "0"  # not the team's 1


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False)
def test_the_row_says_its_due_day_and_the_snooze_its_end_as_the_rest_of_the_app(
    client, csm, account
):
    signal = signal_on(account)
    Signal.objects.filter(pk=signal.pk).update(due_at=clock.now() + timedelta(days=5))
    client.force_login(csm)

    row = text_of(client.get(reverse("home")), "signal-row")
    response = post(client, "snooze", signal, {"days": "3"})

    assert "due Sat 7 Mar" in row  # not "Mar. 7, 2026"
    assert "snoozed until Thu 5 Mar, 08:00." in text_of(response, "signal-row-left")
