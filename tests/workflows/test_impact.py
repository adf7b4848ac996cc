"""The impact preview: its figures against a hand count, and its SQL conditions against
the engine's own tests (workflows.conditions), on the same accounts and events."""

from datetime import timedelta

import pytest

from accounts.models import Plan
from accounts.services import add_tag
from activity.services.logins import record_login
from core import clock
from core.causes import Cause
from tests.factories import AccountFactory
from workflows import impact
from workflows.conditions import evaluate
from workflows.models import TriggerEvent, Workflow

from .test_engine import UPGRADE_STEPS, build_workflow, upgrade

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

MAIL = {"action": "send_email", "params": {"template": "a1-welcome"}}
ALERT = {"action": "notify_staff", "params": {"template": "a1-new-account", "rule": "owner"}}
WAIT = {"action": "wait", "params": {"days": 1}}
PAYING = {"subject": "account.plan", "operator": "ne", "value": "free"}
HIGH = {"subject": "account.score", "operator": "gte", "value": "50"}


def book(frozen_time):
    """Six accounts, logging in today (one twice) or only two days ago."""
    accounts = {
        "free": AccountFactory(plan=Plan.FREE, score=80),
        "pro_high": AccountFactory(plan=Plan.PRO, score=70),
        "pro_low": AccountFactory(plan=Plan.PRO, score=10),
        "starter_vip": AccountFactory(plan=Plan.STARTER, score=55),
        "starter_low": AccountFactory(plan=Plan.STARTER, score=0),
        "old": AccountFactory(plan=Plan.PRO, score=90),
    }
    add_tag(account=accounts["starter_vip"], tag="VIP", cause=Cause.by_api())
    record_login(account=accounts["old"], cause=Cause.by_api(), occurred_at=clock.now())
    frozen_time.shift(timedelta(days=2))
    for key, account in accounts.items():
        if key != "old":
            record_login(account=account, cause=Cause.by_api(), occurred_at=clock.now())
    frozen_time.shift(timedelta(hours=3))
    record_login(account=accounts["pro_high"], cause=Cause.by_api(), occurred_at=clock.now())
    return accounts


def definition(steps, conditions=()):
    return {
        "trigger": "login_recorded",
        "trigger_params": {},
        "conditions": list(conditions),
        "steps": steps,
        "goal": {},
    }


def workflow():
    return Workflow.objects.create(key="hello", name="Hello", trigger="login_recorded")


def test_the_figures_match_a_hand_count(frozen_time):
    book(frozen_time)
    steps = [
        MAIL,
        {
            "action": "decision",
            "params": {
                "paths": [{"name": "High", "conditions": [HIGH], "steps": [ALERT, MAIL]}],
                "otherwise": [WAIT, MAIL],
            },
        },
        ALERT,
    ]

    found = impact.preview(workflow(), definition(steps, [PAYING]))

    # The last 24 hours' logins: pro_high ×2, pro_low, starter_vip, starter_low, free
    # ("old" logged in two days ago); free fails "paying": five runs of four accounts.
    assert (found.events, found.accounts) == (6, 4)
    # Each run: the first e-mail; high scorers (pro_high ×2, starter_vip) an alert and a
    # second e-mail, then the last alert; the others wait, so nothing more today.
    assert (found.messages, found.alerts) == (5 + 3, 3 + 3)
    assert found.in_flight == []


def test_runs_in_flight_are_counted_per_version(deliver, account, manager, by_manager):
    flow = build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)
    deliver(lambda: upgrade(account, by_manager))

    assert impact.runs_in_flight(flow) == [(1, 1)]


CONDITIONS = [
    {"subject": "account.plan", "operator": "eq", "value": "pro"},
    {"subject": "account.plan", "operator": "ne", "value": "pro"},
    {"subject": "account.plan", "operator": "in", "value": "pro, starter"},
    {"subject": "account.plan", "operator": "gte", "value": "1"},
    {"subject": "account.score", "operator": "eq", "value": "55"},
    {"subject": "account.score", "operator": "lte", "value": "10"},
    {"subject": "account.health_status", "operator": "eq", "value": ""},
    {"subject": "account.health_score", "operator": "ne", "value": "3"},
    {"subject": "account.health_score", "operator": "gte", "value": "0"},
    {"subject": "account.mrr", "operator": "gte", "value": "99"},
    {"subject": "data.days_since_previous", "operator": "eq", "value": ""},
    {"subject": "data.days_since_previous", "operator": "ne", "value": "2"},
    {"subject": "data.days_since_previous", "operator": "lte", "value": "5"},
    {"subject": "", "operator": "has_tag", "value": "vip"},
    {"subject": "", "operator": "lacks_tag", "value": "VIP"},
]


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: f"{c['subject']}-{c['operator']}")
def test_each_condition_selects_the_events_the_engine_would_pass(condition, frozen_time):
    book(frozen_time)
    events = TriggerEvent.objects.filter(kind="login_recorded").select_related("account")
    expected = set()
    for event in events:
        tags = {name.casefold() for name in event.account.tags.values_list("name", flat=True)}
        held, _ = evaluate([condition], account=event.account, data=event.data, tags=tags)
        if held:
            expected.add(event.pk)

    selected = set(events.filter(impact.condition_q(condition)).values_list("pk", flat=True))

    assert selected == expected
    assert len(events) > 0
