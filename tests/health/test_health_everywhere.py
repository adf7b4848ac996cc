"""The computed score beyond the account page: the list's filter, sort and column, the
board's filter, the dashboard's portfolio by band, the API, and workflow conditions."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Account
from health.selectors import worsened_this_week
from health.services.snapshots import score_due_accounts
from pipelines.models import Pipeline
from pipelines.selectors import stage_named
from pipelines.services import move_card
from tests.api.conftest import ApiClient, create_token
from tests.factories import AccountFactory
from workflows.conditions import evaluate, validate

from .conftest import BY_API

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(now, default_model, history, csm):
    """Busy (58, Healthy), Quiet (38, Steady), Failing (28, Steady) and an unscored one."""
    busy = AccountFactory(name="Busy", owner=csm)
    history(busy).logins(*[d + 0.5 for d in range(12)])
    quiet = AccountFactory(name="Quiet", owner=csm)
    failing = AccountFactory(name="Failing", owner=csm)
    h = history(failing)
    h.payment(ok=False, days_ago=3)
    score_due_accounts()
    AccountFactory(name="New", owner=csm)
    return busy, quiet, failing


@pytest.fixture
def api(client, db) -> ApiClient:
    _, secret = create_token(name="Health test")
    return ApiClient(client, secret)


def names(client, **params):
    return [a.name for a in client.get(reverse("accounts:list"), params).context["page"]]


def test_the_list_filters_by_computed_band_and_score(client, csm, scored):
    client.force_login(csm)
    assert names(client, health_band="steady") == ["Failing", "Quiet"]
    assert names(client, health_min=50) == ["Busy"]
    assert names(client, health_max=30) == ["Failing"]


def test_the_list_sorts_by_computed_score(client, csm, scored):
    client.force_login(csm)
    assert names(client, sort="health_score") == ["Failing", "Quiet", "Busy", "New"]
    assert names(client, sort="-health_score") == ["Busy", "Quiet", "Failing", "New"]
    content = client.get(reverse("accounts:list")).content.decode()
    assert "Computed" in content


def test_the_board_filters_by_computed_band(client, csm, scored):
    busy, quiet, _ = scored
    pipeline = Pipeline.objects.get(key="health")
    for account in (busy, quiet):
        move_card(
            account=account,
            pipeline=pipeline,
            stage=stage_named(pipeline="health", stage="Healthy"),
            cause=BY_API,
        )
    client.force_login(csm)
    content = client.get(reverse("boards:board", args=["health"]), {"health_band": "healthy"})
    body = content.content.decode()
    assert f'data-testid="card-{busy.pk}"' in body
    assert f'data-testid="card-{quiet.pk}"' not in body


def test_the_dashboard_shows_the_portfolio_by_band_and_who_worsened(client, csm, scored, now):
    client.force_login(csm)
    health = client.get(reverse("home"), {"scope": "team"}).context["health"]
    assert [(b["band"], b["count"]) for b in health["bands"]] == [
        ("thriving", 0),
        ("healthy", 1),
        ("steady", 2),
        ("struggling", 0),
    ]
    assert health["worsened"] == []
    now.shift(timedelta(days=8))  # Busy's logins age; a week later it is Steady
    score_due_accounts()
    client.force_login(csm)
    health = client.get(reverse("home"), {"scope": "team"}).context["health"]
    assert [(w["account__name"], w["then_band"], w["band"]) for w in health["worsened"]] == []
    now.shift(timedelta(days=30))
    score_due_accounts()
    client.force_login(csm)
    health = client.get(reverse("home"), {"scope": "team"}).context["health"]
    worsened = [(w["account__name"], w["then_band"], w["band"]) for w in health["worsened"]]
    assert worsened == [("Busy", "healthy", "steady")]
    # A book without Busy (another CSM's My day) lists nobody.
    busy, *_ = scored
    others = Account.objects.exclude(pk=busy.pk)
    assert worsened_this_week(others) == []
    assert [w["account__name"] for w in worsened_this_week(Account.objects.all())] == ["Busy"]


def test_the_api_returns_the_score_and_its_contributions(api, scored):
    busy, _, _ = scored
    body = api.get(f"/api/v1/accounts/{busy.external_id}").json()
    assert body["health"]["score"] == 58
    assert body["health"]["band"] == "healthy"
    assert body["health"]["version"] == 1
    logins = body["health"]["contributions"][0]
    assert logins == {
        "factor": "logins",
        "label": "Logins",
        "raw": 12.0,
        "points": 20,
        "weight": 20,
        "missing": False,
        "explanation": "Logins: 12 active days of 30 → 20/20",
    }


def test_the_api_says_null_before_a_first_score(api, default_model):
    account = AccountFactory()
    assert api.get(f"/api/v1/accounts/{account.external_id}").json()["health"] is None


def test_a_workflow_condition_can_test_the_computed_score(scored):
    busy, quiet, _ = scored
    condition = {"subject": "account.health_score", "operator": "lte", "value": "40"}
    validate(condition, trigger=None)
    assert evaluate([condition], account=busy, data={}, tags=set())[0] is False
    passed, decisions = evaluate([condition], account=quiet, data={}, tags=set())
    assert passed is True
    assert decisions[0]["seen"] == 38
    unscored = AccountFactory()
    assert evaluate([condition], account=unscored, data={}, tags=set())[0] is False
