"""What the API tests share: a live token, a client that sends it, and a
count of every row an input could write (to prove bad input wrote none)."""

import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import Account, AccountEvent, Contact, Subscription
from activity.models import Appointment, FeatureSession, Login, Payment
from api.models import InboundEvent, StripeDecline
from api.tokens import create_token

EVENTS = "/api/v1/events"

# Every table an event or a webhook may write to.
WRITTEN_BY_INPUTS = (
    Account,
    AccountEvent,
    Contact,
    Login,
    FeatureSession,
    Payment,
    Appointment,
    InboundEvent,
    Subscription,
    StripeDecline,
)

# A valid event of each type (for Acme, its feature and its booked appointment apt_1).
VALID = {
    "account.signed_up": {"account": "globex", "name": "Globex"},
    "login": {},
    "feature.used": {"feature": "reports", "minutes": 12},
    "payment.succeeded": {"payment_id": "ch_1", "amount": "99.00"},
    "payment.failed": {"payment_id": "ch_2", "amount": "99.00", "failure_reason": "declined"},
    "subscription.cancelled": {},
    "plan.changed": {"plan": "pro", "mrr": "49.00"},
    "appointment.booked": {
        "appointment_id": "apt_2",
        "kind": "walkthrough",
        "starts_at": "2025-07-02T10:00:00+00:00",
    },
    "appointment.rescheduled": {"appointment_id": "apt_1", "starts_at": "2025-07-03T10:00:00Z"},
    "appointment.cancelled": {"appointment_id": "apt_1"},
    "appointment.attended": {"appointment_id": "apt_1"},
    "appointment.no_show": {"appointment_id": "apt_1"},
    "affiliate.joined": {"affiliate_id": "aff_1"},
}


def row_counts() -> dict[str, int]:
    """How many rows each table an input could write holds now."""
    return {model.__name__: model.objects.count() for model in WRITTEN_BY_INPUTS}


class ApiClient:
    """The Django test client sending JSON with `Authorization: Bearer <secret>`."""

    def __init__(self, client: Client, secret: str | None):
        self.client = client
        self.secret = secret

    def _headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"} if self.secret else {}

    @staticmethod
    def _body(body: Any) -> str | bytes:
        return body if isinstance(body, (str, bytes)) else json.dumps(body)

    def post(self, path: str, body: Any):
        return self.client.post(
            path, data=self._body(body), content_type="application/json", **self._headers()
        )

    def put(self, path: str, body: Any):
        return self.client.put(
            path, data=self._body(body), content_type="application/json", **self._headers()
        )

    def get(self, path: str, params: dict | None = None):
        return self.client.get(path, params or {}, **self._headers())

    def send(self, *events: dict):
        """POST one event as itself, several as a batch."""
        body = events[0] if len(events) == 1 else {"events": list(events)}
        return self.post(EVENTS, body)


@pytest.fixture
def token(db):
    """A live API token and its secret, as an admin would hand it over."""
    return create_token(name="Production app")


@pytest.fixture
def api(client, token) -> ApiClient:
    _, secret = token
    return ApiClient(client, secret)
