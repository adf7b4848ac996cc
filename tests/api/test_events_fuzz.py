"""Random JSON thrown at POST /api/v1/events: never a server error, never a partial write.

Each example runs in a savepoint that is rolled back, so every example starts
from the same rows and a failure replays exactly (hypothesis shrinks it).
"""

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import event as label
from hypothesis import strategies as st

from accounts.models import Plan
from activity.models import AppointmentKind
from activity.services.appointments import book_appointment
from api.batches import BATCHES
from api.events import SENDER
from api.models import InboundEvent
from api.schemas import Event
from core.causes import Cause
from tests.api.conftest import EVENTS, VALID, row_counts
from tests.factories import AccountFactory, FeatureFactory

pytestmark = pytest.mark.django_db

# What /api/v1/events takes: Segment's calls (api.segment) share the batches, not the endpoint.
EVENT_TYPES = sorted(kind for kind in BATCHES if not kind.startswith("segment."))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)

# Offsets as far as real zones go: a time near year 1 or 9999 may leave the
# range once converted to UTC.
zones = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])
moments = st.datetimes(timezones=zones).map(lambda moment: moment.isoformat()) | st.sampled_from(
    [
        "2025-06-30T10:00:00+00:00",
        "2025-01-01T10:00:00",  # naive
        "2100-01-01T00:00:00Z",  # in the future
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-12:00",  # after year 9999 in UTC
        "yesterday",
    ]
)
numbers = (
    st.integers(-10, 2000)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)
    | st.floats()
    | st.sampled_from(["seven", "12.5", "-1"])
)
# Text that has broken text columns before: empty, blank, NUL, past a column's length.
awkward_text = st.sampled_from(["", "  ", "\x00", "evt\x00-1", "x" * 101, "x" * 201, "Zoë 🙂"])
texts = awkward_text | st.text(max_size=12)
emails = st.sampled_from(["carl@example.com", "nobody@example.com", "not-an-address", ""])

# Field values close enough to valid that many events are accepted.
PLAUSIBLE = {
    "name": st.just("Globex") | texts,
    "plan": st.sampled_from([*Plan.values, "platinum"]),
    "mrr": numbers,
    "signed_up_at": moments,
    "contact": st.fixed_dictionaries(
        {"name": texts},
        optional={"email": emails, "phone": st.sampled_from(["+14155550100", "0415", ""])},
    ),
    "occurred_at": moments,
    "feature": st.sampled_from(["reports", "teleporter"]),
    "minutes": numbers,
    "started_at": moments,
    "payment_id": st.sampled_from(["ch_1", "ch_2"]) | texts,
    "invoice_id": st.sampled_from(["in_1", ""]),
    "amount": numbers,
    "currency": st.sampled_from(["USD", "eur", "dollars"]),
    "failure_reason": texts,
    "appointment_id": st.sampled_from(["apt_1", "apt_2"]),
    "kind": st.sampled_from([*AppointmentKind.values, "massage"]),
    "starts_at": moments,
    "duration_minutes": numbers,
    "assignee_email": emails,
    "contact_email": emails,
    "affiliate_id": st.sampled_from(["aff_1", ""]) | texts,
    "joined_at": moments,
}

assert sorted(VALID) == EVENT_TYPES

ids = st.sampled_from(["evt-1", "evt-2", "evt-3"]) | awkward_text | st.text(max_size=6)
accounts = st.sampled_from(["acme", "ghost", "globex"]) | awkward_text
PLAUSIBLE |= {"id": ids, "account": accounts}
junk_or = {field: values | json_values for field, values in PLAUSIBLE.items()}

# The fields each event type takes, read from its schema.
FIELDS = {
    kind: sorted(set(model.model_fields) - {"type"})
    for model in get_args(get_args(Event)[0])
    for kind in get_args(model.model_fields["type"].annotation)
}
assert sorted(FIELDS) == EVENT_TYPES


