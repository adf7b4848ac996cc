"""Date-relative triggers (#18 item 4), end to end on a controlled clock.

The sweep's schedule task (workflows.tasks.run_sweep) in; events, runs and tags out, as
production does after commit (`deliver`). A date arrives → the trigger fires → the run's
steps keep to the date; the same sweep again changes nothing; late joiners start where
their workflow's policy says; days are the team's calendar days, DST or not.
"""

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.models import DateAttribute
from accounts.services import set_account_date
from core.causes import Cause
from tests.factories import AccountFactory
from tests.workflows.conftest import NOW
from tests.workflows.dated import date_workflow, tag, wait
from tests.workflows.outcomes import footprint, tag_names
from workflows import engine, tasks
from workflows.models import Run, RunStatus, StepOutcome, TriggerEvent, Workflow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _only_these_workflows(db):
    """The default playbooks stay out of the way: each test's own workflows alone run."""
    Workflow.objects.update(is_active=False)


def sweep(deliver) -> int:
    return deliver(lambda: tasks.run_sweep("date_occurrences"))


def resume(deliver) -> None:
    deliver(engine.resume_due_runs)


def renewing(on: date, **fields):
    return AccountFactory(renewal_date=on, **fields)


def test_the_renewal_date_arriving_fires_once_and_the_run_tags_the_account(deliver, frozen_time):
    frozen_time.move_to(NOW - timedelta(days=40))
    account = renewing(TODAY + timedelta(days=30))
    date_workflow("renewal-prep", [tag("Renewal in 30 days")], days=30)
    assert sweep(deliver) == 0  # 40 days ahead of the trigger day: nothing yet

    frozen_time.move_to(NOW)
    assert sweep(deliver) == 1

    assert tag_names(account) == {"Renewal in 30 days"}
    [event] = TriggerEvent.objects.filter(kind="date_reached")
    assert event.data["date"] == (TODAY + timedelta(days=30)).isoformat()
    assert event.data["anchor"] == TODAY.isoformat()
    assert event.data["late"] is False
    before = footprint(account)
    assert sweep(deliver) == 0
    frozen_time.shift(timedelta(days=3))
    assert sweep(deliver) == 0  # still the same occurrence: never twice
    assert footprint(account) == before


def test_a_renewal_that_moves_to_the_next_period_is_a_new_occurrence(deliver, frozen_time):
    frozen_time.move_to(NOW - timedelta(days=40))
    account = renewing(TODAY + timedelta(days=7))
    date_workflow("renewal-week", [tag("Renews this week")], days=7)
    frozen_time.move_to(NOW)
    assert sweep(deliver) == 1

    type(account).objects.filter(pk=account.pk).update(renewal_date=TODAY + timedelta(days=372))
    frozen_time.move_to(NOW + timedelta(days=365))
    assert sweep(deliver) == 1
    assert Run.objects.filter(account=account).count() == 2


def test_the_steps_keep_to_the_date_with_their_waits(deliver, frozen_time):
    frozen_time.move_to(NOW - timedelta(days=60))
    account = renewing(TODAY + timedelta(days=30))
    date_workflow(
        "renewal-sequence",
        [tag("Day -30"), wait(10), tag("Day -20")],
        days=30,
    )
    frozen_time.move_to(NOW)
    sweep(deliver)
    assert tag_names(account) == {"Day -30"}

    frozen_time.move_to(NOW + timedelta(days=10) - timedelta(minutes=1))
    resume(deliver)
    assert tag_names(account) == {"Day -30"}
    frozen_time.move_to(NOW + timedelta(days=10))
    resume(deliver)
    assert tag_names(account) == {"Day -30", "Day -20"}
    assert Run.objects.get(account=account).status == RunStatus.SUCCEEDED


# --- late joiners -----------------------------------------------------------------------

# 30 days before renewal: a task on the trigger day, a call 10 days later, a last nudge
# 25 days later. An account that joins today with its renewal 10 days away entered 20 days
# after the trigger day: the first two steps' times have passed, the third is 5 days ahead.
SEQUENCE = [tag("Day -30"), wait(10), tag("Day -20"), wait(15), tag("Day -5")]


