"""What every JSON-body endpoint of the API does with the body itself, before its
fields: its media type (415), its size (413), and keys it does not know (422)."""

import json

import pytest

from accounts.models import Account
from tests.api.conftest import EVENTS, ApiClient, row_counts
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

ACCOUNT = "/api/v1/accounts/globex"
CONTACT = "/api/v1/accounts/acme/contacts/u_42"
SIGN_UP = {"id": "evt-1", "type": "account.signed_up", "account": "globex", "name": "Globex"}
BODIES = {EVENTS: SIGN_UP, ACCOUNT: {"name": "Globex"}, CONTACT: {"name": "Jordan"}}


def send(client, token_secret, path: str, data, content_type: str):
    method = client.post if path == EVENTS else client.put
    return method(
        path,
        data=data,
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {token_secret}",
    )


@pytest.fixture
def acme(db):
    return AccountFactory(external_id="acme")


@pytest.mark.parametrize("path", list(BODIES))
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_a_body_not_sent_as_json_is_415_and_writes_nothing(client, token, acme, path, content_type):
    _, secret = token
    before = row_counts()

    response = send(client, secret, path, json.dumps(BODIES[path]), content_type)

    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert row_counts() == before


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/vnd.api+json"]
)
def test_json_with_a_charset_or_a_json_based_type_is_accepted(client, token, content_type):
    _, secret = token

    response = send(client, secret, ACCOUNT, json.dumps({"name": "Globex"}), content_type)

    assert response.status_code == 201


def test_without_a_token_a_wrong_media_type_is_still_401(client, acme):
    response = client.post(EVENTS, data="x=1", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 401


@pytest.mark.parametrize("path", [EVENTS, ACCOUNT])
def test_a_body_over_the_api_limit_is_413_naming_the_limit_and_writes_nothing(
    client, token, settings, path
):
    settings.API_MAX_BODY_BYTES = 2_000
    _, secret = token
    before = row_counts()
    body = json.dumps({**BODIES[path], "name": "G" * 2_000})

    response = send(client, secret, path, body, "application/json")

    assert response.status_code == 413
    assert "2000 bytes" in response.json()["detail"]
    assert row_counts() == before


def test_a_batch_over_djangos_form_limit_but_within_the_api_limit_is_accepted(api, settings):
    # Django's own limit is meant for forms; a full batch of long names is over it.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    events = [
        {**SIGN_UP, "id": f"evt-{n}", "account": f"acct-{n}", "name": "株式会社" * 49}
        for n in range(5)
    ]
    assert len(json.dumps({"events": events})) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = api.post(EVENTS, {"events": events})

    assert response.status_code == 200
    assert response.json()["accepted"] == 5
    assert Account.objects.count() == 5


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"events": [SIGN_UP], "event": SIGN_UP}, id="typo-beside-events"),
        pytest.param({"events": [SIGN_UP], "dry_run": True}, id="unknown-option"),
    ],
)
def test_a_batch_with_a_key_beside_events_is_422_naming_it_and_writes_nothing(api, body):
    before = row_counts()

    response = api.post(EVENTS, body)

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert next(key for key in body if key != "events") in detail
    assert row_counts() == before


def test_an_account_body_with_an_unknown_key_is_422_naming_it(api):
    response = api.put(ACCOUNT, {"name": "Globex", "colour": "red"})

    assert response.status_code == 422
    assert "colour" in response.json()["detail"]


def test_an_unknown_query_parameter_on_the_list_is_422_naming_it(api):
    # A typo such as ?health=struggling would otherwise list every account.
    response = api.get("/api/v1/accounts", {"health": "struggling"})

    assert response.status_code == 422
    assert "health" in response.json()["detail"]


def test_a_body_that_is_not_json_on_put_is_400(api):
    response = api.put(ACCOUNT, "{not json")

    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert not Account.objects.exists()


def test_the_api_client_helper_sends_json(client, token):
    # The shared helper used by every other API test sends application/json.
    _, secret = token
    assert ApiClient(client, secret).put(ACCOUNT, {"name": "Globex"}).status_code == 201


def test_a_filter_given_twice_on_the_list_is_422(api):
    response = api.get("/api/v1/accounts?tag=vip&tag=beta")

    assert response.status_code == 422
    assert "'tag' given more than once" in response.json()["detail"]
