"""Workflows › Sweep rules: the time-based playbooks' windows, edited in the admin."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from activity.services.logins import record_login
from core import clock
from tests.factories import UserFactory
from workflows.models import SweepRules
from workflows.sweeps import inactive_accounts

pytestmark = pytest.mark.django_db

FORM = {
    "inactivity_days": "7",
    "feature_recheck_days": "45",
    "affiliate_recheck_days": "60",
    "nps_every_days": "90",
    "task_due_soon_hours": "24",
}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def change_url() -> str:
    return reverse("admin:workflows_sweeprules_change", args=[SweepRules.objects.get().pk])


def test_the_list_shows_the_one_row_with_each_window_named(admin_client):
    page = admin_client.get(reverse("admin:workflows_sweeprules_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    for heading in ["Inactive after (days)", "NPS survey every (days)", "Task due soon within"]:
        assert heading in html
    assert reverse("admin:workflows_sweeprules_add") not in html  # one row, no "Add"


def test_a_new_inactivity_window_saved_in_the_admin_is_what_the_sweep_uses(
    admin_client, account, by_api
):
    record_login(account=account, occurred_at=clock.now() - timedelta(days=10), cause=by_api)
    response = admin_client.post(change_url(), FORM | {"inactivity_days": "14"})
    assert response.status_code == 302
    assert SweepRules.objects.get().inactivity_days == 14
    assert inactive_accounts() == 0  # 10 days without a login is not 14


def test_a_window_of_zero_is_refused_with_a_reason_and_changes_nothing(admin_client):
    response = admin_client.post(
        change_url(), FORM | {"inactivity_days": "0", "nps_every_days": "30"}
    )
    assert response.status_code == 200
    assert "greater than or equal to 1" in response.content.decode()
    rules = SweepRules.objects.get()
    assert (rules.inactivity_days, rules.nps_every_days) == (7, 90)


def test_the_sweep_rules_cannot_be_added_twice_or_deleted(admin_client):
    assert admin_client.get(reverse("admin:workflows_sweeprules_add")).status_code == 403
    delete = reverse("admin:workflows_sweeprules_delete", args=[SweepRules.objects.get().pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert SweepRules.objects.count() == 1


def test_the_database_refuses_a_window_of_zero_written_past_the_admin():
    with pytest.raises(IntegrityError), transaction.atomic():
        SweepRules.objects.update(task_due_soon_hours=0)