@pytest.mark.parametrize(
    ("policy", "today", "in_five_days", "skipped"),
    [
        ("skip", set(), {"Day -5"}, ["0", "1", "2"]),
        ("latest", {"Day -20"}, {"Day -20", "Day -5"}, ["0", "1"]),
        ("all", {"Day -30", "Day -20"}, {"Day -30", "Day -20", "Day -5"}, []),
    ],
)
def test_an_account_joining_after_the_trigger_day_starts_as_its_policy_says(
    deliver, frozen_time, policy, today, in_five_days, skipped
):
    frozen_time.move_to(NOW - timedelta(days=90))
    date_workflow("renewal-late", SEQUENCE, days=30, late_joiners=policy)
    frozen_time.move_to(NOW)
    account = renewing(TODAY + timedelta(days=10))  # joins today

    assert sweep(deliver) == 1
    assert TriggerEvent.objects.get(kind="date_reached").data["late"] is True
    assert tag_names(account) == today
    run = Run.objects.get(account=account)
    results = run.results.order_by("id")
    assert [r.position for r in results if r.outcome == StepOutcome.SKIPPED] == skipped
    if skipped:
        assert "Not run: it was due on" in results[0].detail

    frozen_time.move_to(NOW + timedelta(days=5) - timedelta(minutes=1))
    resume(deliver)
    assert tag_names(account) == today
    frozen_time.move_to(NOW + timedelta(days=5))
    resume(deliver)
    assert tag_names(account) == in_five_days
    before = footprint(account)
    assert sweep(deliver) == 0
    assert footprint(account) == before


def test_a_workflow_published_after_the_trigger_day_treats_its_accounts_as_late(
    deliver, frozen_time
):
    frozen_time.move_to(NOW - timedelta(days=90))
    account = renewing(TODAY + timedelta(days=10))  # a customer for months
    frozen_time.move_to(NOW)
    date_workflow("renewal-new", SEQUENCE, days=30, late_joiners="latest")

    sweep(deliver)

    assert tag_names(account) == {"Day -20"}


def test_a_late_joiner_with_nothing_ahead_under_skip_runs_nothing(deliver, frozen_time):
    frozen_time.move_to(NOW - timedelta(days=90))
    date_workflow("renewal-last", [tag("Day -30")], days=30, late_joiners="skip")
    frozen_time.move_to(NOW)
    account = renewing(TODAY + timedelta(days=10))

    sweep(deliver)

    run = Run.objects.get(account=account)
    assert run.status == RunStatus.SUCCEEDED
    assert tag_names(account) == set()
    assert run.results.get().outcome == StepOutcome.SKIPPED


def test_after_the_date_itself_a_before_trigger_no_longer_takes_late_joiners(deliver, frozen_time):
    frozen_time.move_to(NOW - timedelta(days=90))
    date_workflow("renewal-gone", [tag("Day -30")], days=30, late_joiners="all")
    frozen_time.move_to(NOW)
    renewing(TODAY - timedelta(days=1))  # renewed yesterday (not yet moved on)
    assert sweep(deliver) == 0


# --- the other dates ----------------------------------------------------------------------


def test_the_sign_up_anniversary_fires_every_year(deliver, frozen_time):
    frozen_time.move_to(datetime(2023, 9, 8, 9, 0, tzinfo=UTC))
    account = AccountFactory(signed_up_at=datetime(2023, 9, 8, 8, 0, tzinfo=UTC))
    date_workflow("anniversary", [tag("Anniversary soon")], field="signup_anniversary", days=7)
    frozen_time.move_to(datetime(2023, 9, 8, 10, 0, tzinfo=UTC))
    assert sweep(deliver) == 0  # the sign-up day itself is no anniversary

    for year in (2024, 2025):
        frozen_time.move_to(datetime(year, 9, 1, 9, 0, tzinfo=UTC))
        assert sweep(deliver) == 1
        assert sweep(deliver) == 0
    keys = sorted(TriggerEvent.objects.filter(account=account).values_list("event_key", flat=True))
    assert [key.rsplit(":", 1)[1] for key in keys if "signup" in key] == [
        "2024-09-08",
        "2025-09-08",
    ]


def test_a_29_february_sign_up_has_its_anniversary_on_28_february(deliver, frozen_time):
    frozen_time.move_to(datetime(2024, 2, 29, 9, 0, tzinfo=UTC))
    AccountFactory(signed_up_at=datetime(2024, 2, 29, 8, 0, tzinfo=UTC))
    date_workflow("leap", [tag("Happy anniversary")], field="signup_anniversary", days=0)
    frozen_time.move_to(datetime(2025, 2, 28, 9, 0, tzinfo=UTC))
    assert sweep(deliver) == 1


