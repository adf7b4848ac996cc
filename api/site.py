"""The API as a whole: its OpenAPI document, and how a request is answered when it
fails before (or outside) an operation's own answers: one `{"detail": ...}` shape.

The operations themselves are in api.views (their module names their operation ids).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from . import schemas
from .auth import BodyTooLarge, EmptyBody, RateLimited, TokenAuth, UnsupportedMediaType
from .events import Contended

DESCRIPTION = """\
Send what your customers do (sign-ups, logins, feature use, payments, bookings)
and read what OpenCSM knows about each account. Authenticate with
`Authorization: Bearer <token>`; tokens are made by an admin.

Every answer is JSON. Every operation may answer 401 (missing, unknown or
revoked token) and 429 (the token's requests a minute are used up; retry after
`Retry-After` seconds). A body must be sent as `Content-Type: application/json`
(415 otherwise) and be at most {max_body} bytes (413 otherwise); a body that is
not JSON is 400; a field or key the schema does not know, or a value it does
not allow, is 422 naming it.

`PUT` creates or updates by your id and **merges**: a field left out keeps its
stored value (a new account or contact takes the defaults shown), a field sent
as `null` is cleared (where it may be empty), anything else is set. The answer
carries every field the request can write, so you can read back what you wrote.

Account and contact ids are yours: 1–100 characters without `/` (they are part
of URLs), refused with 422 anywhere else they could be sent.
"""


class OpenCsmApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The generated document, plus the event schemas the events endpoint reads by hand."""
        document = super().get_openapi_schema(*args, **kwargs)
        document["components"].setdefault("schemas", {}).update(EVENT_COMPONENTS)
        return document


api = OpenCsmApi(
    title="OpenCSM API",
    version="1",
    description=DESCRIPTION.format(max_body=settings.API_MAX_BODY_BYTES),
    auth=TokenAuth(),
    urls_namespace="api-v1",
)


# What every operation may answer besides its own results.
EVERY_OPERATION = {401: schemas.Problem, 429: schemas.Problem}
# What every operation with a JSON body may answer besides.
WITH_A_BODY = {400: schemas.Problem, 413: schemas.Problem, 415: schemas.Problem}
RETRY_AFTER = {
    429: {
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before the next request.",
                "schema": {"type": "integer"},
            }
        }
    }
}

# The events body is read by hand (each item validated on its own), so its
# schemas are added to the document's components explicitly.
_BATCH = schemas.EventBatch.model_json_schema(ref_template="#/components/schemas/{model}")
EVENT_COMPONENTS = {**_BATCH.pop("$defs"), "EventBatch": _BATCH}
EVENTS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/EventBatch"},
                        _BATCH["properties"]["events"]["items"],
                    ]
                }
            }
        },
    },
    "responses": RETRY_AFTER,
}


def problem(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    """The answer to a request refused as a whole: `{"detail": ...}` with its status."""
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = problem(
        request,
        429,
        f"Rate limit of {settings.API_RATE_LIMIT_PER_MINUTE} requests a minute "
        "reached for this token; retry in a minute.",
    )
    response["Retry-After"] = "60"
    return response


@api.exception_handler(Contended)
def contended(request: HttpRequest, exc: Contended) -> HttpResponse:
    # Nothing was written: the same batch, sent again, is applied as if first.
    response = api.create_response(
        request,
        {
            "detail": "Too many concurrent writes to the same accounts; nothing was applied. "
            "Send the batch again."
        },
        status=503,
    )
    response["Retry-After"] = "1"
    return response


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(request, 401, "Missing, unknown or revoked API token.")


@api.exception_handler(UnsupportedMediaType)
def unsupported_media_type(request: HttpRequest, exc: UnsupportedMediaType) -> HttpResponse:
    sent = f"`{exc.content_type}`" if exc.content_type else "no Content-Type"
    return problem(request, 415, f"Send the body as application/json, not {sent}.")


@api.exception_handler(EmptyBody)
def empty_body(request: HttpRequest, exc: EmptyBody) -> HttpResponse:
    return problem(request, 400, "The body is not valid JSON: it is empty.")


@api.exception_handler(BodyTooLarge)
def body_too_large(request: HttpRequest, exc: BodyTooLarge) -> HttpResponse:
    limit = settings.API_MAX_BODY_BYTES
    return problem(request, 413, f"The body is over {limit} bytes, the most one request may send.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and exc.__cause__ is not None:  # ninja could not parse the body
        return problem(request, 400, not_json(exc.__cause__))
    return problem(request, exc.status_code, str(exc))


@api.exception_handler(SchemaValidationError)
def invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in exc.errors[:5]
    )
    return problem(request, 422, problems)


def not_json(error: BaseException) -> str:
    """Why a body could not be read as JSON, in words."""
    if isinstance(error, RecursionError):
        return "The body is nested too deeply."
    return f"The body is not valid JSON: {error}."
