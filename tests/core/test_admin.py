"""The admin: every page opens, lists stay cheap, actions go through services."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, HealthStatusChange, TagEvent
from accounts.services import add_tag
from core.causes import Cause
from pipelines.models import Card, Stage
from pipelines.services import move_card
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


def test_every_admin_list_and_add_page_opens(client, superuser, account):
    ContactFactory(account=account)
    add_tag(account=account, tag="VIP", cause=Cause.by_system())
    client.force_login(superuser)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        if model_admin.has_add_permission(_request(superuser)):
            add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert client.get(add_url).status_code == 200, add_url


def test_account_page_shows_contacts_tags_and_cards(client, superuser, account):
    ContactFactory(account=account, name="Petra Primary")
    add_tag(account=account, tag="Active SaaS", cause=Cause.by_system())
    client.force_login(superuser)
    page = client.get(reverse("admin:accounts_account_change", args=[account.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Petra Primary" in html
    assert "Active SaaS" in html
    assert "Score ledger" in html


def _changelist_queries(client, count: int) -> int:
    for _ in range(count):
        account = AccountFactory(owner=UserFactory())
        ContactFactory(account=account)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:accounts_account_changelist")).status_code == 200
    return len(queries)


def test_account_list_query_count_does_not_grow_with_accounts(client, superuser):
    client.force_login(superuser)
    few = _changelist_queries(client, 3)
    many = _changelist_queries(client, 30)
    assert few == many, f"{few} queries for 3 accounts, {many} for 33"


def test_manager_sets_health_status_through_the_admin_action(client, manager, account):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    response = client.post(
        reverse("admin:accounts_account_changelist"),
        {
            "action": "set_health_status",
            "_selected_action": [account.pk],
            "health_status": "struggling",
            "note": "Missed two calls",
        },
        follow=True,
    )
    assert response.status_code == 200
    account.refresh_from_db()
    assert account.health_status == "struggling"
    change = HealthStatusChange.objects.get(account=account)
    assert change.cause_user == manager
    assert change.cause_reason == "Missed two calls"


def test_csm_is_not_offered_the_health_status_action(client, csm):
    client.force_login(csm)
    page = client.get(reverse("admin:accounts_account_changelist"))
    assert page.status_code == 200
    assert "set_health_status" not in page.content.decode()


def test_move_to_stage_of_the_admin_records_who_moved_the_card(client, superuser, account):
    client.force_login(superuser)
    stage = Stage.objects.get(pipeline__key="login_activity", name="Inactive")
    client.post(
        reverse("admin:accounts_account_changelist"),
        {"action": "move_to_stage", "_selected_action": [account.pk], "stage": stage.pk},
    )
    card = Card.objects.get(account=account, pipeline=stage.pipeline)
    assert card.stage == stage
    assert account.stage_moves.get().cause_user == superuser


def test_empty_tag_name_in_the_admin_action_is_refused_and_writes_nothing(client, superuser):
    accounts = AccountFactory.create_batch(2)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_account_changelist"),
        {"action": "add_tag", "_selected_action": [a.pk for a in accounts], "tag": "  "},
        follow=True,
    )
    assert "A tag needs a name." in response.content.decode()
    assert TagEvent.objects.count() == 0


def test_history_rows_cannot_be_edited_in_the_admin(client, superuser, account):
    add_tag(account=account, tag="VIP", cause=Cause.by_system())
    event = TagEvent.objects.get()
    client.force_login(superuser)
    url = reverse("admin:accounts_tagevent_change", args=[event.pk])
    client.post(url, {"action": "removed"})
    event.refresh_from_db()
    assert event.action == "added"
    assert client.get(reverse("admin:accounts_tagevent_delete", args=[event.pk])).status_code == 403


def test_adding_an_account_in_the_admin_signs_it_up(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_account_add"),
        {
            "name": "Admin Made Ltd",
            "external_id": "adm-1",
            "plan": "pro",
            "mrr": "199.00",
            "currency": "USD",
            "signed_up_at_0": "2026-11-01",
            "signed_up_at_1": "10:00:00",
            "timezone": "Europe/Berlin",
            **NO_INLINE_ROWS,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = Account.objects.get(external_id="adm-1")
    assert account.timezone == "Europe/Berlin"
    assert account.events.get().kind == "signed_up"


def test_unknown_timezone_is_refused_by_the_admin_form(client, superuser, account):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_account_add"),
        {
            "name": "Bad Zone",
            "external_id": "adm-2",
            "plan": "pro",
            "mrr": "1",
            "currency": "USD",
            "signed_up_at_0": "2026-11-01",
            "signed_up_at_1": "10:00:00",
            "timezone": "Mars/Olympus",
            **NO_INLINE_ROWS,
        },
    )
    assert response.status_code == 200
    assert "is not a timezone name" in response.content.decode()
    assert not Account.objects.filter(external_id="adm-2").exists()


NO_INLINE_ROWS = {
    f"{prefix}-{field}": "0"
    for prefix in ["contacts", "account_tags", "cards"]
    for field in ["TOTAL_FORMS", "INITIAL_FORMS"]
}


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_view_only_role_cannot_tag_or_move_accounts_through_actions(
    client, affiliate_manager, account
):
    affiliate_manager.is_staff = True
    affiliate_manager.save()
    client.force_login(affiliate_manager)
    url = reverse("admin:accounts_account_changelist")
    stage = Stage.objects.get(pipeline__key="health", name="Healthy")

    page = client.get(url).content.decode()
    client.post(url, {"action": "add_tag", "_selected_action": [account.pk], "tag": "VIP"})
    client.post(
        url, {"action": "move_to_stage", "_selected_action": [account.pk], "stage": stage.pk}
    )

    assert "add_tag" not in page
    assert TagEvent.objects.count() == 0
    assert not Card.objects.filter(account=account).exists()


def test_editing_a_contact_in_the_admin_goes_through_the_service(client, superuser, account):
    contact = ContactFactory(account=account, name="Old Name", email="old@customer.example")
    client.force_login(superuser)

    response = client.post(
        reverse("admin:accounts_contact_change", args=[contact.pk]),
        {"name": "New Name", "email": "NEW@customer.example", "phone": "", "is_primary": "on"},
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("New Name", "new@customer.example")
    event = account.events.get(kind="contact_changed")
    assert event.cause_user == superuser
    assert event.data["fields"] == ["email", "name", "phone"]


def test_reassigning_an_owner_in_the_admin_is_recorded(client, superuser, account, manager):
    client.force_login(superuser)
    data = {
        "name": account.name,
        "owner": manager.pk,
        "timezone": "",
        "plan": account.plan,
        "mrr": str(account.mrr),
        "currency": account.currency,
        **NO_INLINE_ROWS,
    }

    response = client.post(reverse("admin:accounts_account_change", args=[account.pk]), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    account.refresh_from_db()
    assert account.owner == manager
    event = account.events.get(kind="updated")
    assert event.data == {"owner": [event.data["owner"][0], manager.pk]}
    assert event.cause_user == superuser


def test_a_user_without_assign_owner_sees_the_owner_read_only(client, manager, csm, account):
    csm.is_staff = True
    csm.save()
    client.force_login(csm)
    page = client.get(reverse("admin:accounts_account_change", args=[account.pk]))
    assert page.status_code == 200
    assert 'name="owner"' not in page.content.decode()


def test_a_future_sign_up_time_is_a_form_error_not_a_crash(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_account_add"),
        {
            "name": "Time Traveller",
            "external_id": "adm-3",
            "plan": "pro",
            "mrr": "1",
            "currency": "USD",
            "signed_up_at_0": "2099-01-01",
            "signed_up_at_1": "10:00:00",
            "timezone": "",
            **NO_INLINE_ROWS,
        },
    )
    assert response.status_code == 200
    assert "is in the future" in response.content.decode()
    assert not Account.objects.filter(external_id="adm-3").exists()


def _list_queries(client, url: str, accounts: int) -> int:
    stages = list(Stage.objects.filter(pipeline__key="health"))
    for i in range(accounts):
        account = AccountFactory()
        for stage in (stages[i % 4], stages[(i + 1) % 4]):
            move_card(
                account=account, pipeline=stage.pipeline, stage=stage, cause=Cause.by_system()
            )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name",
    [
        "pipelines_card_changelist",
        "pipelines_stagemove_changelist",
        "pipelines_pipeline_changelist",
    ],
)
def test_pipeline_lists_do_not_query_per_row(client, superuser, url_name):
    client.force_login(superuser)
    url = reverse(f"admin:{url_name}")
    few = _list_queries(client, url, 2)
    many = _list_queries(client, url, 12)
    assert few == many, f"{few} queries with 2 accounts, {many} with 14"


def test_the_pipeline_list_counts_stages_and_cards(client, superuser, account):
    stage = Stage.objects.get(pipeline__key="health", name="Healthy")
    move_card(account=account, pipeline=stage.pipeline, stage=stage, cause=Cause.by_system())
    client.force_login(superuser)
    page = client.get(reverse("admin:pipelines_pipeline_changelist"))
    health = next(p for p in page.context["cl"].result_list if p.key == "health")
    assert (health.stage_total, health.card_total) == (4, 1)
