"""The dry-run simulator: it touches nothing, and it agrees with a real run."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from activity.services.logins import record_login
from core.causes import Cause
from notifications import delivery
from notifications.models import Message
from tests.factories import ContactFactory
from tests.workflows.conftest import NOW
from workflows import engine, sweeps
from workflows.models import Workflow
from workflows.simulation.testing import at, simulate

CAUSE = Cause.by_api("event evt_sim")


def every_table() -> dict[str, int]:
    """Rows in every table, many-to-many ones included (django-q2's queue too)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        counts[model._meta.db_table] = model._default_manager.count()
    return counts


def quiet_customer(account):
    """A customer who last logged in two days ago: inactivity and nudges are due soon."""
    ContactFactory(account=account, email="jordan@acme.example", is_primary=True)
    record_login(account=account, occurred_at=NOW - timedelta(days=2), cause=CAUSE)


def login_on_day(account, days):
    return at(days=days, what="a login", do=lambda: record_login(account=account, cause=CAUSE))


@pytest.mark.django_db(transaction=True)
@pytest.mark.outbox_policy
def test_a_simulation_touches_no_table_sends_nothing_and_queues_no_task(account, frozen_time):
    quiet_customer(account)
    before = every_table()

    result = simulate(account, days=30, happenings=[login_on_day(account, 12)])

    assert result.sent(), "the simulation should have had something to send"
    assert any(entry.kind == "trigger" for entry in result.entries)
    assert every_table() == before
    assert mail.outbox == []
    assert result.held_tasks == []


@pytest.mark.django_db
def test_one_workflow_runs_alone_and_the_others_stay_as_they_were(account, frozen_time):
    quiet_customer(account)
    active = set(Workflow.objects.filter(is_active=True).values_list("key", flat=True))

    result = simulate(account, days=10, workflow="d1-inactive")

    names = {entry.workflow for entry in result.entries if entry.workflow}
    assert names == {"No login for 7 days"}
    assert set(Workflow.objects.filter(is_active=True).values_list("key", flat=True)) == active


@pytest.mark.django_db
def test_each_condition_is_shown_with_the_value_it_saw(account, frozen_time):
    quiet_customer(account)

    result = simulate(account, days=3, happenings=[login_on_day(account, 1)])

    skipped = [e for e in result.entries if e.title.startswith("Login after inactivity")][-1]
    assert skipped.at == NOW + timedelta(days=1)
    assert skipped.kind == "skipped"
    assert skipped.conditions[0]["value"] == "Inactive"
    assert skipped.conditions[0]["passed"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 91, "30"])
def test_a_period_out_of_range_is_refused(account, days):
    with pytest.raises(ValidationError):
        simulate(account, days=days)


def _masked(text: str) -> str:
    """Signed links carry the time they were signed at: compare texts without them."""
    return re.sub(r"https?://\S+", "<link>", text)


@pytest.mark.django_db
@pytest.mark.outbox_policy
def test_the_simulation_agrees_with_a_real_run_under_a_controlled_clock(
    account, frozen_time, deliver
):
    quiet_customer(account)
    result = simulate(account, days=20, happenings=[login_on_day(account, 12)])
    simulated = [(m.recipient, m.subject, _masked(m.body_text), m.sent_at) for m in result.sent()]
    # The real thing: the same ticks (each day, and each moment the simulation looked at),
    # the same login, the real sweeps, engine and outbox, e-mail to the locmem backend.
    moments = sorted({NOW + timedelta(days=d) for d in range(21)} | {e.at for e in result.entries})
    logged_in = False
    for moment in moments:
        frozen_time.move_to(moment)
        if not logged_in and moment >= NOW + timedelta(days=12):
            frozen_time.move_to(NOW + timedelta(days=12))
            deliver(lambda: record_login(account=account, cause=CAUSE))
            logged_in = True
            frozen_time.move_to(moment)
        for sweep in sweeps.SWEEPS:
            deliver(sweep.run)
        deliver(engine.resume_due_runs)
        deliver(delivery.deliver_due)
    real = [
        (m.recipient, m.subject, _masked(m.body_text), m.sent_at)
        for m in Message.objects.filter(account=account, user=None, status="sent").order_by(
            "sent_at", "created_at"
        )
    ]
    assert simulated == real
    assert [(e.to[0], e.subject) for e in mail.outbox if e.to[0] == "jordan@acme.example"] == [
        (recipient, subject) for recipient, subject, _, _ in simulated
    ]


@pytest.mark.django_db
def test_replay_runs_the_recorded_history_again(account, frozen_time):
    ContactFactory(account=account, email="jordan@acme.example", is_primary=True)
    record_login(account=account, occurred_at=NOW - timedelta(days=20), cause=CAUSE)

    result = simulate(account, replay_days=30)

    inactive = [e for e in result.entries if e.title == "Account inactive"]
    assert [e.at.date() for e in inactive] == [(NOW - timedelta(days=13)).date()]
    assert "Replays 1 logins" in result.notes[0]


@pytest.mark.django_db
def test_the_command_prints_the_days_and_refuses_what_it_cannot_do(account, frozen_time, capsys):
    quiet_customer(account)

    call_command("simulate", "--account", str(account.pk), "--days", "10")

    out = capsys.readouterr().out
    assert "Account inactive" in out
    assert "Subject:" in out
    with pytest.raises(CommandError, match="no account"):
        call_command("simulate", "--account", "nope")
    with pytest.raises(CommandError, match="has no draft"):
        call_command(
            "simulate", "--account", str(account.pk), "--workflow", "d1-inactive", "--draft"
        )
    with pytest.raises(CommandError, match="1 to 90"):
        call_command("simulate", "--account", str(account.pk), "--days", "0")


@pytest.mark.django_db
def test_the_readme_example_a_login_after_the_reengagement_email_meets_the_goal(
    account, frozen_time
):
    ContactFactory(account=account, email="jordan@acme.example", is_primary=True)
    record_login(account=account, occurred_at=NOW, cause=CAUSE)

    result = simulate(
        account, days=10, workflow="d1-inactive", happenings=[login_on_day(account, 9)]
    )

    assert [m.subject for m in result.sent()] == ["Your Example SaaS account is ready when you are"]
    assert any(e.kind == "goal" for e in result.entries)


@pytest.mark.django_db
def test_the_command_simulates_a_draft_and_keeps_neither_it_nor_a_version(
    account, frozen_time, capsys
):
    quiet_customer(account)
    workflow = Workflow.objects.get(key="d1-inactive")
    workflow.steps.filter(position=0).update(params={"tag": "Dormant"})
    versions = workflow.versions.count()

    call_command(
        "simulate",
        "--account",
        str(account.pk),
        "--days",
        "10",
        "--workflow",
        "d1-inactive",
        "--draft",
    )

    out = capsys.readouterr().out
    assert "No login for 7 days (draft)" in out
    assert "Dormant" in out
    assert workflow.versions.count() == versions
    assert workflow.steps.get(position=0).params == {"tag": "Dormant"}
