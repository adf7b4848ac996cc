"""The HTTP API's operations, version 1: events in, accounts and contacts read and upserted."""

import json
from datetime import UTC, datetime
from typing import Annotated

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Status
from pydantic import Field

from accounts.filters import SegmentInvalid, saved_filter_members, visible_segments
from accounts.models import Account, Contact
from accounts.services import change_plan, sign_up_account, update_account, upsert_contact
from core.causes import Cause

from . import schemas
from .events import ingest
from .representations import account_out, accounts_to_show, contact_out
from .site import EVENTS_BODY, EVERY_OPERATION, RETRY_AFTER, WITH_A_BODY, api, not_json


@api.post(
    "/events",
    response={
        200: schemas.BatchResult,
        422: schemas.BatchResult | schemas.Problem,
        503: schemas.Problem,
        **EVERY_OPERATION,
        **WITH_A_BODY,
    },
    openapi_extra=EVENTS_BODY,
    summary="Send one event, or a batch of up to 1,000",
)
def post_events(request: HttpRequest):
    """One event object, or `{"events": [...]}`. Each item is answered on its own:
    `accepted`, `duplicate` (its id was seen before; nothing changed) or `rejected`
    with the reason. A bad item never blocks the good ones. 422 if every item was
    rejected (the results say why), or for a key beside `events` (`detail` names it).
    413 also for more than 1,000 events; 503 (with Retry-After, nothing applied) if
    concurrent batches kept getting in each other's way."""
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        return Status(400, {"detail": not_json(error)})
    if isinstance(body, dict) and "events" in body:
        if unknown := sorted(set(body) - {"events"}):
            return Status(
                422,
                {
                    "detail": f"Unknown key {', '.join(map(repr, unknown))} beside `events`: "
                    'a batch is `{"events": [...]}` and nothing else.'
                },
            )
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


class AccountFilters(schemas.Strict):
    # Not Optional: a query parameter is text or absent, never null.
    health_status: str = ""
    tag: str = ""
    segment: str = Field(
        "",
        max_length=80,
        description="A shared segment's id or slug (Accounts → Segments): only its members. "
        "422 for no such shared segment, or one whose filters no longer apply.",
    )
    updated_since: schemas.DateTime = Field(
        None, description="RFC 3339 date and time with its UTC offset: accounts changed since."
    )
    page: int = Field(1, ge=0, le=1_000_000, description="From 1 (0 reads as 1).")


PAGE_SIZE = 100
LIST_HEADERS = {
    "responses": {
        200: {
            "headers": {
                "X-Total-Count": {
                    "description": "How many accounts match the filters, on every page.",
                    "schema": {"type": "integer", "minimum": 0},
                },
                "Link": {
                    "description": 'The next page, `<…?page=N>; rel="next"`; absent on the last.',
                    "schema": {"type": "string"},
                },
            }
        },
        **RETRY_AFTER,
    }
}


@api.get(
    "/accounts",
    response={
        200: list[schemas.AccountOut],
        404: schemas.Problem,
        422: schemas.Problem,
        **EVERY_OPERATION,
    },
    openapi_extra=LIST_HEADERS,
    summary="List accounts",
)
def list_accounts(request: HttpRequest, response: HttpResponse, filters: Query[AccountFilters]):
    """100 accounts a page, oldest first; filter by health, tag, segment or last change.
    `X-Total-Count` says how many match; `Link` points to the next page.
    A query parameter it does not know is 422 (a typo would list everything); a segment
    that is not shared here (or not there at all) is 404."""
    if unknown := sorted(set(request.GET) - set(AccountFilters.model_fields)):
        return Status(422, {"detail": f"Unknown query parameter {', '.join(map(repr, unknown))}."})
    if repeated := sorted(key for key, values in request.GET.lists() if len(values) > 1):
        return Status(422, {"detail": f"{', '.join(map(repr, repeated))} given more than once."})
    accounts = accounts_to_show().order_by("pk")
    if filters.health_status:
        accounts = accounts.filter(health_status=filters.health_status)
    if filters.tag:
        accounts = accounts.filter(tags__name__iexact=filters.tag)
    if filters.segment:
        segment = shared_segment(filters.segment)
        if segment is None:
            return Status(404, {"detail": f"No shared segment {filters.segment!r} (id or slug)."})
        try:
            accounts = accounts.filter(pk__in=saved_filter_members(segment.filters).values("pk"))
        except SegmentInvalid as refusal:
            return Status(
                422, {"detail": f"Segment {segment.slug!r} no longer applies: {refusal.message}"}
            )
    if filters.updated_since:
        try:
            since = filters.updated_since.astimezone(UTC)
        except OverflowError:  # before year 1 or after 9999 once in UTC
            since = datetime.min.replace(tzinfo=UTC) if filters.updated_since.year < 2 else None
        accounts = accounts.filter(updated_at__gte=since) if since else accounts.none()
    page = max(filters.page, 1)
    start = (page - 1) * PAGE_SIZE
    total = accounts.count()
    response["X-Total-Count"] = str(total)
    if start + PAGE_SIZE < total:
        following = request.GET.copy()
        following["page"] = str(page + 1)
        link = request.build_absolute_uri(f"{request.path}?{following.urlencode()}")
        response["Link"] = f'<{link}>; rel="next"'
    return Status(200, [account_out(a) for a in accounts[start : start + PAGE_SIZE]])


