"""The HTTP API, version 1: events in, accounts and contacts read and upserted."""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaValidationError
from pydantic import Field

from accounts.models import Account, Contact
from accounts.services import change_plan, sign_up_account, update_account, upsert_contact
from core.causes import Cause
from pipelines.models import Card

from . import schemas
from .auth import RateLimited, TokenAuth
from .events import Contended, ingest


class OpenCsmApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """The generated document, plus the event schemas the events endpoint reads by hand."""
        document = super().get_openapi_schema(*args, **kwargs)
        document["components"].setdefault("schemas", {}).update(EVENT_COMPONENTS)
        return document


api = OpenCsmApi(
    title="OpenCSM API",
    version="1",
    description=(
        "Send what your customers do (sign-ups, logins, feature use, payments, bookings) "
        "and read what OpenCSM knows about each account. Authenticate with "
        "`Authorization: Bearer <token>`; tokens are made by an admin."
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(
        request,
        {
            "detail": f"Rate limit of {settings.API_RATE_LIMIT_PER_MINUTE} requests a minute "
            "reached for this token; retry in a minute."
        },
        status=429,
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
    return api.create_response(
        request, {"detail": "Missing, unknown or revoked API token."}, status=401
    )


@api.exception_handler(SchemaValidationError)
def invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}" for e in exc.errors[:5]
    )
    return api.create_response(request, {"detail": problems}, status=422)


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
    }
}


@api.post(
    "/events",
    response={
        200: schemas.BatchResult,
        400: schemas.Problem,
        413: schemas.Problem,
        422: schemas.BatchResult,
        503: schemas.Problem,
    },
    openapi_extra=EVENTS_BODY,
    summary="Send one event, or a batch of up to 1,000",
)
def post_events(request: HttpRequest):
    """One event object, or `{"events": [...]}`. Each item is answered on its own:
    `accepted`, `duplicate` (its id was seen before; nothing changed) or `rejected`
    with the reason. A bad item never blocks the good ones. 422 if every item was
    rejected; 503 (with Retry-After, nothing applied) if concurrent batches kept
    getting in each other's way."""
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError) as error:
        return Status(400, {"detail": f"The body is not valid JSON: {error}."})
    except RecursionError:
        return Status(400, {"detail": "The body is nested too deeply."})
    if isinstance(body, dict) and "events" in body:
        items = body["events"]
        if not isinstance(items, list):
            return Status(400, {"detail": "`events` must be a list of event objects."})
    elif isinstance(body, dict):
        items = [body]
    else:
        return Status(400, {"detail": "Send an event object, or an object with an `events` list."})
    if len(items) > settings.API_MAX_BATCH:
        return Status(
            413,
            {"detail": f"{len(items)} events in one batch; the most is {settings.API_MAX_BATCH}."},
        )
    result = ingest(token=request.auth, items=items)
    return Status((422 if items and result.rejected == len(items) else 200), result)


def _account_out(account: Account) -> dict:
    return {
        "external_id": account.external_id,
        "name": account.name,
        "plan": account.plan,
        "mrr": account.mrr,
        "lifecycle": account.lifecycle,
        "owner": account.owner.email if account.owner else None,
        "health_status": account.health_status,
        "happiness": account.happiness,
        "score": account.score,
        "milestone": account.milestone,
        "last_login_at": account.last_login_at,
        "signed_up_at": account.signed_up_at,
        "tags": sorted(tag.name for tag in account.tags.all()),
        "stages": {card.pipeline.key: card.stage.name for card in account.cards.all()},
    }


def _accounts():
    return Account.objects.select_related("owner").prefetch_related(
        "tags", Prefetch("cards", queryset=Card.objects.select_related("pipeline", "stage"))
    )


class AccountFilters(schemas.Strict):
    health_status: str | None = None
    tag: str | None = None
    updated_since: schemas.Moment | None = None
    page: int = Field(1, ge=0, le=1_000_000)  # 0 reads as the first page


PAGE_SIZE = 100


@api.get("/accounts", response=list[schemas.AccountOut], summary="List accounts")
def list_accounts(request: HttpRequest, filters: Query[AccountFilters]):
    """100 accounts a page, oldest first; filter by health, tag or last change."""
    accounts = _accounts().order_by("pk")
    if filters.health_status:
        accounts = accounts.filter(health_status=filters.health_status)
    if filters.tag:
        accounts = accounts.filter(tags__name__iexact=filters.tag)
    if filters.updated_since:
        accounts = accounts.filter(updated_at__gte=filters.updated_since)
    start = (max(filters.page, 1) - 1) * PAGE_SIZE
    return [_account_out(a) for a in accounts[start : start + PAGE_SIZE]]


@api.get(
    "/accounts/{external_id}",
    response={200: schemas.AccountOut, 404: schemas.Problem},
    summary="One account with its score, health, tags and stages",
)
def get_account(request: HttpRequest, external_id: str):
    account = _accounts().filter(external_id=external_id).first()
    if account is None:
        return Status(404, {"detail": f"No account {external_id!r}."})
    return Status(200, _account_out(account))


@api.put(
    "/accounts/{external_id}",
    response={200: schemas.AccountOut, 201: schemas.AccountOut, 422: schemas.Problem},
    summary="Create or update an account by its external id",
)
def put_account(request: HttpRequest, external_id: str, data: schemas.AccountIn):
    """Creates the account (a sign-up) or updates its name, plan, MRR, owner and ids."""
    cause = Cause.by_api(f"PUT account from {request.auth.name}")
    owner = None
    if data.owner_email:
        owner = get_user_model().objects.filter(email__iexact=data.owner_email).first()
        if owner is None:
            return Status(422, {"detail": f"No staff member has the e-mail {data.owner_email}."})
    try:
        with transaction.atomic():
            account, created = sign_up_account(
                external_id=external_id,
                name=data.name,
                plan=data.plan,
                mrr=data.mrr,
                owner=owner,
                cause=cause,
            )
            if not created:
                change_plan(account=account, plan=data.plan, mrr=data.mrr, cause=cause)
            details = {
                "name": data.name,
                "billing_customer_id": data.billing_customer_id,
                "timezone": data.timezone,
            }
            if owner is not None:
                details["owner"] = owner
            update_account(account=account, cause=cause, **details)
    except ValidationError as error:
        return Status(422, {"detail": " ".join(error.messages)})
    return Status((201 if created else 200), _account_out(_accounts().get(pk=account.pk)))


@api.put(
    "/accounts/{external_id}/contacts/{contact_id}",
    response={200: schemas.ContactOut, 404: schemas.Problem, 422: schemas.Problem},
    summary="Create or update a contact by its external id",
)
def put_contact(
    request: HttpRequest, external_id: str, contact_id: str, data: schemas.ContactUpsert
):
    account = Account.objects.filter(external_id=external_id).first()
    if account is None:
        return Status(404, {"detail": f"No account {external_id!r}."})
    try:
        contact, _ = upsert_contact(
            account=account,
            external_id=contact_id,
            name=data.name,
            email=data.email,
            phone=data.phone,
            is_primary=data.is_primary,
            cause=Cause.by_api(f"PUT contact from {request.auth.name}"),
        )
    except ValidationError as error:
        return Status(422, {"detail": " ".join(error.messages)})
    contact = Contact.objects.get(pk=contact.pk)
    return Status(
        200,
        {
            "external_id": contact.external_id,
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "is_primary": contact.is_primary,
        },
    )
