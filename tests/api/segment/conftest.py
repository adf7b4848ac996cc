"""What the Segment tests share: Segment-shaped calls sent with the token as write key."""

import base64
import gzip
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from accounts.models import Plan
from tests.factories import AccountFactory, FeatureFactory

NOW = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)


def basic(secret: str) -> str:
    """Segment's Basic auth: the write key as user name, no password."""
    return "Basic " + base64.b64encode(f"{secret}:".encode()).decode()


def message(kind: str, **fields: Any) -> dict:
    """A message as Segment's libraries send it: type, messageId, userId, timestamp."""
    return {
        "type": kind,
        "messageId": fields.pop("messageId", str(uuid.uuid4())),
        "userId": fields.pop("userId", "u_ana"),
        "timestamp": fields.pop("timestamp", "2025-07-01T07:30:00Z"),
        **fields,
    }


class SegmentClient:
    """The Django test client posting Segment calls with Basic auth."""

    def __init__(self, client, secret: str) -> None:
        self.client, self.secret = client, secret

    def post(self, path: str, body: Any, *, gzipped: bool = False, auth: str | None = None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"HTTP_AUTHORIZATION": auth if auth is not None else basic(self.secret)}
        if gzipped:
            data = gzip.compress(data)
            headers["HTTP_CONTENT_ENCODING"] = "gzip"
        return self.client.post(path, data=data, content_type="application/json", **headers)

    def batch(self, *messages: dict, **options):
        return self.post("/v1/batch", {"batch": list(messages)}, **options)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def segment(client, token) -> SegmentClient:
    return SegmentClient(client, token[1])


@pytest.fixture
def acme(csm):
    return AccountFactory(external_id="acme", name="Acme", owner=csm, plan=Plan.STARTER)


@pytest.fixture
def reports(db):
    return FeatureFactory(key="reports", name="Reports")