def shared_segment(reference: str):
    """A shared segment by its id (digits) or slug; None if there is none (a private one
    belongs to a person, and a token is nobody)."""
    shared = visible_segments(None)
    by_id = (
        shared.filter(pk=int(reference)).first()
        if reference.isdigit() and len(reference) < 19
        else None
    )
    return by_id or shared.filter(slug=reference).first()


# An id in the path: what the events schema allows for an account or a contact.
PathId = Annotated[str, Path(min_length=1, max_length=100, pattern=schemas.EXTERNAL_ID_PATTERN)]


@api.get(
    "/accounts/{external_id}",
    response={
        200: schemas.AccountOut,
        404: schemas.Problem,
        422: schemas.Problem,
        **EVERY_OPERATION,
    },
    openapi_extra={"responses": RETRY_AFTER},
    summary="One account with its score, health, tags, stages and contacts",
)
def get_account(request: HttpRequest, external_id: PathId):
    account = accounts_to_show().filter(external_id=external_id).first()
    if account is None:
        return Status(404, {"detail": f"No account {external_id!r}."})
    return Status(200, account_out(account))


@api.put(
    "/accounts/{external_id}",
    response={
        200: schemas.AccountOut,
        201: schemas.AccountOut,
        422: schemas.Problem,
        **EVERY_OPERATION,
        **WITH_A_BODY,
    },
    openapi_extra={"responses": RETRY_AFTER},
    summary="Create or update (merge) an account by its external id",
)
def put_account(request: HttpRequest, external_id: PathId, data: schemas.AccountIn):
    """Creates the account (a sign-up: 201) or updates it (200). Fields left out keep
    their value; `null` clears the owner, the billing customer id or the timezone."""
    sent = data.model_fields_set
    cause = Cause.by_api(f"PUT account from {request.auth.name}")
    details: dict = {}
    if "owner_email" in sent:
        details["owner"] = None
        if data.owner_email:
            details["owner"] = (
                get_user_model().objects.filter(email__iexact=data.owner_email).first()
            )
            if details["owner"] is None:
                return Status(
                    422, {"detail": f"No staff member has the e-mail {data.owner_email}."}
                )
    for field in ("name", "billing_customer_id", "timezone"):
        if field in sent:
            details[field] = getattr(data, field) or ""
    try:
        with transaction.atomic():
            account = Account.objects.filter(external_id=external_id).first()
            created = False
            if account is None:
                account, created = sign_up_account(
                    external_id=external_id,
                    name=data.name or "",
                    plan=data.plan,
                    mrr=data.mrr,
                    owner=details.get("owner"),
                    cause=cause,
                )
            if not created and sent & {"plan", "mrr"}:
                change_plan(
                    account=account,
                    plan=data.plan if "plan" in sent else None,
                    mrr=data.mrr if "mrr" in sent else None,
                    cause=cause,
                )
            if details:
                update_account(account=account, cause=cause, **details)
    except ValidationError as error:
        return Status(422, {"detail": " ".join(error.messages)})
    return Status((201 if created else 200), account_out(accounts_to_show().get(pk=account.pk)))


@api.put(
    "/accounts/{external_id}/contacts/{contact_id}",
    response={
        200: schemas.ContactOut,
        404: schemas.Problem,
        422: schemas.Problem,
        **EVERY_OPERATION,
        **WITH_A_BODY,
    },
    openapi_extra={"responses": RETRY_AFTER},
    summary="Create or update (merge) a contact by its external id",
)
def put_contact(
    request: HttpRequest, external_id: PathId, contact_id: PathId, data: schemas.ContactUpsert
):
    """Fields left out keep their value; `null` or "" clears the e-mail or phone."""
    account = Account.objects.filter(external_id=external_id).first()
    if account is None:
        return Status(404, {"detail": f"No account {external_id!r}."})
    sent = data.model_fields_set
    try:
        contact, _ = upsert_contact(
            account=account,
            external_id=contact_id,
            name=data.name,
            email=(data.email or "") if "email" in sent else None,
            phone=(data.phone or "") if "phone" in sent else None,
            is_primary=data.is_primary if "is_primary" in sent else None,
            cause=Cause.by_api(f"PUT contact from {request.auth.name}"),
        )
    except ValidationError as error:
        return Status(422, {"detail": " ".join(error.messages)})
    return Status(200, contact_out(Contact.objects.get(pk=contact.pk)))
