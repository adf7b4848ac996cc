"""The account page's computed health: contributions with raw values, what moved it, the
manager's accept and override, and a pinned query count."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import HealthStatusChange
from health.models import HealthOverride
from health.services.snapshots import score_due_accounts
from tests.factories import AccountFactory
from workflows.models import TriggerEvent

pytestmark = pytest.mark.django_db


def page(client, account):
    return client.get(reverse("accounts:detail", args=[account.pk]))


def test_the_page_explains_each_factor_with_its_raw_value(client, csm, now, default_model, history):
    account = AccountFactory(owner=csm)
    history(account).logins(1, 2, 3, 4)
    score_due_accounts()
    client.force_login(csm)
    content = page(client, account).content.decode()
    assert "Logins: 4 active days of 30 → 8/20" in content
    assert "Sentiment (NPS): no NPS answer in the period (neutral) → 8/15" in content
    assert "Steady · 46/100" in content
    assert "Manual status: not assessed" in content
    assert 'data-chart="health-sparkline"' in content


def test_what_moved_it_compares_with_7_and_30_days_ago(client, csm, now, default_model, history):
    account = AccountFactory(owner=csm)
    history(account).logins(*[d + 15.5 for d in range(12)])
    score_due_accounts()  # 12 active days: logins 20
    now.shift(timedelta(days=8))
    score_due_accounts()  # 5 of the 12 days have left the window: 7 → logins 8
    client.force_login(csm)
    panel = page(client, account).context["health_panel"]
    delta, moved = panel.moved[7]
    assert delta == -12
    assert [(m.label, m.delta) for m in moved] == [("Logins", -12)]
    assert panel.moved[30] == (None, [])
    assert panel.sparkline["data"]["labels"] == ["2026-03-02", "2026-03-10"]


def test_an_unscored_account_says_so(client, csm, default_model):
    client.force_login(csm)
    assert "Not scored yet" in page(client, AccountFactory(owner=csm)).content.decode()


def test_accepting_the_band_goes_through_the_health_service_so_b1_runs(
    client, manager, now, default_model
):
    account = AccountFactory()
    score_due_accounts()  # an empty account: 38, Steady
    client.force_login(manager)
    response = client.post(reverse("health:accept", args=[account.pk]))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.health_status == "steady"
    change = HealthStatusChange.objects.get(account=account)
    assert "Accepted the computed band (score 38" in change.note
    assert TriggerEvent.objects.filter(kind="health_status_changed", account=account).count() == 1
    client.post(reverse("health:accept", args=[account.pk]))  # again: nothing new
    assert HealthStatusChange.objects.filter(account=account).count() == 1


def test_a_csm_cannot_accept_or_override(client, csm, now, default_model):
    account = AccountFactory(owner=csm)
    score_due_accounts()
    client.force_login(csm)
    assert client.post(reverse("health:accept", args=[account.pk])).status_code == 403
    assert client.get(reverse("health:override", args=[account.pk])).status_code == 403


def test_an_override_shows_until_it_expires_and_stays_in_the_history(
    client, manager, now, default_model
):
    account = AccountFactory()
    score_due_accounts()
    client.force_login(manager)
    url = reverse("health:override", args=[account.pk])
    response = client.post(
        url, {"band": "healthy", "reason": "Renewal signed yesterday", "expires_on": "2026-03-10"}
    )
    assert response.status_code == 302
    override = HealthOverride.objects.get(account=account)
    assert (override.band, override.computed_band, override.computed_score) == (
        "healthy",
        "steady",
        38,
    )
    account.refresh_from_db()
    assert account.health_status == ""  # the manual status is untouched
    content = page(client, account).content.decode()
    assert "Held at <strong>Healthy</strong>" in content
    assert "Renewal signed yesterday" in content
    now.shift(timedelta(days=9))  # past the end of 10 March
    panel = page(client, account).context["health_panel"]
    assert panel.override is None
    assert panel.overrides == [override]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"band": "healthy", "reason": "", "expires_on": "2026-03-10"}, "This field is required"),
        ({"band": "healthy", "reason": "x", "expires_on": "2026-03-01"}, "expire in the future"),
        ({"band": "healthy", "reason": "x", "expires_on": "2027-06-01"}, "at most a year"),
        ({"band": "great", "reason": "x", "expires_on": "2026-03-10"}, "Select a valid choice"),
    ],
)
def test_a_bad_override_is_refused_with_a_reason_and_saves_nothing(
    client, manager, now, default_model, data, message
):
    account = AccountFactory()
    score_due_accounts()
    client.force_login(manager)
    response = client.post(reverse("health:override", args=[account.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not HealthOverride.objects.exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_with_90_days_of_scores(
    client, csm, now, default_model, manager
):
    from core.causes import Cause
    from health.services.statuses import override_computed_band

    account = AccountFactory(owner=csm)
    score_due_accounts()
    override_computed_band(
        account=account,
        band="healthy",
        reason="r",
        expires_at=now_plus(5),
        cause=Cause.by_user(manager),
    )
    client.force_login(csm)
    url = reverse("accounts:detail", args=[account.pk])
    few = _queries(client, url)
    for _ in range(89):
        now.shift(timedelta(days=1))
        score_due_accounts()
    assert account.health_snapshots.count() == 90
    assert account.health_snapshots.order_by("day").first().day == date(2026, 3, 2)
    client.force_login(csm)  # 89 days later the session has expired
    assert _queries(client, url) == few <= 25


def now_plus(days):
    from core import clock

    return clock.now() + timedelta(days=days)