@st.composite
def near_valid_events(draw) -> dict:
    """A valid event with up to two of its fields changed, maybe one dropped or one added."""
    kind = draw(st.sampled_from(EVENT_TYPES))
    item = {"id": draw(ids), "type": kind, "account": "acme", **VALID[kind]}
    for field in draw(st.lists(st.sampled_from(FIELDS[kind]), max_size=2, unique=True)):
        item[field] = draw(PLAUSIBLE[field])
    if draw(st.integers(0, 3)) == 0:
        item.pop(draw(st.sampled_from(sorted(item))))
    if draw(st.integers(0, 9)) == 0:
        item[draw(st.text(min_size=1, max_size=6))] = draw(json_values)
    return item


# Any real type name with any mix of fields, plausible or not.
random_events = st.fixed_dictionaries(
    {
        "type": st.sampled_from(EVENT_TYPES),
        "id": junk_or["id"],
        "account": junk_or["account"],
    },
    optional={field: junk_or[field] for field in PLAUSIBLE.keys() - {"id", "account"}},
)
event_like = near_valid_events() | random_events

bodies = st.one_of(
    near_valid_events(),
    st.fixed_dictionaries({"events": st.lists(event_like, max_size=6)}),
    st.fixed_dictionaries({"events": st.lists(event_like | json_values, max_size=4)}),
    random_events,
    json_values,
    st.fixed_dictionaries({"events": json_values}),
)


@pytest.fixture
def world(db, token, csm):
    """Acme with its owner and appointment apt_1, a catalogued feature and a live token."""
    acme = AccountFactory(external_id="acme", owner=csm)
    FeatureFactory(key="reports")
    book_appointment(
        account=acme,
        kind="walkthrough",
        starts_at=datetime(2025, 7, 2, 9, 0, tzinfo=UTC),
        external_id="apt_1",
        cause=Cause.by_api("booking system"),
    )
    return token


def assert_answered_item_by_item(body, response, answer: dict) -> None:
    """One result per item, counts that add up, 422 exactly when every item was refused."""
    items = body["events"] if isinstance(body, dict) and "events" in body else [body]
    statuses = [result["status"] for result in answer["results"]]
    assert len(statuses) == len(items)
    assert answer["accepted"] == statuses.count("accepted")
    assert answer["duplicates"] == statuses.count("duplicate")
    assert answer["rejected"] == statuses.count("rejected")
    assert (response.status_code == 422) == (bool(items) and set(statuses) == {"rejected"})
    assert all(r["error"] for r in answer["results"] if r["status"] == "rejected")


def assert_only_accepted_items_were_recorded(answer: dict, sender: str, before: dict) -> None:
    """An InboundEvent per accepted item; none for a refused id; nothing at all if none taken."""
    results = answer["results"]
    accepted = {r["id"] for r in results if r["status"] == "accepted"}
    recorded = set(InboundEvent.objects.filter(sender=sender).values_list("event_id", flat=True))
    assert InboundEvent.objects.count() - before["InboundEvent"] == answer["accepted"]
    refused = {r["id"] for r in results if r["status"] == "rejected"} - accepted
    assert refused & recorded == set()
    accepted_so_far = set()
    for result in results:
        if result["status"] == "duplicate":
            # Every example starts with no events: a duplicate repeats an earlier item.
            assert result["id"] in accepted_so_far, result
        if result["status"] == "accepted":
            accepted_so_far.add(result["id"])
    if not accepted:
        assert row_counts() == before


@given(body=bodies)
@settings(
    max_examples=60,
    deadline=None,
    database=None,  # write no example database into the checkout
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_random_json_never_breaks_the_api_nor_writes_part_of_a_refusal(
    api, world, rolled_back, body
):
    with rolled_back():
        before = row_counts()

        response = api.post(EVENTS, json.dumps(body))

        assert response.status_code in (200, 400, 413, 422), response.content
        assert response["Content-Type"].startswith("application/json")
        answer = json.loads(response.content)
        if response.status_code in (400, 413):
            label(f"{response.status_code}: refused whole")
            assert answer["detail"]
            assert row_counts() == before
            return
        label(f"{response.status_code}: some accepted: {answer['accepted'] > 0}")
        target(answer["accepted"], label="accepted items")
        assert_answered_item_by_item(body, response, answer)
        assert_only_accepted_items_were_recorded(answer, SENDER, before)
