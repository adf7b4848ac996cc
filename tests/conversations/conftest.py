"""A customer at an account the CSM owns, the widget's identity for them, and a client for
the widget's JSON endpoints."""

import json

import pytest
import time_machine
from django.core.cache import cache

from conversations.identity import identity_hash
from core.causes import Cause
from tests.factories import AccountFactory, ContactFactory
from tests.workflows.conftest import NOW

BY_CUSTOMER = Cause.by_customer("chat test")
SECRET = "test-chat-identity-secret-not-for-production-0123456789"  # csm.test_settings


@pytest.fixture
def frozen_time():
    """The clock stands still at Monday 1 September 2025, 09:00 UTC (a business hour)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def chat_settings(settings):
    settings.CHAT_IDENTITY_SECRET = SECRET
    settings.TIME_ZONE = "UTC"
    cache.clear()  # the widget's rate limits count in the cache


@pytest.fixture
def account(db, csm):
    return AccountFactory(owner=csm, external_id="acme", name="Acme")


@pytest.fixture
def contact(account):
    return ContactFactory(
        account=account,
        name="Jordan Rivera",
        email="jordan@acme.example",
        external_id="user-7",
        is_primary=True,
    )


@pytest.fixture
def identity(contact):
    return {"account": "acme", "contact": "user-7", "signature": identity_hash("acme", "user-7")}


class Widget:
    """The widget's calls, as its script makes them (JSON, a bearer token, no cookies)."""

    def __init__(self, client):
        self.client = client
        self.token = ""

    def post(self, path: str, data: object, **headers):
        if self.token:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return self.client.post(
            f"/chat/api/{path}/", json.dumps(data), content_type="application/json", **headers
        )

    def get(self, path: str, **headers):
        if self.token:
            headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return self.client.get(f"/chat/api/{path}/", **headers)

    def start(self, identity: dict) -> dict:
        response = self.post("session", identity)
        assert response.status_code == 200, response.content
        self.token = response.json()["token"]
        return response.json()

    def send(self, body: str, client_id: str = ""):
        return self.post("messages", {"body": body, "client_id": client_id})


@pytest.fixture
def widget(client):
    return Widget(client)
