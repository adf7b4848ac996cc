"""GET/PUT /api/v1/accounts and PUT /api/v1/accounts/{id}/contacts/{id}."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, Contact, HealthStatus, Plan
from accounts.services import add_tag, change_health_status
from core.causes import Cause
from pipelines.models import Pipeline
from pipelines.selectors import stage_named
from pipelines.services import move_card
from scoring.services import add_points
from tests.api.conftest import ApiClient, row_counts
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNTS = "/api/v1/accounts"
BY_HAND = Cause.by_system("test set-up")


def external_ids(response) -> list[str]:
    return [account["external_id"] for account in response.json()]


def place(account, pipeline: str, stage: str) -> None:
    move_card(
        account=account,
        pipeline=Pipeline.objects.get(key=pipeline),
        stage=stage_named(pipeline=pipeline, stage=stage),
        cause=BY_HAND,
    )


@pytest.fixture
def acme(csm):
    return AccountFactory(
        external_id="acme", name="Acme", owner=csm, plan=Plan.PRO, mrr=Decimal("49.00")
    )


# --- GET /accounts -------------------------------------------------------------------------


def test_the_list_pages_100_accounts_oldest_first(api):
    Account.objects.bulk_create(AccountFactory.build_batch(101))
    oldest_first = list(Account.objects.order_by("pk").values_list("external_id", flat=True))

    first = api.get(ACCOUNTS)
    second = api.get(ACCOUNTS, {"page": 2})
    third = api.get(ACCOUNTS, {"page": 3})

    assert first.status_code == 200
    assert external_ids(first) == oldest_first[:100]
    assert external_ids(second) == oldest_first[100:]
    assert third.json() == []


def test_the_list_filters_by_health_status(api):
    struggling, _ = AccountFactory.create_batch(2)
    change_health_status(account=struggling, status=HealthStatus.STRUGGLING, cause=BY_HAND)

    response = api.get(ACCOUNTS, {"health_status": "struggling"})

    assert external_ids(response) == [struggling.external_id]


def test_the_list_filters_by_tag_ignoring_case(api):
    vip, _ = AccountFactory.create_batch(2)
    add_tag(account=vip, tag="VIP", cause=BY_HAND)

    response = api.get(ACCOUNTS, {"tag": "vip"})

    assert external_ids(response) == [vip.external_id]


def test_the_list_filters_by_last_change(api):
    with time_machine.travel(datetime(2025, 6, 1, tzinfo=UTC), tick=False):
        AccountFactory(external_id="quiet")
    with time_machine.travel(datetime(2025, 7, 1, tzinfo=UTC), tick=False):
        AccountFactory(external_id="busy")

    response = api.get(ACCOUNTS, {"updated_since": "2025-06-30T00:00:00+00:00"})

    assert external_ids(response) == ["busy"]


def test_a_naive_updated_since_is_422(api):
    response = api.get(ACCOUNTS, {"updated_since": "2025-06-30T00:00:00"})

    assert response.status_code == 422
    assert response.json()["detail"].startswith("updated_since:")


def test_page_zero_is_the_first_page(api, acme):
    assert external_ids(api.get(ACCOUNTS, {"page": 0})) == ["acme"]


def test_a_page_past_any_database_integer_is_refused_or_empty_not_a_server_error(api, acme):
    response = api.get(ACCOUNTS, {"page": 10**17})

    assert response.status_code in (200, 422)
    if response.status_code == 200:
        assert response.json() == []


def test_the_list_needs_a_token(client, acme):
    response = ApiClient(client, None).get(ACCOUNTS)

    assert response.status_code == 401


def _list_queries(api, n: int) -> CaptureQueriesContext:
    for account in AccountFactory.create_batch(n):
        add_tag(account=account, tag="VIP", cause=BY_HAND)
        add_tag(account=account, tag=f"Cohort {account.pk}", cause=BY_HAND)
        place(account, "health", "Healthy")
        place(account, "login_activity", "Active")
    with CaptureQueriesContext(connection) as queries:
        response = api.get(ACCOUNTS)
    assert response.status_code == 200
    assert len(response.json()) == Account.objects.count()
    return queries


def test_the_list_takes_as_many_queries_for_30_accounts_as_for_3(api):
    few = _list_queries(api, 3)
    many = _list_queries(api, 27)  # 30 in all

    # Token, rate limit (3), last use, the total, accounts, their tags, contacts, cards.
    assert (len(few), len(many)) == (10, 10), "\n".join(q["sql"] for q in many.captured_queries)


# --- GET /accounts/{external_id} -----------------------------------------------------------


def test_one_account_shows_its_score_health_tags_and_stages(api, acme, csm):
    add_points(account=acme, points=120, reason="Onboarding call", source="manual", cause=BY_HAND)
    change_health_status(account=acme, status=HealthStatus.THRIVING, cause=BY_HAND)
    add_tag(account=acme, tag="VIP", cause=BY_HAND)
    add_tag(account=acme, tag="Beta", cause=BY_HAND)
    place(acme, "health", "Thriving")
    place(acme, "subscription", "Active Subscription")

    response = api.get(f"{ACCOUNTS}/acme")

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("external_id", "name", "plan", "mrr", "owner")} == {
        "external_id": "acme",
        "name": "Acme",
        "plan": "pro",
        "mrr": "49.00",
        "owner": csm.email,
    }
    assert (body["score"], body["health_status"], body["tags"]) == (
        120,
        "thriving",
        ["Beta", "VIP"],
    )
    assert body["stages"] == {"health": "Thriving", "subscription": "Active Subscription"}


def test_an_unknown_account_is_404_with_a_message(api):
    response = api.get(f"{ACCOUNTS}/ghost")

    assert (response.status_code, response.json()) == (404, {"detail": "No account 'ghost'."})


# --- PUT /accounts/{external_id} -----------------------------------------------------------


def test_put_creates_an_account_with_201_then_updates_it_with_200(api, csm, manager):
    created = api.put(
        f"{ACCOUNTS}/globex",
        {"name": "Globex", "plan": "starter", "mrr": "99.00", "owner_email": csm.email},
    )
    updated = api.put(
        f"{ACCOUNTS}/globex",
        {
            "name": "Globex Corporation",
            "plan": "business",
            "mrr": "499.00",
            "owner_email": manager.email.upper(),
            "billing_customer_id": "cus_123",
        },
    )

    assert created.status_code == 201
    assert updated.status_code == 200
    account = Account.objects.get(external_id="globex")
    assert (
        account.name,
        account.plan,
        account.mrr,
        account.owner,
        account.billing_customer_id,
    ) == (
        "Globex Corporation",
        "business",
        Decimal("499.00"),
        manager,
        "cus_123",
    )
    body = updated.json()
    assert (body["name"], body["plan"], body["mrr"], body["owner"]) == (
        "Globex Corporation",
        "business",
        "499.00",
        manager.email,
    )


def test_put_with_the_same_fields_again_changes_nothing(api, acme, csm):
    fields = {"name": "Acme", "plan": "pro", "mrr": "49.00", "owner_email": csm.email}
    api.put(f"{ACCOUNTS}/acme", fields)
    before = row_counts()

    response = api.put(f"{ACCOUNTS}/acme", fields)

    assert response.status_code == 200
    assert row_counts() == before


def test_put_with_an_unknown_owner_email_is_422_and_writes_nothing(api):
    before = row_counts()

    response = api.put(
        f"{ACCOUNTS}/globex", {"name": "Globex", "owner_email": "nobody@example.com"}
    )

    assert (response.status_code, response.json()) == (
        422,
        {"detail": "No staff member has the e-mail nobody@example.com."},
    )
    assert row_counts() == before


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        pytest.param({"name": "Globex", "plan": "platinum"}, "plan:", id="plan"),
        pytest.param({"name": "Globex", "mrr": "-5"}, "mrr:", id="negative-mrr"),
        pytest.param({"name": "Globex", "mrr": "lots"}, "mrr:", id="mrr-word"),
        pytest.param({"name": "  "}, "name:", id="blank-name"),
        pytest.param({"plan": "pro"}, "An account needs a name.", id="no-name"),
        pytest.param({"name": "Globex", "owner_email": "carl"}, "owner_email:", id="bad-email"),
        pytest.param({"name": "Globex", "colour": "red"}, "colour:", id="unknown-field"),
    ],
)
def test_put_with_a_bad_field_is_422_naming_it_and_writes_nothing(api, fields, problem):
    before = row_counts()

    response = api.put(f"{ACCOUNTS}/globex", fields)

    assert response.status_code == 422
    assert problem in response.json()["detail"]
    assert row_counts() == before


def test_put_with_a_bad_timezone_creates_no_account(api):
    before = row_counts()

    response = api.put(f"{ACCOUNTS}/globex", {"name": "Globex", "timezone": "Mars/Olympus"})

    assert response.status_code == 422
    assert "Mars/Olympus" in response.json()["detail"]
    assert row_counts() == before


def test_put_with_a_billing_customer_id_of_another_account_is_422_and_writes_nothing(api, acme):
    AccountFactory(external_id="initech", billing_customer_id="cus_123")
    before = row_counts()

    response = api.put(
        f"{ACCOUNTS}/acme",
        {"name": "Acme renamed", "plan": "pro", "mrr": "49.00", "billing_customer_id": "cus_123"},
    )

    assert response.status_code == 422
    assert "cus_123" in response.json()["detail"]
    assert row_counts() == before
    acme.refresh_from_db()
    assert (acme.name, acme.billing_customer_id) == ("Acme", "")


# --- PUT /accounts/{external_id}/contacts/{contact_id} -------------------------------------


def contact_url(account: str, contact: str) -> str:
    return f"{ACCOUNTS}/{account}/contacts/{contact}"


def test_put_contact_creates_it_by_external_id_and_makes_it_primary(api, acme):
    old_primary = ContactFactory(account=acme, is_primary=True)

    response = api.put(
        contact_url("acme", "u_42"),
        {"name": "Jordan Rivera", "email": "Jordan@Acme.example", "is_primary": True},
    )

    assert (response.status_code, response.json()) == (
        200,
        {
            "external_id": "u_42",
            "name": "Jordan Rivera",
            "email": "jordan@acme.example",
            "phone": "",
            "is_primary": True,
        },
    )
    assert Contact.objects.get(account=acme, is_primary=True).external_id == "u_42"
    old_primary.refresh_from_db()
    assert old_primary.is_primary is False


def test_put_contact_again_updates_the_same_contact(api, acme):
    api.put(contact_url("acme", "u_42"), {"name": "Jordan", "email": "jordan@acme.example"})

    response = api.put(
        contact_url("acme", "u_42"),
        {"name": "Jordan Rivera", "email": "jr@acme.example", "phone": "+14155550100"},
    )

    assert response.status_code == 200
    contact = Contact.objects.get(account=acme)
    assert (contact.external_id, contact.name, contact.email, contact.phone) == (
        "u_42",
        "Jordan Rivera",
        "jr@acme.example",
        "+14155550100",
    )


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        pytest.param({"name": "Jordan", "email": "jordan@"}, "email", id="email"),
        pytest.param({"name": "Jordan", "phone": "0415 555 0100"}, "phone:", id="phone"),
        pytest.param({"name": "Jordan", "phone": "+1"}, "phone:", id="short-phone"),
        pytest.param({"name": ""}, "name:", id="blank-name"),
        pytest.param({"name": "Jordan", "is_primary": "maybe"}, "is_primary:", id="not-a-bool"),
    ],
)
def test_put_contact_with_a_bad_field_is_422_and_writes_nothing(api, acme, fields, problem):
    before = row_counts()

    response = api.put(contact_url("acme", "u_42"), fields)

    assert response.status_code == 422
    assert problem in response.json()["detail"]
    assert row_counts() == before


def test_put_contact_with_an_external_id_too_long_is_422_and_writes_nothing(api, acme):
    before = row_counts()

    response = api.put(contact_url("acme", "u" * 101), {"name": "Jordan"})

    assert response.status_code == 422
    assert "at most 100 characters" in response.json()["detail"]
    assert row_counts() == before


def test_put_contact_for_an_unknown_account_is_404_and_writes_nothing(api):
    before = row_counts()

    response = api.put(contact_url("ghost", "u_42"), {"name": "Jordan"})

    assert (response.status_code, response.json()) == (404, {"detail": "No account 'ghost'."})
    assert row_counts() == before


def test_put_contact_by_staff_without_a_token_is_401(client, acme):
    UserFactory(username="intruder")

    response = ApiClient(client, None).put(contact_url("acme", "u_42"), {"name": "Jordan"})

    assert response.status_code == 401
    assert not Contact.objects.exists()


# --- PUT merges: what a body leaves out is kept ----------------------------------------------


@pytest.fixture
def linked(csm):
    """An account on a paid plan, linked to Stripe, in its own timezone."""
    return AccountFactory(
        external_id="linked",
        name="Linked",
        owner=csm,
        plan=Plan.BUSINESS,
        mrr=Decimal("499.00"),
        timezone="Europe/Berlin",
        billing_customer_id="cus_9",
    )


def test_a_name_only_put_renames_and_keeps_everything_else(api, linked, csm):
    response = api.put(f"{ACCOUNTS}/linked", {"name": "Linked GmbH"})

    assert response.status_code == 200
    linked.refresh_from_db()
    assert (
        linked.name,
        linked.plan,
        linked.mrr,
        linked.timezone,
        linked.billing_customer_id,
        linked.owner,
    ) == ("Linked GmbH", "business", Decimal("499.00"), "Europe/Berlin", "cus_9", csm)


def test_a_put_without_a_name_updates_an_existing_account(api, linked):
    response = api.put(f"{ACCOUNTS}/linked", {"mrr": "520.00"})

    assert response.status_code == 200
    linked.refresh_from_db()
    assert (linked.name, linked.plan, linked.mrr) == ("Linked", "business", Decimal("520.00"))


def test_null_unlinks_the_billing_id_clears_the_timezone_and_the_owner(api, linked):
    response = api.put(
        f"{ACCOUNTS}/linked", {"billing_customer_id": None, "timezone": None, "owner_email": None}
    )

    assert response.status_code == 200
    linked.refresh_from_db()
    assert (linked.billing_customer_id, linked.timezone, linked.owner) == ("", "", None)
    assert (linked.plan, linked.mrr) == ("business", Decimal("499.00"))


@pytest.mark.parametrize("field", ["name", "plan", "mrr"])
def test_null_for_a_field_that_cannot_be_empty_is_422(api, linked, field):
    response = api.put(f"{ACCOUNTS}/linked", {field: None})

    assert response.status_code == 422
    assert f"{field}:" in response.json()["detail"]


def test_put_answers_with_every_field_it_can_write(api, linked):
    ContactFactory(
        account=linked, name="Ana", email="ana@linked.example", phone="", is_primary=True
    )

    body = api.put(f"{ACCOUNTS}/linked", {"timezone": "Asia/Tokyo"}).json()

    assert {key: body[key] for key in ("billing_customer_id", "timezone")} == {
        "billing_customer_id": "cus_9",
        "timezone": "Asia/Tokyo",
    }
    assert body["contacts"] == [
        {
            "external_id": "",
            "name": "Ana",
            "email": "ana@linked.example",
            "phone": "",
            "is_primary": True,
        }
    ]
    assert api.get(f"{ACCOUNTS}/linked").json() == body


def test_put_contact_leaving_out_the_phone_keeps_it_and_null_clears_it(api, acme):
    url = contact_url("acme", "u_42")
    api.put(url, {"name": "Jordan", "email": "jordan@acme.example", "phone": "+14155550100"})

    kept = api.put(url, {"name": "Jordan Rivera"})
    cleared = api.put(url, {"phone": None})

    assert (kept.status_code, kept.json()["phone"], kept.json()["email"]) == (
        200,
        "+14155550100",
        "jordan@acme.example",
    )
    assert (cleared.status_code, cleared.json()["phone"], cleared.json()["name"]) == (
        200,
        "",
        "Jordan Rivera",
    )


def test_put_contact_without_a_name_cannot_create_it(api, acme):
    response = api.put(contact_url("acme", "u_42"), {"email": "jordan@acme.example"})

    assert response.status_code == 422
    assert "needs a name" in response.json()["detail"]
    assert not Contact.objects.exists()


# --- the list's page metadata ------------------------------------------------------------


def test_the_list_says_how_many_match_and_where_the_next_page_is(api):
    Account.objects.bulk_create(AccountFactory.build_batch(101))

    first = api.get(ACCOUNTS, {"tag": ""})
    last = api.get(ACCOUNTS, {"page": 2})

    assert first["X-Total-Count"] == last["X-Total-Count"] == "101"
    assert first["Link"] == '<http://testserver/api/v1/accounts?tag=&page=2>; rel="next"'
    assert "Link" not in last


# --- updated_since is an RFC 3339 date-time, and any such is accepted -------------------------


@pytest.mark.parametrize("value", ["2774", "1751328000", "2025-06-30", "2025-06-30 00:00:00Z"])
def test_updated_since_that_is_not_a_date_time_with_offset_is_422(api, value):
    response = api.get(ACCOUNTS, {"updated_since": value})

    assert response.status_code == 422
    assert response.json()["detail"].startswith("updated_since:")


@pytest.mark.parametrize(
    ("value", "listed"),
    [
        ("1900-01-01T00:00:00Z", ["acme"]),
        ("0001-01-01T00:00:00+14:00", ["acme"]),  # before year 1 in UTC
        ("9999-12-31T23:59:59-12:00", []),  # after year 9999 in UTC
        ("2500-01-01T00:00:00z", []),
    ],
)
def test_updated_since_takes_any_year_a_date_time_can_have(api, acme, value, listed):
    response = api.get(ACCOUNTS, {"updated_since": value})

    assert response.status_code == 200
    assert external_ids(response) == listed


# --- ids with a slash: refused everywhere, since a URL could never reach them ----------------


def test_an_account_id_with_a_slash_is_refused_with_the_reason(api):
    response = api.send(
        {"id": "evt-1", "type": "account.signed_up", "account": "org/9369", "name": "Org"}
    )

    assert response.status_code == 422
    [item] = response.json()["results"]
    assert "account:" in item["error"]
    assert not Account.objects.exists()


def test_a_contact_id_with_a_slash_in_a_sign_up_is_refused(api):
    response = api.send(
        {
            "id": "evt-1",
            "type": "account.signed_up",
            "account": "org-9369",
            "name": "Org",
            "contact": {"name": "Ana", "external_id": "u/1"},
        }
    )

    assert response.status_code == 422
    assert not Account.objects.exists()


def test_every_account_the_api_lets_you_create_can_be_read_back(api):
    api.send({"id": "evt-1", "type": "account.signed_up", "account": "org:9369", "name": "Org"})

    assert api.get(f"{ACCOUNTS}/org:9369").status_code == 200


def test_the_services_refuse_an_account_id_with_a_slash(db):
    from django.core.exceptions import ValidationError

    from accounts.services import sign_up_account

    with pytest.raises(ValidationError) as refusal:
        sign_up_account(external_id="org/9369", name="Org", cause=BY_HAND)

    assert "`/`" in refusal.value.messages[0]
    assert not Account.objects.exists()


# --- one e-mail rule ---------------------------------------------------------------------------


def test_an_address_at_a_test_domain_is_accepted_as_the_admin_accepts_it(api, acme):
    # Staging systems use reserved names such as .test; every door takes them alike.
    response = api.put(contact_url("acme", "u_42"), {"name": "Jordan", "email": "jo@acme.test"})

    assert (response.status_code, response.json()["email"]) == (200, "jo@acme.test")
