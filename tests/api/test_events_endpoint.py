"""POST /api/v1/events: every event type, batches, duplicates, bad input, tokens, rate limit."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts.models import Account, AccountEvent, AccountEventKind, Contact, Lifecycle, Plan
from activity.models import Appointment, AppointmentStatus, FeatureSession, Login, Payment
from activity.services.appointments import book_appointment
from api.inbound import apply_once
from api.models import InboundEvent
from api.tokens import create_token, revoke_token
from core.causes import Cause
from tests.api.conftest import EVENTS, ApiClient, row_counts
from tests.factories import AccountFactory, FeatureFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
AN_HOUR_AGO = NOW - timedelta(hours=1)
TOMORROW = NOW + timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def acme(csm):
    return AccountFactory(
        external_id="acme", name="Acme", owner=csm, plan=Plan.STARTER, mrr=Decimal("99.00")
    )


@pytest.fixture
def reports():
    return FeatureFactory(key="reports", name="Reports")


@pytest.fixture
def walkthrough(acme):
    """An appointment booked through the booking system, id apt_1, tomorrow."""
    appointment, _ = book_appointment(
        account=acme,
        kind="walkthrough",
        starts_at=TOMORROW,
        external_id="apt_1",
        cause=Cause.by_api("booking system"),
    )
    return appointment


def event(event_type: str, event_id: str, /, **fields) -> dict:
    """An event for Acme unless `account=` says otherwise."""
    return {"id": event_id, "type": event_type, "account": "acme", **fields}


def login(event_id: str, **fields) -> dict:
    return event("login", event_id, **fields)


def feature_used(event_id: str, minutes=12, **fields) -> dict:
    fields = {"feature": "reports", "minutes": minutes, **fields}
    return event("feature.used", event_id, **fields)


def payment(event_id: str, outcome="payment.succeeded", **fields) -> dict:
    fields = {"payment_id": f"ch_{event_id}", "amount": "99.00", **fields}
    return event(outcome, event_id, **fields)


def results(response) -> list[tuple]:
    return [(r["id"], r["status"], r["error"]) for r in response.json()["results"]]


# --- every event type, with its effect -----------------------------------------------------


def test_account_signed_up_creates_the_account_with_its_primary_contact(api):
    response = api.send(
        event(
            "account.signed_up",
            "evt-1",
            account="globex",
            name="Globex",
            plan="pro",
            mrr="49.00",
            signed_up_at=AN_HOUR_AGO.isoformat(),
            contact={
                "name": "Hank Scorpio",
                "email": "Hank@Globex.example",
                "phone": "+14155550100",
            },
        )
    )

    assert response.status_code == 200
    assert results(response) == [("evt-1", "accepted", "")]
    account = Account.objects.get(external_id="globex")
    assert (account.name, account.plan, account.mrr, account.signed_up_at) == (
        "Globex",
        "pro",
        Decimal("49.00"),
        AN_HOUR_AGO,
    )
    contact = Contact.objects.get(account=account)
    assert (contact.name, contact.email, contact.phone, contact.is_primary) == (
        "Hank Scorpio",
        "hank@globex.example",
        "+14155550100",
        True,
    )
    assert InboundEvent.objects.get().account == account


def test_login_moves_the_accounts_last_login(api, acme):
    response = api.send(login("evt-1", occurred_at=AN_HOUR_AGO.isoformat()))

    assert results(response) == [("evt-1", "accepted", "")]
    acme.refresh_from_db()
    assert acme.last_login_at == AN_HOUR_AGO
    assert Login.objects.get().occurred_at == AN_HOUR_AGO


def test_feature_used_records_a_feature_session(api, acme, reports):
    response = api.send(feature_used("evt-1", minutes=12.5, started_at=AN_HOUR_AGO.isoformat()))

    assert results(response) == [("evt-1", "accepted", "")]
    session = FeatureSession.objects.get()
    assert (session.account, session.feature, session.minutes, session.started_at) == (
        acme,
        reports,
        Decimal("12.50"),
        AN_HOUR_AGO,
    )


@pytest.mark.parametrize(
    ("kind", "status", "reason"),
    [
        ("payment.succeeded", "succeeded", ""),
        ("payment.failed", "failed", "card_declined"),
    ],
)
def test_a_payment_event_records_a_payment_with_its_outcome(api, acme, kind, status, reason):
    response = api.send(
        payment("evt-1", kind, invoice_id="in_1", amount="99.00", failure_reason=reason)
    )

    assert results(response) == [("evt-1", "accepted", "")]
    paid = Payment.objects.get()
    assert (paid.account, paid.external_id, paid.invoice_id, paid.amount) == (
        acme,
        "ch_evt-1",
        "in_1",
        Decimal("99.00"),
    )
    assert (paid.status, paid.failure_reason) == (status, reason)


def test_subscription_cancelled_churns_the_account(api, acme):
    response = api.send(event("subscription.cancelled", "evt-1"))

    assert results(response) == [("evt-1", "accepted", "")]
    acme.refresh_from_db()
    assert (acme.lifecycle, acme.mrr) == (Lifecycle.CHURNED, Decimal("0.00"))


JOINED = "2025-06-30T10:00:00Z"


def test_affiliate_joined_is_recorded_once_per_account(api, acme):
    response = api.send(
        {"events": [
            event("affiliate.joined", "evt-1", affiliate_id="aff_9", joined_at=JOINED),
            event("affiliate.joined", "evt-2"),
        ]}
    )  # fmt: skip

    assert results(response) == [("evt-1", "accepted", ""), ("evt-2", "accepted", "")]
    [joined] = AccountEvent.objects.filter(account=acme, kind=AccountEventKind.AFFILIATE_JOINED)
    assert joined.data == {"affiliate_id": "aff_9", "joined_at": "2025-06-30T10:00:00+00:00"}


def test_affiliate_joined_in_the_future_or_for_nobody_is_refused_and_writes_nothing(api, acme):
    before = row_counts()
    response = api.send(
        {"events": [
            event("affiliate.joined", "evt-1", joined_at="2025-07-09T10:00:00Z"),
            event("affiliate.joined", "evt-2", account="nobody"),
        ]}
    )  # fmt: skip

    assert response.status_code == 422
    [(_, _, future), (_, _, unknown)] = results(response)
    assert "in the future" in future
    assert "Unknown account 'nobody'" in unknown
    assert row_counts() == before


def test_plan_changed_changes_the_plan_and_mrr(api, acme):
    response = api.send(event("plan.changed", "evt-1", plan="business", mrr="499.00"))

    assert results(response) == [("evt-1", "accepted", "")]
    acme.refresh_from_db()
    assert (acme.plan, acme.mrr) == ("business", Decimal("499.00"))


def test_appointment_booked_books_it_with_the_account_owner(api, acme, csm):
    response = api.send(
        event(
            "appointment.booked",
            "evt-1",
            appointment_id="apt_9",
            kind="success_session",
            starts_at=TOMORROW.isoformat(),
            duration_minutes=45,
        )
    )

    assert results(response) == [("evt-1", "accepted", "")]
    booked = Appointment.objects.get(external_id="apt_9")
    assert (booked.account, booked.kind, booked.starts_at, booked.duration_minutes) == (
        acme,
        "success_session",
        TOMORROW,
        45,
    )
    assert (booked.status, booked.assignee) == (AppointmentStatus.BOOKED, csm)


def test_appointment_rescheduled_moves_it(api, walkthrough):
    later = TOMORROW + timedelta(hours=3)

    response = api.send(
        event(
            "appointment.rescheduled", "evt-1", appointment_id="apt_1", starts_at=later.isoformat()
        )
    )

    assert results(response) == [("evt-1", "accepted", "")]
    walkthrough.refresh_from_db()
    assert (walkthrough.starts_at, walkthrough.status) == (later, AppointmentStatus.BOOKED)


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("appointment.cancelled", AppointmentStatus.CANCELLED),
        ("appointment.attended", AppointmentStatus.ATTENDED),
        ("appointment.no_show", AppointmentStatus.NO_SHOW),
    ],
)
def test_an_appointment_outcome_sets_its_status(api, walkthrough, kind, status):
    with time_machine.travel(TOMORROW + timedelta(minutes=40), tick=False):
        response = api.send(event(kind, "evt-1", appointment_id="apt_1"))

    assert results(response) == [("evt-1", "accepted", "")]
    walkthrough.refresh_from_db()
    assert walkthrough.status == status


@pytest.mark.parametrize("kind", ["appointment.attended", "appointment.no_show"])
def test_an_outcome_before_the_appointment_starts_is_rejected_and_earns_nothing(
    api, walkthrough, kind
):
    acme = walkthrough.account
    before = row_counts()

    response = api.send(event(kind, "evt-1", appointment_id="apt_1"))

    assert response.status_code == 422
    [(_, status, error)] = results(response)
    assert status == "rejected"
    assert error.startswith(f"This appointment starts at {TOMORROW.isoformat()}")
    assert row_counts() == before
    walkthrough.refresh_from_db()
    acme.refresh_from_db()
    assert (walkthrough.status, acme.score) == (AppointmentStatus.BOOKED, 0)
    assert not acme.score_entries.exists()


def test_an_outcome_for_an_unknown_appointment_is_rejected(api, acme):
    before = row_counts()

    response = api.send(event("appointment.attended", "evt-1", appointment_id="apt_404"))

    assert response.status_code == 422
    assert results(response) == [
        ("evt-1", "rejected", "Unknown appointment 'apt_404' for this account.")
    ]
    assert row_counts() == before


# --- batches -------------------------------------------------------------------------------


def test_a_batch_is_answered_item_by_item_in_order(api, acme, reports):
    api.send(login("evt-1"))

    response = api.send(
        login("evt-1"),
        feature_used("evt-2", minutes="seven"),
        login("evt-3", account="ghost"),
        feature_used("evt-4"),
        payment("evt-5"),
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (2, 1, 2)
    assert [(r["id"], r["status"]) for r in body["results"]] == [
        ("evt-1", "duplicate"),
        ("evt-2", "rejected"),
        ("evt-3", "rejected"),
        ("evt-4", "accepted"),
        ("evt-5", "accepted"),
    ]
    assert "minutes" in body["results"][1]["error"]
    assert body["results"][2]["error"].startswith("Unknown account 'ghost'")


def test_a_bad_item_never_blocks_the_good_ones_around_it(api, acme, reports):
    response = api.send(
        login("evt-1", occurred_at=AN_HOUR_AGO.isoformat()),
        feature_used("evt-2", feature="no-such-feature"),
        payment("evt-3", amount=-1),
        feature_used("evt-4"),
    )

    assert [status for _, status, _ in results(response)] == [
        "accepted",
        "rejected",
        "rejected",
        "accepted",
    ]
    assert Login.objects.filter(account=acme).count() == 1
    assert FeatureSession.objects.filter(account=acme, feature=reports).count() == 1
    assert not Payment.objects.exists()
    assert sorted(InboundEvent.objects.values_list("event_id", flat=True)) == ["evt-1", "evt-4"]


def test_an_account_signed_up_earlier_in_the_batch_takes_later_events(api):
    response = api.send(
        event("account.signed_up", "evt-1", account="initech", name="Initech"),
        login("evt-2", account="initech"),
    )

    assert [status for _, status, _ in results(response)] == ["accepted", "accepted"]
    assert Login.objects.get().account.external_id == "initech"


def test_a_batch_where_one_item_is_good_answers_200(api, acme):
    response = api.send(login("evt-1"), login("evt-2", account="ghost"))

    assert response.status_code == 200
    assert response.json()["rejected"] == 1


def test_an_empty_batch_changes_nothing(api):
    before = row_counts()

    response = api.post(EVENTS, {"events": []})

    assert response.status_code == 200
    assert response.json() == {"accepted": 0, "duplicates": 0, "rejected": 0, "results": []}
    assert row_counts() == before


# --- bodies that are not an event or a batch -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"", "The body is not valid JSON", id="empty"),
        pytest.param(b'{"id": "evt-1", "type": "login",', "The body is not valid JSON", id="cut"),
        pytest.param(b"\xff\xfe\x00garbage", "The body is not valid JSON", id="not-utf8"),
        pytest.param(
            b'[{"id": "evt-1", "type": "login", "account": "acme"}]',
            "Send an event object, or an object with an `events` list.",
            id="array",
        ),
        pytest.param(
            b'"login"', "Send an event object, or an object with an `events` list.", id="string"
        ),
        pytest.param(
            b"42", "Send an event object, or an object with an `events` list.", id="number"
        ),
        pytest.param(
            b'{"events": {"id": "evt-1", "type": "login", "account": "acme"}}',
            "`events` must be a list of event objects.",
            id="events-object",
        ),
        pytest.param(
            b'{"events": "evt-1"}', "`events` must be a list of event objects.", id="events-string"
        ),
    ],
)
def test_a_body_that_is_not_an_event_or_a_batch_is_refused_with_400(api, acme, body, message):
    before = row_counts()

    response = api.post(EVENTS, body)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)
    assert row_counts() == before


# --- items that are refused, each with its reason --------------------------------------------


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        pytest.param(
            {"id": "evt-1", "type": "login"}, "login.account: Field required", id="missing"
        ),
        pytest.param(feature_used("evt-1", minutes="seven"), "minutes", id="minutes-word"),
        pytest.param(feature_used("evt-1", minutes=0), "minutes", id="minutes-zero"),
        pytest.param(feature_used("evt-1", minutes=1441), "minutes", id="minutes-over-a-day"),
        pytest.param(payment("evt-1", amount=-1), "amount", id="amount-negative"),
        pytest.param(payment("evt-1", amount="lots"), "amount", id="amount-word"),
        pytest.param(payment("evt-1", currency="dollars"), "currency", id="currency"),
        pytest.param(
            login("evt-1", occurred_at="2025-01-01T10:00:00"), "occurred_at", id="naive-datetime"
        ),
        pytest.param(login("evt-1", occurred_at="yesterday"), "occurred_at", id="not-a-datetime"),
        pytest.param(event("account.deleted", "evt-1"), "account.deleted", id="unknown-type"),
        pytest.param({"id": "evt-1", "account": "acme"}, "type", id="no-type"),
        pytest.param(
            login("evt-1", colour="red"), "colour: Extra inputs are not permitted", id="extra"
        ),
        pytest.param(login("evt-1", account=""), "account", id="empty-account"),
        pytest.param(login("evt-1", account=42), "account", id="account-number"),
        pytest.param(login(""), "id", id="empty-id"),
        pytest.param(event("plan.changed", "evt-1", plan="platinum"), "plan", id="unknown-plan"),
        pytest.param(
            event(
                "appointment.booked",
                "evt-1",
                appointment_id="apt_1",
                kind="walkthrough",
                starts_at=TOMORROW.isoformat(),
                duration_minutes=2,
            ),
            "duration_minutes",
            id="too-short",
        ),
        pytest.param(
            event(
                "account.signed_up",
                "evt-1",
                account="globex",
                name="Globex",
                contact={"name": "Hank", "email": "not-an-address"},
            ),
            "contact.email",
            id="contact-email",
        ),
        pytest.param(
            event(
                "account.signed_up",
                "evt-1",
                account="globex",
                name="Globex",
                contact={"name": "Hank", "phone": "0415 555 0100"},
            ),
            "contact.phone",
            id="contact-phone",
        ),
    ],
)
def test_an_invalid_event_is_rejected_with_its_reason_and_writes_nothing(
    api, acme, reports, item, reason
):
    before = row_counts()

    response = api.send(item)

    assert response.status_code == 422
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (0, 1)
    assert body["results"][0]["status"] == "rejected"
    assert reason in body["results"][0]["error"]
    assert row_counts() == before


def test_an_item_that_is_not_an_object_is_rejected_without_an_id(api, acme):
    response = api.post(EVENTS, {"events": ["login", 7, None, login("evt-1")]})

    assert response.status_code == 200
    assert [(r["id"], r["status"]) for r in response.json()["results"]] == [
        (None, "rejected"),
        (None, "rejected"),
        (None, "rejected"),
        ("evt-1", "accepted"),
    ]


def test_a_rejected_item_is_answered_with_the_id_it_was_sent_with(api):
    response = api.send({"id": "evt-1", "type": "login", "account": "acme", "colour": "red"})

    assert results(response)[0][:2] == ("evt-1", "rejected")


def test_an_event_for_an_unknown_account_is_rejected_and_writes_nothing(api, acme):
    before = row_counts()

    response = api.send(login("evt-1", account="ghost"))

    assert response.status_code == 422
    assert results(response) == [
        ("evt-1", "rejected", "Unknown account 'ghost': send account.signed_up first.")
    ]
    assert row_counts() == before


def test_an_unknown_feature_is_rejected_and_writes_nothing(api, acme, reports):
    before = row_counts()

    response = api.send(feature_used("evt-1", feature="teleporter"))

    assert response.status_code == 422
    assert results(response) == [
        (
            "evt-1",
            "rejected",
            "Unknown feature 'teleporter': add it to the feature catalogue first.",
        )
    ]
    assert row_counts() == before


def test_a_login_in_the_future_is_rejected_and_writes_nothing(api, acme):
    before = row_counts()

    response = api.send(login("evt-1", occurred_at=TOMORROW.isoformat()))

    assert results(response) == [("evt-1", "rejected", "The login time is in the future.")]
    assert row_counts() == before


def test_a_booking_by_an_unknown_staff_email_is_rejected_and_writes_nothing(api, acme):
    before = row_counts()

    response = api.send(
        event(
            "appointment.booked",
            "evt-1",
            appointment_id="apt_9",
            kind="walkthrough",
            starts_at=TOMORROW.isoformat(),
            assignee_email="nobody@example.com",
        )
    )

    assert results(response) == [
        ("evt-1", "rejected", "No staff member has the e-mail nobody@example.com.")
    ]
    assert row_counts() == before


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(login("evt\x00-1"), id="nul-in-id"),
        pytest.param(login("evt-1", account="ac\x00me"), id="nul-in-account"),
        pytest.param(
            event("account.signed_up", "evt-1", account="globex", name="Glo\x00bex"),
            id="nul-in-name",
        ),
        pytest.param(payment("evt-1", payment_id="ch\x00_1"), id="nul-in-payment-id"),
    ],
)
def test_text_with_a_nul_character_is_rejected_not_a_server_error(api, acme, item):
    # PostgreSQL cannot store NUL in a text column; it must be refused as bad input.
    before = row_counts()

    response = api.send(item)

    assert response.status_code == 422
    assert response.json()["results"][0]["status"] == "rejected"
    assert row_counts() == before


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(login("evt-1", occurred_at="0001-01-01T00:00:00+14:00"), id="year-1"),
        pytest.param(
            event(
                "appointment.booked",
                "evt-1",
                appointment_id="apt_9",
                kind="walkthrough",
                starts_at="9999-12-31T23:59:59-14:00",
            ),
            id="year-10000-in-utc",
        ),
    ],
)
def test_a_datetime_out_of_range_is_rejected_not_a_server_error(api, acme, item):
    before = row_counts()

    response = api.send(item)

    assert response.status_code == 422
    assert response.json()["results"][0]["status"] == "rejected"
    assert row_counts() == before


def test_a_batch_of_1001_events_is_refused_whole_with_413(api, acme):
    before = row_counts()

    response = api.post(EVENTS, {"events": [login(f"evt-{n}") for n in range(1001)]})

    assert response.status_code == 413
    assert response.json() == {"detail": "1001 events in one batch; the most is 1000."}
    assert row_counts() == before


def test_a_batch_of_exactly_1000_events_is_not_too_big(api):
    # Items that fail validation are cheap: this pins the boundary, not the speed.
    response = api.post(EVENTS, {"events": [{"id": f"evt-{n}"} for n in range(1000)]})

    assert response.status_code == 422
    assert response.json()["rejected"] == 1000


# --- once per event id ---------------------------------------------------------------------


def test_a_repeated_event_id_is_a_duplicate_and_changes_nothing(api, acme):
    api.send(payment("evt-1", payment_id="ch_1", amount="99.00"))
    before = row_counts()

    response = api.send(payment("evt-1", payment_id="ch_2", amount="150.00"))

    assert response.status_code == 200
    assert results(response) == [("evt-1", "duplicate", "")]
    assert row_counts() == before
    assert list(Payment.objects.values_list("external_id", "amount")) == [
        ("ch_1", Decimal("99.00"))
    ]


def test_a_backlog_replayed_with_a_rotated_token_is_all_duplicates_and_changes_nothing(
    client, api, token, acme, reports
):
    """Event ids are the product's, not a token's: rotating the token (a new
    one, the old revoked) and replaying what was sent before applies nothing."""
    backlog = [
        login("evt-1", occurred_at=(NOW - timedelta(hours=2)).isoformat()),
        login("evt-2"),
        feature_used("evt-3"),
        payment("evt-4", payment_id="ch_1", amount="99.00"),
    ]
    api.send(*backlog)
    before = row_counts()
    _, rotated = create_token(name="Production app (rotated)")
    revoke_token(token=token[0])

    response = ApiClient(client, rotated).send(*backlog)

    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["duplicates"], body["rejected"]) == (0, 4, 0)
    assert results(response) == [(e["id"], "duplicate", "") for e in backlog]
    assert row_counts() == before


def test_each_accepted_event_records_the_token_it_came_with(client, api, token, acme, reports):
    _, mobile_secret = create_token(name="Mobile app")
    api.send(login("evt-1"), payment("evt-2", payment_id="ch_1", amount="9.00"))

    ApiClient(client, mobile_secret).send(login("evt-1"), feature_used("evt-3"))

    senders = {e.event_id: e.token.name for e in InboundEvent.objects.select_related("token")}
    assert senders == {"evt-1": "Production app", "evt-2": "Production app", "evt-3": "Mobile app"}


def test_an_api_event_id_and_a_stripe_event_id_are_told_apart(api, acme):
    apply_once(sender="stripe", event_id="evt-1", kind="invoice.paid", apply=lambda: acme)

    response = api.send(login("evt-1"))

    assert results(response) == [("evt-1", "accepted", "")]
    assert Login.objects.count() == 1


def test_a_refused_event_can_be_resent_once_corrected(api, acme, reports):
    api.send(feature_used("evt-1", feature="teleporter"))

    response = api.send(feature_used("evt-1"))

    assert results(response) == [("evt-1", "accepted", "")]
    assert FeatureSession.objects.count() == 1


# --- tokens --------------------------------------------------------------------------------

UNAUTHORIZED = {"detail": "Missing, unknown or revoked API token."}


def test_a_request_without_a_token_is_refused_with_401(client, acme):
    before = row_counts()

    response = ApiClient(client, None).send(login("evt-1"))

    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)
    assert row_counts() == before


@pytest.mark.parametrize("secret", ["ocsm_not-a-real-token", "not-even-our-prefix", "ocsm_"])
def test_an_unknown_token_is_refused_with_401(client, acme, secret):
    before = row_counts()

    response = ApiClient(client, secret).send(login("evt-1"))

    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)
    assert row_counts() == before


def test_a_token_in_another_scheme_is_refused_with_401(client, token, acme):
    _, secret = token

    response = client.post(
        EVENTS,
        login("evt-1"),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {secret}",
    )

    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)
    assert not Login.objects.exists()


def test_a_revoked_token_is_refused_with_401(api, token, acme):
    assert api.send(login("evt-1")).status_code == 200
    revoke_token(token=token[0])
    before = row_counts()

    response = api.send(login("evt-2", occurred_at=AN_HOUR_AGO.isoformat()))

    assert (response.status_code, response.json()) == (401, UNAUTHORIZED)
    assert row_counts() == before


def test_a_used_token_records_when_it_was_last_used(api, token, acme):
    api.send(login("evt-1"))

    token[0].refresh_from_db()
    assert token[0].last_used_at == NOW


# --- rate limit ----------------------------------------------------------------------------


@pytest.fixture
def two_requests_a_minute(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2


@pytest.mark.usefixtures("two_requests_a_minute")
def test_a_token_over_its_rate_limit_gets_429_with_retry_after_and_writes_nothing(api, acme):
    assert api.send(login("evt-1")).status_code == 200
    assert api.send(login("evt-2", occurred_at=AN_HOUR_AGO.isoformat())).status_code == 200
    before = row_counts()

    response = api.send(login("evt-3", occurred_at=(NOW - timedelta(hours=2)).isoformat()))

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "detail": "Rate limit of 2 requests a minute reached for this token; retry in a minute."
    }
    assert row_counts() == before


@pytest.mark.usefixtures("two_requests_a_minute")
def test_the_rate_limit_counts_each_token_on_its_own(client, api, acme):
    api.send(login("evt-1"))
    api.send(login("evt-2"))
    _, other_secret = create_token(name="Mobile app")

    response = ApiClient(client, other_secret).send(
        login("evt-3", occurred_at=AN_HOUR_AGO.isoformat())
    )

    assert response.status_code == 200


@pytest.mark.usefixtures("two_requests_a_minute")
def test_a_rate_limited_token_may_send_again_a_minute_later(api, acme):
    for n in range(3):
        api.send(login(f"evt-{n}"))

    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        response = api.send(login("evt-9", occurred_at=AN_HOUR_AGO.isoformat()))

    assert results(response) == [("evt-9", "accepted", "")]


def test_json_nested_too_deeply_is_a_clear_400(api):
    response = api.post("/api/v1/events", "[" * 100_000)
    assert response.status_code == 400


# --- a re-sent sign-up keeps what it leaves out ----------------------------------------------


def signed_up(event_id: str, **contact) -> dict:
    return event(
        "account.signed_up",
        event_id,
        account="globex",
        name="Globex",
        contact={"name": "Hank Scorpio", "email": "hank@globex.example", **contact},
    )


def test_a_resent_sign_up_without_the_phone_keeps_the_stored_phone(api):
    api.send(signed_up("evt-1", phone="+14155550100"))

    response = api.send(signed_up("evt-2"))

    assert results(response) == [("evt-2", "accepted", "")]
    assert Contact.objects.get().phone == "+14155550100"


def test_a_resent_sign_up_with_a_null_phone_clears_it(api):
    api.send(signed_up("evt-1", phone="+14155550100"))

    api.send(signed_up("evt-2", phone=None))

    assert Contact.objects.get().phone == ""
