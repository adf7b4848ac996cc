"""The account's history shows the manager's decisions on the computed band (#20): an accepted
band, an override with its reason and expiry, and the override running out."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import clock
from core.causes import Cause
from health.services.snapshots import score_due_accounts
from health.services.statuses import accept_computed_band, override_computed_band
from tests.factories import AccountFactory, UserFactory
from tests.web.html import timeline_of

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def maria(db):
    return UserFactory(username="mgr_maria", first_name="Maria", last_name="Lopez")


def _override(account, by, band="healthy", days=41, reason="Renewal signed last week"):
    return override_computed_band(
        account=account,
        band=band,
        reason=reason,
        expires_at=clock.now() + timedelta(days=days),
        cause=Cause.by_user(by, "health override"),
    )


def test_an_accepted_band_says_who_accepted_which_band(client, csm, now, maria):
    account = AccountFactory(owner=csm)
    score_due_accounts()
    band = account.health.get_band_display()
    accept_computed_band(account=account, cause=Cause.by_user(maria, "accepted the computed band"))
    client.force_login(csm)

    text = timeline_of(client, account, type="changes")

    assert f"Maria Lopez accepted the computed band {band}" in text
    assert "mgr_maria" not in text
    assert f"Health set to {band}" not in text  # one line, the accepted one


def test_an_override_says_who_what_until_when_and_why_then_its_expiry(client, csm, now, maria):
    account = AccountFactory(owner=csm)
    score_due_accounts()
    computed = account.health.get_band_display()
    _override(account, maria, band="healthy", days=41)  # until 12 Jan next year
    client.force_login(csm)

    text = timeline_of(client, account, type="changes")

    assert "Maria Lopez overrode health to Healthy until 12 Jan 2027: Renewal signed" in text
    assert f"Computed: {computed}" in text
    assert "expired" not in text  # not yet
    assert "mgr_maria" not in text  # the full name, never the username
    assert "healthy" not in text.replace("Healthy", "")  # the label, never the raw key

    now.move_to(NOW + timedelta(days=42))
    client.force_login(csm)
    text = timeline_of(client, account, type="changes")
    assert "Health override to Healthy expired (set by Maria Lopez on 2 Dec 2026)" in text


def test_a_replaced_override_does_not_show_an_expiry(client, csm, now, maria):
    account = AccountFactory(owner=csm)
    score_due_accounts()
    _override(account, maria, band="healthy", days=5)
    now.move_to(NOW + timedelta(days=1))
    _override(account, maria, band="thriving", days=3, reason="Expansion call went well")
    now.move_to(NOW + timedelta(days=30))
    client.force_login(csm)

    text = timeline_of(client, account, type="changes")

    assert "Health override to Thriving expired" in text
    assert "Health override to Healthy expired" not in text
    assert text.count("overrode health to") == 2


def _fragment_queries(client, account) -> int:
    url = reverse("accounts:timeline", args=[account.pk])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    return len(captured)


def test_overrides_cost_the_same_queries_few_or_many(client, csm, now, maria):
    few, many = AccountFactory(owner=csm), AccountFactory(owner=csm)
    score_due_accounts()
    _override(few, maria, days=1)
    for n in range(12):
        now.move_to(NOW + timedelta(days=n))
        _override(many, maria, days=1 + n % 3)
        accept_computed_band(account=many, cause=Cause.by_user(maria))
    now.move_to(NOW + timedelta(days=20))  # both have expired overrides now
    client.force_login(csm)

    assert _fragment_queries(client, few) == _fragment_queries(client, many)
