"""The workflows page's held first-run backlogs: what is held and why, the manager's
choice, who may make it, and bad input."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AccountFactory, ContactFactory
from tests.web.html import text_of
from workflows import tasks
from workflows.models import HeldEvent, SweepBacklog

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def held(settings, csm, django_capture_on_commit_callbacks):
    """The NPS sweep's first run found 6 surveys due, above a threshold of 5: held."""
    settings.SWEEP_BACKLOG_THRESHOLD = 5
    with time_machine.travel(NOW, tick=False):
        for n in range(6):
            account = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=120))
            ContactFactory(account=account, email=f"o{n}@customer.example", is_primary=True)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.run_sweep("nps_due")
    return SweepBacklog.objects.get()


def choose(client, backlog, **data):
    return client.post(reverse("workflows:backlog_choose", args=[backlog.pk]), data)


def test_the_workflows_page_says_what_is_held_and_why(client, manager, held):
    client.force_login(manager)

    page = client.get(reverse("workflows:list"))

    why = text_of(page, "backlog-why")
    assert "6 facts due at once (NPS survey due)" in why
    assert "more than the 5 a first run may send on its own" in why
    assert "nothing has been sent for them" in why
    assert "NPS surveys" in text_of(page, f"backlog-{held.pk}")
    assert "nps_due" not in page.content.decode()


def test_a_manager_chooses_and_the_page_shows_who_chose_what_and_when(client, manager, held):
    client.force_login(manager)

    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        response = choose(client, held, choice="ramp", per_hour=200)

    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.choice, held.per_hour, held.chosen_by) == ("ramp", 200, manager)
    page = client.get(reverse("workflows:list"))
    assert text_of(page, "backlog-choice") == (
        f"{manager.get_full_name()} chose Ramp up at 200 an hour on 1 Sep 2025, 09:05. "
        "0 released so far, 6 still held."
    )
    assert 'data-testid="backlog-form"' not in page.content.decode()


def test_a_csm_sees_what_is_held_but_cannot_choose(client, csm, held):
    client.force_login(csm)

    page = client.get(reverse("workflows:list"))
    assert "nothing has been sent for them" in text_of(page, "backlog-why")
    assert 'data-testid="backlog-form"' not in page.content.decode()

    assert choose(client, held, choice="all").status_code == 403
    held.refresh_from_db()
    assert held.choice == ""


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "This field is required."),
        ({"choice": "everything"}, "Select a valid choice."),
        ({"choice": "ramp"}, "Say how many an hour."),
        ({"choice": "ramp", "per_hour": "0"}, "greater than or equal to 1"),
        ({"choice": "ramp", "per_hour": "lots"}, "Enter a whole number."),
    ],
)
def test_bad_input_is_a_400_with_the_reason_and_nothing_is_chosen(
    client, manager, held, data, error
):
    client.force_login(manager)

    response = choose(client, held, **data)

    assert response.status_code == 400
    assert error in response.content.decode()
    held.refresh_from_db()
    assert held.choice == ""
    assert HeldEvent.objects.count() == 6


def test_an_unknown_backlog_is_404_and_a_get_is_405(client, manager, held):
    client.force_login(manager)

    assert client.post(reverse("workflows:backlog_choose", args=[held.pk + 1])).status_code == 404
    assert client.get(reverse("workflows:backlog_choose", args=[held.pk])).status_code == 405


def test_the_page_reads_backlogs_in_one_query_however_many(client, manager, held):
    client.force_login(manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("workflows:list")).status_code == 200
        return len(queries)

    one = count()
    SweepBacklog.objects.bulk_create(
        SweepBacklog(sweep="inactive_accounts", found_at=NOW, held=2000) for _ in range(5)
    )
    assert count() == one
