"""Explainability: every tag, stage and score entry names the run or user behind it."""

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import add_tag, sign_up_account, upsert_contact
from core.causes import Cause
from scoring.services import add_points
from workflows.selectors import explain_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_up(csm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        account, _ = sign_up_account(
            external_id="acme-1", name="Acme", owner=csm, cause=Cause.by_api("signup evt_1")
        )
        upsert_contact(
            account=account,
            name="Ana Lima",
            email="ana@acme.example",
            is_primary=True,
            cause=Cause.by_api(),
        )
    return account


def test_a_workflow_tag_and_stage_name_the_run_and_its_trigger(signed_up):
    rows = {(row.kind, row.what): row for row in explain_account(signed_up)}

    tag = rows[("tag", "Active SaaS")]
    stage = rows[("stage", "Subscription & Billing › Active")]
    for row in (tag, stage):
        assert row.run is not None
        assert row.run.workflow.key == "a1-welcome"
        assert row.run.event.kind == "account_signed_up"
        assert row.run.event.cause_reason == "signup evt_1"


def test_a_manual_change_names_the_user(signed_up, manager):
    add_tag(account=signed_up, tag="VIP", cause=Cause.by_user(manager, "big logo"))
    add_points(
        account=signed_up,
        points=40,
        reason="Case study",
        source="manual",
        cause=Cause.by_user(manager),
    )

    rows = {(row.kind, row.what): row for row in explain_account(signed_up)}

    assert rows[("tag", "VIP")].run is None
    # The person's name, never their login.
    assert rows[("tag", "VIP")].cause == f"{manager.get_full_name()}: big logo"
    assert rows[("score", "+40 Case study")].cause == manager.get_full_name()


def test_explaining_costs_the_same_queries_for_a_long_history(signed_up, manager):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            explain_account(signed_up)
        return len(captured)

    few = queries()
    for n in range(15):
        add_tag(account=signed_up, tag=f"Tag {n}", cause=Cause.by_user(manager))
        add_points(
            account=signed_up, points=5, reason=f"n{n}", source="manual", cause=Cause.by_system()
        )
    assert queries() == few


def test_the_account_admin_page_shows_what_caused_what(client, signed_up):
    root = User.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(root)

    page = client.get(reverse("admin:accounts_account_change", args=[signed_up.pk]))

    html = page.content.decode()
    assert "What caused what" in html
    assert "New account: welcome run #" in html
    assert "account_signed_up" in html