def test_a_custom_date_fires_and_a_changed_date_fires_again(deliver, frozen_time, manager):
    DateAttribute.objects.create(key="go_live", label="Go-live")
    frozen_time.move_to(NOW - timedelta(days=30))
    account = AccountFactory()
    cause = Cause.by_user(manager, "kick-off call")
    set_account_date(account=account, key="go_live", value=TODAY + timedelta(days=3), cause=cause)
    date_workflow("go-live", [tag("Live")], field="date:go_live", days=3, direction="after")

    frozen_time.move_to(NOW + timedelta(days=6))
    assert sweep(deliver) == 1
    event = TriggerEvent.objects.get(kind="date_reached")
    assert event.data["field_label"] == "Go-live"
    assert tag_names(account) == {"Live"}

    set_account_date(account=account, key="go_live", value=TODAY + timedelta(days=20), cause=cause)
    frozen_time.move_to(NOW + timedelta(days=23))
    assert sweep(deliver) == 1


def test_an_unknown_custom_date_is_refused_by_the_service(manager):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="no account date"):
        set_account_date(
            account=AccountFactory(),
            key="nope",
            value=TODAY,
            cause=Cause.by_user(manager, "typo"),
        )


def test_an_off_workflow_is_swept_but_runs_nothing(deliver, frozen_time):
    frozen_time.move_to(NOW - timedelta(days=40))
    account = renewing(TODAY + timedelta(days=30))
    workflow = date_workflow("renewal-off", [tag("Renewal in 30 days")], days=30)
    Workflow.objects.filter(pk=workflow.pk).update(is_active=False)
    frozen_time.move_to(NOW)

    assert sweep(deliver) == 1
    assert tag_names(account) == set()
    assert not Run.objects.exists()


# --- calendar days --------------------------------------------------------------------------


def test_days_are_the_teams_calendar_days_across_a_dst_change(deliver, frozen_time, settings):
    """Berlin moves its clocks forward at 02:00 on 29 March 2026. At 00:30 that night the
    team's day is already the 29th (UTC still says the 28th), and "wait 1 day" lands at
    00:30 the next night: 23 hours later, not 24."""
    settings.TIME_ZONE = "Europe/Berlin"
    frozen_time.move_to(datetime(2025, 3, 1, 9, 0, tzinfo=UTC))
    account = AccountFactory(signed_up_at=datetime(2025, 3, 28, 23, 30, tzinfo=UTC))  # 29th local
    date_workflow(
        "anniversary-dst",
        [tag("Anniversary"), wait(1), tag("Day after")],
        field="signup_anniversary",
        days=0,
    )
    frozen_time.move_to(datetime(2026, 3, 28, 22, 59, tzinfo=UTC))  # 23:59 on the 28th
    assert sweep(deliver) == 0

    frozen_time.move_to(datetime(2026, 3, 28, 23, 30, tzinfo=UTC))  # 00:30 on the 29th
    assert sweep(deliver) == 1
    assert tag_names(account) == {"Anniversary"}

    frozen_time.move_to(datetime(2026, 3, 29, 22, 29, tzinfo=UTC))  # 00:29 CEST on the 30th
    resume(deliver)
    assert tag_names(account) == {"Anniversary"}
    frozen_time.move_to(datetime(2026, 3, 29, 22, 30, tzinfo=UTC))  # 00:30 CEST
    resume(deliver)
    assert tag_names(account) == {"Anniversary", "Day after"}


def test_a_simulation_of_one_account_finds_only_its_own_dates(deliver, frozen_time):
    """The simulator narrows every sweep to its account (workflows.sweeps.only_for): the date
    sweep too, so simulating one customer never walks the whole book."""
    from workflows.date_sweep import date_occurrences
    from workflows.sweeps import only_for

    frozen_time.move_to(NOW - timedelta(days=40))
    simulated, other = renewing(TODAY + timedelta(days=30)), renewing(TODAY + timedelta(days=30))
    date_workflow("renewal-prep", [tag("Renewal in 30 days")], days=30)
    frozen_time.move_to(NOW)

    with only_for([simulated.pk]):
        assert date_occurrences() == 1
    assert set(TriggerEvent.objects.values_list("account_id", flat=True)) == {simulated.pk}
    assert other.pk not in TriggerEvent.objects.values_list("account_id", flat=True)
