"""Segment's HTTP tracking API: each call type mapped, batches, repeats, skew, auth, limits."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, Contact
from activity.models import FeatureSession, Login, ProductEvent
from api.models import InboundEvent, SegmentMapping
from tests.api.conftest import row_counts
from tests.api.segment.conftest import NOW, basic, message
from tests.factories import AccountFactory
from tests.queries import statements
from workflows.models import TriggerEvent

pytestmark = pytest.mark.django_db


def test_group_signs_up_an_account_with_its_traits(segment):
    response = segment.post(
        "/v1/group",
        message("group", groupId="globex", traits={"name": "Globex", "plan": "Pro", "mrr": 49}),
    )

    assert response.status_code == 200, response.json()
    assert response.json()["success"] is True
    globex = Account.objects.get(external_id="globex")
    assert (globex.name, globex.plan, globex.mrr) == ("Globex", "pro", Decimal("49.00"))


def test_group_for_a_known_account_renames_it_and_changes_its_plan(segment, acme):
    segment.batch(message("group", groupId="acme", traits={"name": "Acme Inc", "plan": "business"}))

    acme.refresh_from_db()
    assert (acme.name, acme.plan) == ("Acme Inc", "business")


def test_a_plan_opencsm_does_not_have_is_left_out_not_refused(segment, acme):
    response = segment.batch(message("group", groupId="acme", traits={"plan": "Platinum"}))

    assert response.json()["results"][0]["status"] == "accepted"
    acme.refresh_from_db()
    assert acme.plan == "starter"


def test_identify_adds_a_contact_at_the_account_in_its_context(segment, acme):
    segment.post(
        "/v1/identify",
        message(
            "identify",
            userId="u_ana",
            traits={"firstName": "Ana", "lastName": "Ruiz", "email": "ana@acme.test"},
            context={"groupId": "acme"},
        ),
    )

    contact = Contact.objects.get(account=acme, external_id="u_ana")
    assert (contact.name, contact.email) == ("Ana Ruiz", "ana@acme.test")


def test_a_track_without_a_group_finds_the_account_through_the_identified_user(segment, acme):
    segment.batch(
        message("identify", userId="u_ana", traits={"name": "Ana", "account_id": "acme"}),
        message("track", userId="u_ana", event="Logged In"),
    )
    segment.batch(
        message("track", userId="u_ana", event="Logged In", timestamp="2025-07-01T07:45:00Z")
    )

    assert Login.objects.filter(account=acme).count() == 2


def test_logged_in_is_a_login_at_the_skew_corrected_time(segment, acme):
    # The sender's clock is 10 minutes fast: it stamped the event 5 minutes before sending.
    segment.batch(
        message(
            "track",
            event="Logged In",
            context={"groupId": "acme"},
            timestamp="2025-07-01T08:05:00Z",
            sentAt="2025-07-01T08:10:00Z",
        )
    )

    assert Login.objects.get(account=acme).occurred_at == NOW - timedelta(minutes=5)


def test_a_timestamp_ahead_of_our_clock_without_sent_at_is_taken_as_now(segment, acme):
    segment.batch(
        message(
            "track",
            event="Logged In",
            context={"groupId": "acme"},
            timestamp="2025-07-01T09:00:00Z",
        )
    )

    assert Login.objects.get(account=acme).occurred_at == NOW


def test_feature_used_records_a_session_from_the_feature_and_duration(segment, acme, reports):
    segment.batch(
        message(
            "track",
            event="Feature Used",
            context={"groupId": "acme"},
            properties={"feature": "reports", "duration": 480},
        )
    )

    session = FeatureSession.objects.get(account=acme)
    assert (session.feature, session.minutes) == (reports, Decimal("8.00"))


def test_the_feature_mapping_is_the_admins(segment, acme, reports):
    SegmentMapping.objects.create(
        feature_events="Report Viewed",
        feature_property="report",
        duration_property="mins",
        duration_unit="minutes",
    )
    segment.batch(
        message(
            "track",
            event="Report Viewed",
            context={"groupId": "acme"},
            properties={"report": "reports", "mins": 7.5},
        ),
        message("track", event="Feature Used", context={"groupId": "acme"}, properties={}),
    )

    assert FeatureSession.objects.get(account=acme).minutes == Decimal("7.50")
    assert ProductEvent.objects.get(account=acme).name == "Feature Used"


def test_signed_up_signs_the_account_up_once(segment):
    first = message(
        "track",
        event="Signed Up",
        context={"groupId": "initech"},
        properties={"account_name": "Initech"},
    )
    segment.batch(first, message("track", event="Signed Up", context={"groupId": "initech"}))

    assert Account.objects.get(external_id="initech").name == "Initech"
    assert TriggerEvent.objects.filter(kind="account_signed_up").count() == 1


def test_an_unmapped_track_is_a_custom_event_that_triggers_and_shows(
    segment, acme, client, manager
):
    segment.batch(
        message(
            "track",
            event="Invited Teammate",
            context={"groupId": "acme"},
            properties={"role": "admin"},
        ),
        message("page", name="Pricing", context={"groupId": "acme"}),
    )

    events = ProductEvent.objects.filter(account=acme).order_by("name")
    assert [(e.name, e.properties) for e in events] == [
        ("Invited Teammate", {"role": "admin"}),
        ("Page Viewed", {"name": "Pricing"}),
    ]
    trigger = TriggerEvent.objects.get(kind="product_event", data__event_name="Invited Teammate")
    assert trigger.data["properties"] == {"role": "admin"}
    client.force_login(manager)
    timeline = client.get(f"/accounts/{acme.pk}/timeline/").content.decode()
    assert "Invited Teammate" in timeline
    assert "role: admin" in timeline


def test_a_resent_batch_changes_nothing_and_says_duplicate(segment, acme):
    batch = [
        message("track", event="Logged In", context={"groupId": "acme"}),
        message("track", event="Clicked", context={"groupId": "acme"}),
    ]
    segment.batch(*batch)
    before = row_counts() | {"events": TriggerEvent.objects.count()}

    response = segment.batch(*batch)

    assert [r["status"] for r in response.json()["results"]] == ["duplicate", "duplicate"]
    assert row_counts() | {"events": TriggerEvent.objects.count()} == before
    assert set(InboundEvent.objects.values_list("sender", flat=True)) == {"segment"}


def test_a_bad_message_is_refused_with_its_reason_and_the_good_ones_are_applied(segment, acme):
    response = segment.batch(
        message("track", event="Logged In", context={"groupId": "acme"}),
        message("track", event="Logged In", context={"groupId": "nobody"}),
        {"type": "track", "event": "x", "userId": "u"},  # no messageId
        message("track", event="Logged In", userId="u_bob"),  # no account anywhere
        message("alias", previousId="a"),
    )

    body = response.json()
    assert response.status_code == 200
    assert [r["status"] for r in body["results"]] == ["accepted"] + ["rejected"] * 4
    assert "Unknown account 'nobody'" in body["results"][1]["error"]
    assert "messageId" in body["results"][2]["error"]
    assert "No account" in body["results"][3]["error"]
    assert Login.objects.count() == 1


def test_every_message_refused_is_422_in_segments_shape(segment):
    response = segment.batch(message("track", event="Logged In", context={"groupId": "nobody"}))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert response.json()["message"]


def test_a_gzipped_batch_is_read(segment, acme):
    response = segment.batch(
        message("track", event="Logged In", context={"groupId": "acme"}), gzipped=True
    )

    assert response.status_code == 200
    assert Login.objects.filter(account=acme).exists()


def test_the_batchs_context_applies_to_each_message(segment, acme):
    segment.post(
        "/v1/batch",
        {"batch": [message("track", event="Logged In")], "context": {"groupId": "acme"}},
    )

    assert Login.objects.filter(account=acme).exists()


def test_the_write_key_may_be_in_the_body(segment, token, acme):
    response = segment.post(
        "/v1/track",
        message("track", event="Logged In", context={"groupId": "acme"}, writeKey=token[1]),
        auth="",
    )

    assert response.status_code == 200


@pytest.mark.parametrize("auth", ["", "Basic bm9wZTo=", "Basic !!!", basic("ocsm_unknown")])
def test_without_a_live_write_key_it_is_401_and_writes_nothing(segment, acme, auth):
    before = row_counts()

    response = segment.batch(
        message("track", event="Logged In", context={"groupId": "acme"}), auth=auth
    )

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert row_counts() == before


def body_of_size(size: int) -> dict:
    return {
        "batch": [
            message(
                "track", event="x", context={"groupId": "acme"}, properties={"pad": "x" * 30_000}
            )
            for _ in range(size)
        ]
    }


@pytest.mark.parametrize(
    ("path", "body", "gzipped"),
    [
        pytest.param("/v1/batch", body_of_size(17), False, id="batch-over-500kb"),
        pytest.param("/v1/batch", body_of_size(17), True, id="gzipped-batch-over-500kb-inflated"),
        pytest.param(
            "/v1/batch",
            {"batch": [message("track", event="x", properties={"pad": "x" * 33_000})]},
            False,
            id="message-over-32kb",
        ),
        pytest.param(
            "/v1/track",
            message("track", event="x", properties={"pad": "x" * 33_000}),
            False,
            id="call-over-32kb",
        ),
        pytest.param("/v1/batch", b"{not json", False, id="not-json"),
        pytest.param("/v1/batch", b"[" * 100_000 + b"]" * 100_000, False, id="100000-deep"),
        pytest.param(
            "/v1/batch", {"batch": [json.loads("[" * 70 + "]" * 70)]}, False, id="70-deep"
        ),
        pytest.param("/v1/batch", {"batch": "all"}, False, id="batch-not-a-list"),
    ],
)
def test_bad_requests_are_400_in_segments_shape_and_write_nothing(
    segment, acme, path, body, gzipped
):
    before = row_counts()

    response = segment.post(path, body, gzipped=gzipped)

    assert response.status_code == 400, response.content[:300]
    assert set(response.json()) == {"success", "code", "message"}
    assert row_counts() == before


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"messageId": "m" * 201}, id="id-over-200"),
        pytest.param({"messageId": "m\x00"}, id="nul-in-id"),
        pytest.param({"context": {"groupId": "ac\x00me"}}, id="nul-in-group"),
        pytest.param({"timestamp": "yesterday"}, id="bad-timestamp"),
        pytest.param({"timestamp": "9999-01-01T00:00:00Z"}, id="far-timestamp"),
        pytest.param({"properties": "all"}, id="properties-not-an-object"),
        pytest.param({"event": ""}, id="no-event-name"),
        pytest.param(
            {"event": "Feature Used", "properties": {"feature": "reports", "duration": "NaN"}},
            id="nan-duration",
        ),
        pytest.param(
            {"event": "Feature Used", "properties": {"feature": "reports", "duration": -5}},
            id="negative-duration",
        ),
        pytest.param(
            {"event": "Feature Used", "properties": {"feature": "nope", "duration": 600}},
            id="unknown-feature",
        ),
    ],
)
def test_a_malformed_message_is_refused_with_a_reason_and_writes_nothing(
    segment, acme, reports, bad
):
    before = row_counts()
    fields = {"event": "Clicked", "context": {"groupId": "acme"}, **bad}

    response = segment.post("/v1/track", message("track", **fields))

    assert response.status_code == 422, response.json()
    assert response.json()["results"][0]["error"]
    assert row_counts() == before


def test_a_batch_of_200_takes_as_many_queries_as_a_batch_of_10(segment, reports):
    """The events API's constant-query path: logins, feature use and custom events."""
    AccountFactory.create_batch(210)
    ids = list(Account.objects.values_list("external_id", flat=True))

    def send(accounts: list[str]) -> list[str]:
        calls = []
        for account in accounts:
            context = {"groupId": account}
            calls += [
                message("track", event="Logged In", context=context),
                message(
                    "track",
                    event="Feature Used",
                    context=context,
                    properties={"feature": "reports", "duration": 60},
                ),
                message("track", event="Clicked", context=context),
            ]
        with CaptureQueriesContext(connection) as captured:
            assert segment.batch(*calls).json()["accepted"] == 3 * len(accounts)
        return statements(captured)

    few, many = send(ids[:10]), send(ids[10:])

    assert len(many) == len(few), "\n".join(q[:160] for q in many)


def test_a_body_that_is_not_gzip_as_declared_is_400(segment, acme):
    response = segment.client.post(
        "/v1/batch",
        data=b"\x1f\x8b not gzip",
        content_type="application/json",
        HTTP_AUTHORIZATION=basic(segment.secret),
        HTTP_CONTENT_ENCODING="gzip",
    )

    assert (response.status_code, response.json()["code"]) == (400, "invalid_request")
