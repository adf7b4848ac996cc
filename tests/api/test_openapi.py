"""/api/v1/openapi.json and /api/v1/docs: the API describes itself, from our own files."""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from api.schemas import Event

pytestmark = pytest.mark.django_db

EVENT_SCHEMAS = sorted(model.__name__ for model in Event.__origin__.__args__)
EVENT_TYPES = [
    "account.signed_up",
    "login",
    "feature.used",
    "payment.succeeded",
    "payment.failed",
    "subscription.cancelled",
    "plan.changed",
    "appointment.booked",
    "appointment.rescheduled",
    "appointment.cancelled",
    "appointment.attended",
    "appointment.no_show",
    "affiliate.joined",
]


@pytest.fixture
def openapi(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def refs(node) -> set[str]:
    """Every `$ref` anywhere in a JSON document."""
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(value) for value in node))
    return set()


def resolve(document: dict, ref: str):
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_the_document_lists_every_endpoint(openapi):
    assert {path: sorted(ops) for path, ops in openapi["paths"].items()} == {
        "/api/v1/events": ["post"],
        "/api/v1/accounts": ["get"],
        "/api/v1/accounts/{external_id}": ["get", "put"],
        "/api/v1/accounts/{external_id}/contacts/{contact_id}": ["put"],
    }


def test_every_endpoint_asks_for_the_bearer_token(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security") == [{"TokenAuth": []}], (method, path)
    assert openapi["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_events_body_names_every_event_type(openapi):
    body = openapi["paths"]["/api/v1/events"]["post"]["requestBody"]
    text = str(body)

    assert [kind for kind in EVENT_TYPES if f"'{kind}'" not in text] == []


def test_every_event_schema_is_in_the_documents_components(openapi):
    components = openapi["components"]["schemas"]

    assert [name for name in EVENT_SCHEMAS if name not in components] == []
    assert "EventBatch" in components


def test_every_reference_in_the_document_resolves(openapi):
    dangling = []
    for ref in sorted(refs(openapi)):
        try:
            resolve(openapi, ref)
        except KeyError:
            dangling.append(ref)

    assert dangling == []


def test_the_docs_page_renders_without_a_token_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    assert [a for a in assets if not a.startswith(settings.STATIC_URL)] == []
    assert [a for a in assets if not finders.find(a.removeprefix(settings.STATIC_URL))] == []
    assert not re.search(r"cdn\.|unpkg|jsdelivr", html)


def operations(openapi):
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_401_and_429_with_retry_after(openapi):
    for name, operation in operations(openapi):
        responses = operation["responses"]
        assert {"401", "429"} <= set(responses), name
        assert "Retry-After" in responses["429"]["headers"], name


def test_every_operation_with_a_body_documents_400_413_and_415(openapi):
    for name, operation in operations(openapi):
        if "requestBody" in operation:
            assert {"400", "413", "415", "422"} <= set(operation["responses"]), name


def test_the_list_documents_422_and_its_page_headers(openapi):
    responses = openapi["paths"]["/api/v1/accounts"]["get"]["responses"]

    assert "422" in responses
    assert set(responses["200"]["headers"]) == {"X-Total-Count", "Link"}


def test_money_is_documented_as_the_server_reads_it(openapi):
    mrr = openapi["components"]["schemas"]["AccountIn"]["properties"]["mrr"]

    text, number = mrr["anyOf"]
    assert (text["type"], text["pattern"]) == ("string", r"^[0-9]{1,10}(\.[0-9]{1,2})?$")
    assert (number["minimum"], number["maximum"], number["multipleOf"]) == (
        0,
        9999999999.99,
        0.01,
    )


def test_updated_since_is_documented_as_a_date_time(openapi):
    [parameter] = [
        p
        for p in openapi["paths"]["/api/v1/accounts"]["get"]["parameters"]
        if p["name"] == "updated_since"
    ]

    assert (parameter["schema"]["type"], parameter["schema"]["format"]) == ("string", "date-time")


def test_the_document_states_the_body_limit_and_the_merge_rule(openapi, settings):
    description = openapi["info"]["description"]

    assert f"{settings.API_MAX_BODY_BYTES} bytes" in description
    assert "merges" in description


def test_text_is_documented_without_the_nul_and_blanks_the_server_refuses(openapi):
    properties = openapi["components"]["schemas"]["AccountIn"]["properties"]
    name = re.compile(properties["name"]["pattern"])
    billing_id = re.compile(properties["billing_customer_id"]["anyOf"][0]["pattern"])

    assert [bool(name.search(text)) for text in ("Acme", " \u3000", "Ac\x00me")] == [
        True,
        False,
        False,
    ]
    assert [bool(billing_id.search(text)) for text in ("", "cus_1", "cus\x00")] == [
        True,
        True,
        False,
    ]
