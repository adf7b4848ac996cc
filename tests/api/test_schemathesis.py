"""Schemathesis against our own OpenAPI document, with every check and a fixed seed.

Integrators generate clients from /api/v1/openapi.json; this keeps the
document true. For each operation, schema-valid and schema-violating requests
are sent to the WSGI app in-process, and every response goes through all of
schemathesis's checks: no server error, no undocumented status code or
content type, every body as documented, valid input not refused as malformed
and invalid input not accepted.
"""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from api.tokens import create_token

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION_AND_MODE = 30

# Schema-valid requests these operations refuse on rules no schema can state (an
# event for an account not signed up, an owner who is not a staff member, a
# timezone name that does not exist, a new account or contact without a name):
# 422 is a right answer to valid data
# there, as long as it is one of these refusals and not a complaint about the
# data's shape (checked below).
BUSINESS_REFUSALS = re.compile(
    r"No staff member has the e-mail|is not a timezone name|already has billing customer id"
    r"|An account needs a name|A new contact needs a name|Another contact of this account"
    r"|Unknown (account|feature|appointment)"
    # A date-time the schema cannot bound: valid in shape, refused as after now.
    r"| time is in the future"
)
DEPENDS_ON_STORED_DATA = [
    "POST /api/v1/events",
    "PUT /api/v1/accounts/{external_id}",
    "PUT /api/v1/accounts/{external_id}/contacts/{contact_id}",
]
CONFIG = schemathesis.Config.from_dict(
    {
        "operations": [
            {
                "include-name": name,
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", 401, 404, 409, 422, 429]
                    }
                },
            }
            for name in DEPENDS_ON_STORED_DATA
        ]
    }
)


@pytest.fixture
def api_schema(db, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
    )
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _failures(operation, mode: GenerationMode, headers: dict[str, str]) -> dict[str, str]:
    """Every distinct check failure for `operation` in `mode`, with one example of each."""
    found: dict[str, str] = {}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION_AND_MODE,
        derandomize=True,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def call(case) -> None:
        try:
            response = case.call_and_validate(headers=headers)
        except schemathesis.errors.FailureGroup as group:
            for failure in group.exceptions:
                key = f"{mode} {operation.label}: {failure.title}"
                found.setdefault(key, f"{failure}\n{group.message}"[:3000])
            return
        if mode is GenerationMode.POSITIVE and response.status_code == 422:
            body = response.json()
            reasons = [item["error"] for item in body.get("results", [])] or [body["detail"]]
            for reason in reasons:
                if not BUSINESS_REFUSALS.search(reason):
                    found.setdefault(f"{mode} {operation.label}: valid data refused", reason)

    call()
    return found


def test_the_api_keeps_to_its_openapi_document(api_schema):
    _, secret = create_token(name="Schemathesis")
    bearer = {"Authorization": f"Bearer {secret}"}
    failures: dict[str, str] = {}

    for result in api_schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures |= _failures(result.ok(), mode, bearer)

    assert not failures, "\n\n".join(f"{key}\n{detail}" for key, detail in failures.items())
