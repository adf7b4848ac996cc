"""Segment's own Python library (segment-analytics-python) pointed at a running OpenCSM,
and a Segment webhook destination's delivery: nothing changed on their side but the host."""

from decimal import Decimal

import pytest
from segment.analytics import Client
from segment.analytics.request import APIError

from accounts.models import Account, Contact
from activity.models import FeatureSession, Login, ProductEvent
from tests.api.segment.conftest import basic, message

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_segments_python_library_sends_to_opencsm_unchanged(live_server, token, reports, gzip):
    errors = []
    analytics = Client(
        token[1],
        host=live_server.url,
        sync_mode=True,
        gzip=gzip,
        max_retries=0,
        on_error=lambda error, batch: errors.append(error),
    )
    team = {"groupId": "globex"}

    analytics.group("u_ana", "globex", {"name": "Globex", "plan": "pro", "mrr": 49})
    analytics.identify("u_ana", {"name": "Ana Ruiz", "email": "ana@globex.test"}, context=team)
    analytics.track("u_ana", "Logged In")
    analytics.track("u_ana", "Feature Used", {"feature": "reports", "duration": 540})
    analytics.track("u_ana", "Exported Report", {"format": "csv"})
    analytics.page("u_ana", name="Pricing")
    analytics.flush()

    assert errors == []
    globex = Account.objects.get(external_id="globex")
    assert (globex.name, globex.plan, globex.mrr) == ("Globex", "pro", Decimal("49.00"))
    assert Contact.objects.get(account=globex, external_id="u_ana").email == "ana@globex.test"
    assert Login.objects.filter(account=globex).count() == 1
    assert FeatureSession.objects.get(account=globex).minutes == Decimal("9.00")
    assert sorted(ProductEvent.objects.values_list("name", flat=True)) == [
        "Exported Report",
        "Page Viewed",
    ]


def test_the_library_reads_a_refusal_as_segments_api_error(live_server, token):
    analytics = Client(token[1], host=live_server.url, sync_mode=True, max_retries=0)

    with pytest.raises(APIError) as refused:
        analytics.track("u_nobody", "Logged In")  # no account anywhere

    assert (refused.value.status, refused.value.code) == (422, "invalid_request")


def test_a_segment_webhook_destination_delivery_is_applied_once(client, token, acme):
    """Segment's Webhooks destination POSTs each message as it is, to one URL."""
    delivery = message(
        "track",
        event="Logged In",
        context={"groupId": "acme", "library": {"name": "analytics.js"}},
        receivedAt="2025-07-01T07:30:01Z",
        sentAt="2025-07-01T07:30:00Z",
        originalTimestamp="2025-07-01T07:30:00Z",
        channel="client",
        version=2,
    )
    headers = {"HTTP_AUTHORIZATION": basic(token[1])}

    first = client.post("/v1/webhook", delivery, content_type="application/json", **headers)
    again = client.post("/v1/webhook", delivery, content_type="application/json", **headers)

    assert first.json()["results"][0]["status"] == "accepted"
    assert again.json()["results"][0]["status"] == "duplicate"
    assert Login.objects.filter(account=acme).count() == 1
