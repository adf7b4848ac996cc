"""Every sweep is started by a django-q2 schedule installed with the database
(`manage.py migrate`), named as in SWEEPS, calling workflows.tasks.run_sweep."""

import ast
import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django_q.models import Schedule
from django_q.scheduler import scheduler

from accounts.models import Account
from activity.models import AppointmentKind, Feature, TaskSource
from activity.services.appointments import book_appointment
from activity.services.logins import record_login
from activity.services.tasks import create_task
from core.causes import Cause
from tests.factories import AccountFactory, ContactFactory, FeatureFactory
from tests.sweeps.conftest import NOW
from workflows.models import TriggerEvent
from workflows.sweeps import SWEEPS
from workflows.tasks import run_sweep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

RUN_SWEEP = "workflows.tasks.run_sweep"
BY_API = Cause.by_api("product events")
# The trigger kinds each sweep records.
KINDS = {
    "inactive_accounts": {"account_inactive"},
    "unused_features": {"feature_not_used"},
    "affiliate_candidates": {"affiliate_qualified"},
    "milestone_catch_up": {"milestone_reached"},
    "task_deadlines": {"task_due_soon", "task_overdue"},
    "appointment_reminders": {"appointment_reminder_day", "appointment_reminder_hour"},
    "nps_due": {"nps_due"},
}
BY_NAME = {sweep.run.__name__: sweep for sweep in SWEEPS}


@pytest.fixture
def due_for_every_sweep(csm):
    """One account with something due for every sweep at NOW."""
    Feature.objects.update(is_active=False)
    FeatureFactory(key="report-builder", name="Report builder", not_used_days=14)
    account = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=100))
    contact = ContactFactory(account=account)
    record_login(account=account, occurred_at=NOW - timedelta(days=8), cause=BY_API)
    Account.objects.filter(pk=account.pk).update(score=1300)  # an import
    for due_at in (NOW + timedelta(hours=5), NOW - timedelta(hours=1)):
        create_task(
            account=account,
            title="Follow up",
            source=TaskSource.STAFF,
            due_at=due_at,
            cause=Cause.by_user(csm),
        )
    for starts_at in (NOW + timedelta(hours=20), NOW + timedelta(minutes=30)):
        book_appointment(
            account=account,
            kind=AppointmentKind.SUCCESS_SESSION,
            starts_at=starts_at,
            contact=contact,
            assignee=csm,
            cause=BY_API,
        )
    return account


def sweep_schedules() -> list[Schedule]:
    return list(Schedule.objects.filter(func=RUN_SWEEP).order_by("name"))


def test_every_sweep_has_exactly_one_schedule_with_its_name_function_and_interval():
    for sweep in SWEEPS:
        [schedule] = Schedule.objects.filter(name=sweep.name)
        assert schedule.func == RUN_SWEEP
        assert ast.literal_eval(schedule.args) == sweep.run.__name__
        assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, sweep.minutes)
        assert schedule.repeats == -1  # for ever
    assert sorted(s.name for s in sweep_schedules()) == sorted(s.name for s in SWEEPS)


def test_missed_schedule_slots_are_not_replayed_after_downtime():
    assert settings.Q_CLUSTER["catch_up"] is False


def test_installing_the_schedules_again_updates_them_in_place():
    before = {s.name: s.pk for s in sweep_schedules()}
    Schedule.objects.filter(name=SWEEPS[0].name).update(minutes=999, args="'nps_due'")
    install = importlib.import_module(
        "workflows.migrations.0004_time_based_playbooks_and_sweep_schedules"
    ).install

    install(apps, None)

    assert {s.name: s.pk for s in sweep_schedules()} == before
    [first] = Schedule.objects.filter(name=SWEEPS[0].name)
    assert (first.minutes, ast.literal_eval(first.args)) == (
        SWEEPS[0].minutes,
        SWEEPS[0].run.__name__,
    )


@pytest.mark.parametrize("name", list(KINDS))
def test_the_schedules_task_runs_its_sweep(name, due_for_every_sweep):
    [schedule] = Schedule.objects.filter(name=BY_NAME[name].name)

    recorded = run_sweep(*[ast.literal_eval(schedule.args)])

    kinds = set(
        TriggerEvent.objects.filter(kind__in=set().union(*KINDS.values())).values_list(
            "kind", flat=True
        )
    )
    assert recorded > 0
    assert kinds == KINDS[name]


def test_a_scheduler_tick_starts_every_sweep_that_is_due(due_for_every_sweep):
    Schedule.objects.exclude(func=RUN_SWEEP).update(next_run=NOW + timedelta(hours=1))
    Schedule.objects.filter(func=RUN_SWEEP).update(next_run=NOW - timedelta(minutes=1))

    scheduler()  # django-q2 runs the tasks inline in tests

    kinds = set(TriggerEvent.objects.values_list("kind", flat=True))
    assert set().union(*KINDS.values()) <= kinds
    for schedule in sweep_schedules():
        assert schedule.next_run > NOW
