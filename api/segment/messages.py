"""Reading Segment calls (the HTTP tracking API's messages) into OpenCSM events.

Each message becomes one event of the events API's batch path (api.events),
with Segment's `messageId` as its id: `group` → an account, `identify` → a
contact, `track` → a sign-up, login or feature use as the admin's mapping
(api.models.SegmentMapping) says, or else a custom product event, like `page`
and `screen`. A message that cannot be read is refused with its reason and
blocks no other.

Time: Segment's clock-skew correction. A message's `timestamp` is the
sender's clock; with `sentAt` (the sender's clock when it sent the batch) the
event happened at `received_at - (sentAt - timestamp)` on ours.
"""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import Field, TypeAdapter
from pydantic import ValidationError as SchemaError

from accounts.models import Contact, Plan

from .. import schemas
from ..events import Parsed, _explain
from ..models import SegmentMapping
from . import schemas as segment_schemas

METHODS = {"identify", "track", "group", "page", "screen", "alias"}
# Discriminated by `type`: one schema tried per message, not all six.
EVENT = TypeAdapter(
    Annotated[
        schemas.AccountSignedUp
        | schemas.LoginRecorded
        | schemas.FeatureUsed
        | segment_schemas.AccountGrouped
        | segment_schemas.ContactIdentified
        | segment_schemas.ProductEventTracked,
        Field(discriminator="type"),
    ]
)


class Unreadable(Exception):
    """A message OpenCSM cannot apply; the text says why."""


def parse_messages(
    items: list[Any],
    *,
    mapping: SegmentMapping,
    received_at: datetime,
    defaults: dict[str, Any] | None = None,
) -> list[Parsed]:
    """Read each message (merged over the batch's own `context`, `integrations`) into an event.

    A message that names no account (no groupId, no `context.groupId`, no
    account trait) is tied to one through its userId: a contact of that id
    named earlier in the batch, or on record (one query for the batch).
    """
    messages = [_merged(raw, defaults or {}) for raw in items]
    accounts_of_users = _accounts_of_users(messages, mapping)
    parsed: list[Parsed] = []
    for message in messages:
        message_id = message.get("messageId") if isinstance(message, dict) else None
        shown_id = str(message_id) if message_id is not None else None
        try:
            event = _event(message, mapping, received_at, accounts_of_users)
        except Unreadable as refusal:
            parsed.append((shown_id, None, str(refusal)))
            continue
        try:
            parsed.append((shown_id, EVENT.validate_python(event), ""))
        except SchemaError as error:
            parsed.append((shown_id, None, _explain(error)))
    return parsed


def _merged(raw: Any, defaults: dict[str, Any]) -> Any:
    """A batch's `context` and `integrations` under each message's own (Segment's rule)."""
    if not isinstance(raw, dict):
        return raw
    merged = dict(raw)
    for key in ("context", "integrations"):
        if isinstance(defaults.get(key), dict):
            own = raw.get(key) if isinstance(raw.get(key), dict) else {}
            merged[key] = {**defaults[key], **own}
    return merged


def _text(value: Any) -> str | None:
    """An id as Segment allows it (text or a number), as text; None if absent."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    return value if isinstance(value, str) and value.strip() else None


def _object(message: dict, key: str) -> dict:
    value = message.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Unreadable(f"`{key}` must be an object.")
    return value


def _named_account(message: dict, mapping: SegmentMapping) -> str | None:
    """The account a message names itself: groupId (group), context.groupId or a trait."""
    if message.get("type") == "group":
        return _text(message.get("groupId"))
    context = message.get("context") if isinstance(message.get("context"), dict) else {}
    for source in (
        context,
        message.get("traits") if isinstance(message.get("traits"), dict) else {},
        message.get("properties") if isinstance(message.get("properties"), dict) else {},
        context.get("traits") if isinstance(context.get("traits"), dict) else {},
    ):
        for key in ("groupId", mapping.account_trait):
            if found := _text(source.get(key)):
                return found
    return None


def _accounts_of_users(messages: list[Any], mapping: SegmentMapping) -> dict[str, str]:
    """userId → account external id, from the batch's own messages then contacts on record."""
    named: dict[str, str] = {}
    unnamed: set[str] = set()
    for message in messages:
        if not isinstance(message, dict) or not (user := _text(message.get("userId"))):
            continue
        if (account := _named_account(message, mapping)) and message.get("type") != "group":
            named.setdefault(user, account)
        else:
            unnamed.add(user)
    wanted = [user for user in unnamed - set(named) if len(user) <= 100]
    on_record: dict[str, set[str]] = {}
    if wanted:
        contacts = Contact.objects.filter(external_id__in=wanted)
        for user, account in contacts.values_list("external_id", "account__external_id"):
            on_record.setdefault(user, set()).add(account)
    # A userId at two accounts names neither: the message must say which.
    known = {
        user: next(iter(accounts)) for user, accounts in on_record.items() if len(accounts) == 1
    }
    return {**known, **named}


def event_time(message: dict, received_at: datetime) -> datetime | None:
    """When it happened on our clock (Segment's skew correction); None: now."""
    happened = _moment(message, "timestamp") or _moment(message, "originalTimestamp")
    if happened is None:
        return None
    if sent := _moment(message, "sentAt"):
        happened = received_at - (sent - happened)
    # A sender's clock ahead of ours must not make a past event a future one.
    return min(happened, received_at)


def _moment(message: dict, key: str) -> datetime | None:
    value = message.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise Unreadable(f"`{key}` must be an ISO 8601 date and time.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Unreadable(f"`{key}` must be an ISO 8601 date and time, not {value!r}.") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not 1970 <= moment.year <= 2200:
        raise Unreadable(f"`{key}` is out of range (1970–2200).")
    return moment.astimezone(UTC)


def _event(
    message: Any,
    mapping: SegmentMapping,
    received_at: datetime,
    accounts_of_users: dict[str, str],
) -> dict[str, Any]:
    """The events-API-shaped event a message becomes (checked by its schema afterwards)."""
    if not isinstance(message, dict):
        raise Unreadable("Each message must be an object.")
    if schemas._has_nul(message):
        raise Unreadable("Text may not contain NUL (\\x00) characters.")
    method = message.get("type")
    if method not in METHODS:
        raise Unreadable(f"`type` must be one of {', '.join(sorted(METHODS))}.")
    message_id = _text(message.get("messageId"))
    if message_id is None:
        raise Unreadable("`messageId` is required: it is what makes a resent message a repeat.")
    user = _text(message.get("userId"))
    if user is None and _text(message.get("anonymousId")) is None:
        raise Unreadable("A message needs a userId or an anonymousId.")
    if method == "alias":
        raise Unreadable("alias is not used by OpenCSM (contacts are identified by userId).")
    account = _named_account(message, mapping) or (accounts_of_users.get(user) if user else None)
    if account is None:
        raise Unreadable(
            "No account: send groupId (group), context.groupId, the "
            f"`{mapping.account_trait}` trait, or identify the user with one first."
        )
    base = {"id": message_id, "account": account}
    when = event_time(message, received_at)
    if method == "group":
        return {**base, **_group(_object(message, "traits"), mapping, when)}
    if method == "identify":
        if user is None:
            raise Unreadable("identify needs a userId (the contact's id).")
        return {**base, **_identify(user, _object(message, "traits"))}
    if method in ("page", "screen"):
        properties = dict(_object(message, "properties"))
        for key in ("name", "category"):
            if message.get(key) is not None:
                properties.setdefault(key, message[key])
        name = "Page Viewed" if method == "page" else "Screen Viewed"
        return {**base, **_custom(name, properties, when)}
    event = {**base, **_track(message, mapping, when)}
    if event["type"] == "account.signed_up":
        event.setdefault("name", account)  # a sign-up without a company name: its id
    return event


def _group(traits: dict, mapping: SegmentMapping, when: datetime | None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "segment.group", "signed_up_at": when}
    if isinstance(traits.get("name"), str):
        event["name"] = traits["name"]
    plan = traits.get(mapping.plan_trait)
    # A plan OpenCSM does not have is left out, never a refusal (as for Stripe's prices).
    if isinstance(plan, str) and plan.strip().lower() in Plan.values:
        event["plan"] = plan.strip().lower()
    if traits.get(mapping.mrr_trait) is not None:
        event["mrr"] = traits[mapping.mrr_trait]
    return event


def _identify(user: str, traits: dict) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "segment.identify", "contact_id": user}
    name = traits.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [traits.get("firstName"), traits.get("lastName")]
        name = " ".join(p for p in parts if isinstance(p, str) and p.strip()) or None
    if name:
        event["name"] = name
    for field in ("email", "phone"):
        if field in traits:
            event[field] = traits[field] or None
    return event


def _custom(name: str, properties: dict, when: datetime | None) -> dict[str, Any]:
    return {"type": "segment.event", "name": name, "properties": properties, "occurred_at": when}


def _track(message: dict, mapping: SegmentMapping, when: datetime | None) -> dict[str, Any]:
    name = message.get("event")
    if not isinstance(name, str) or not name.strip():
        raise Unreadable("A track call needs its `event` name.")
    properties = _object(message, "properties")
    kind = mapping.kind_of_track(name.strip())
    if kind == "signed_up":
        company = properties.get("account_name") or properties.get("company")
        event = {"type": "account.signed_up", "signed_up_at": when}
        return event | ({"name": company} if isinstance(company, str) and company else {})
    if kind == "login":
        return {"type": "login", "occurred_at": when}
    if kind == "feature":
        return {
            "type": "feature.used",
            "feature": properties.get(mapping.feature_property),
            "minutes": _minutes(properties.get(mapping.duration_property), mapping),
            "started_at": when,
        }
    return _custom(name, dict(properties), when)


def _minutes(duration: Any, mapping: SegmentMapping) -> Any:
    """The duration property in minutes (to the hundredth), as the feature.used schema wants."""
    if duration is None:
        raise Unreadable(f"Feature use needs the `{mapping.duration_property}` property.")
    if isinstance(duration, bool) or not isinstance(duration, int | float | str):
        raise Unreadable(f"`{mapping.duration_property}` must be a number.")
    try:
        number = Decimal(str(duration))
    except InvalidOperation:
        raise Unreadable(f"`{mapping.duration_property}` must be a number.") from None
    if not number.is_finite():
        raise Unreadable(f"`{mapping.duration_property}` must be a number.")
    if mapping.duration_unit == SegmentMapping.DurationUnit.SECONDS:
        number = number / 60
    return (
        str(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        if abs(number) < 10**6
        else duration
    )
