"""What the SaaS product may send: one schema per event type, validated strictly.

Each type says in the OpenAPI document exactly what the server accepts (a
client generated from it never sends what is refused as malformed), so the
awkward ones (money, moments, e-mail addresses, ids) are spelled out here.
"""

import math
import re
import sys
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from accounts.models import Plan
from activity.models import AppointmentKind
from core.inputs import EMAIL_MAX_LENGTH, email_address

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
# An account's or a contact's id appears in URLs (/accounts/{id}), where a `/`
# would split it; it is refused everywhere, so every id sent can be read back.
# At least one character that is not blank: spelled out (every character Python's
# strip() removes), since regex engines disagree on what `\s` covers.
_BLANK = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
EXTERNAL_ID_PATTERN = rf"^[^/\x00]*[^/\x00{_BLANK}][^/\x00]*$"
ExternalId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=EXTERNAL_ID_PATTERN
    ),
    Field(description="Your id for it: 1–100 characters, no `/` (it is part of URLs)."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
PlanName = Literal[tuple(Plan.values)]  # type: ignore[valid-type]


def _plausible(moment: datetime) -> datetime:
    # No customer event happens outside these years; the year is the one
    # written (as the document's pattern says), and such a time always fits
    # in UTC (year 1 or 9999 in another timezone would overflow).
    if not 1970 <= moment.year <= 2200:
        raise ValueError("Date and time out of range (1970–2200).")
    return moment


# RFC 3339's shape (what `format: date-time` means); pydantic alone would also
# read a bare number as Unix time, or a space for the `T`.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _date_time_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        raise ValueError("Expected a date and time with its UTC offset, e.g. 2025-06-30T09:00:00Z.")
    return value


DateTime = Annotated[AwareDatetime, BeforeValidator(_date_time_text)]
Moment = Annotated[
    DateTime,
    AfterValidator(_plausible),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": "^(19[7-9][0-9]|20[0-9]{2}|21[0-9]{2}|2200)-",
            "description": "RFC 3339 date and time with its UTC offset, in the years 1970–2200.",
        }
    ),
]


def decimal_type(
    *,
    integer_digits: int,
    places: int,
    minimum: Decimal,
    maximum: Decimal,
    exclusive_minimum: bool = False,
    text_pattern: str = "",
) -> Any:
    """A decimal sent as text (`"49.90"`) or as a JSON number (`49.9`), documented as accepted.

    A JSON number is a binary float: one that is a value with `places`
    decimals up to that rounding (0.57 can arrive as 0.5700000000000001) is
    read as that value; more decimals are refused, never rounded away.
    """
    # Text within the bounds, when a pattern can say them; else any such digits.
    pattern = text_pattern or rf"^[0-9]{{1,{integer_digits}}}(\.[0-9]{{1,{places}}})?$"
    step = Decimal(1).scaleb(-places)
    bound = f"greater than {minimum}" if exclusive_minimum else f"at least {minimum}"
    problem = f"Expected a number {bound} and at most {maximum}, with at most {places} decimals."

    def parse(value: Any) -> Decimal:
        if isinstance(value, str):
            if not re.fullmatch(pattern, value):
                raise ValueError(f"{problem} As text: digits, then `.` and up to {places} more.")
            number = Decimal(value)
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            if not number.is_finite():
                raise ValueError(problem)
        else:
            raise ValueError(problem)
        too_small = number <= minimum if exclusive_minimum else number < minimum
        if too_small or number > maximum:
            raise ValueError(problem)
        nearest = number.quantize(step)
        if nearest != number and not (
            isinstance(value, float)
            and math.isclose(float(nearest), value, rel_tol=4 * sys.float_info.epsilon)
        ):
            raise ValueError(problem)
        return nearest

    number_schema: dict[str, Any] = {
        "type": "number",
        "maximum": float(maximum),
        "multipleOf": float(step),
    }
    number_schema["exclusiveMinimum" if exclusive_minimum else "minimum"] = float(minimum)
    return Annotated[
        Decimal,
        PlainValidator(parse),
        WithJsonSchema(
            {
                "anyOf": [{"type": "string", "pattern": pattern}, number_schema],
                "description": problem,
            }
        ),
    ]


Money = decimal_type(
    integer_digits=10, places=2, minimum=Decimal(0), maximum=Decimal("9999999999.99")
)
Minutes = decimal_type(
    integer_digits=4,
    places=2,
    minimum=Decimal(0),
    maximum=Decimal(1440),
    exclusive_minimum=True,
    # More than 0 and at most 1440 as text: 0.01–0.99, 1–1439.99, 1440.
    text_pattern=(
        r"^(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,2}(\.[0-9]{1,2})?"
        r"|1[0-3][0-9]{2}(\.[0-9]{1,2})?|14[0-3][0-9](\.[0-9]{1,2})?|1440(\.00?)?)$"
    ),
)


def _email(value: str) -> str:
    try:
        return email_address(value, "The e-mail address")
    except DjangoValidationError as error:
        raise ValueError(" ".join(error.messages)) from None


Email = Annotated[
    str,
    AfterValidator(_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": EMAIL_MAX_LENGTH}),
]
Phone = Annotated[
    str,
    StringConstraints(pattern=r"^(\+[0-9]{7,15})?$"),
    Field(description="E.164, e.g. +14155550100; empty or null clears it."),
]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


# What `no_nul_characters` below refuses, as the document states it; text that
# must not be empty must not be blank either, since it is stripped.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = rf"^[^\x00]*[^\x00{_BLANK}][^\x00]*$"


def _document_text(schema: dict[str, Any]) -> None:
    """Give every free-text field of a Strict model's schema the pattern it is held to."""
    for field in schema.get("properties", {}).values():
        for branch in [field, *field.get("anyOf", [])]:
            free = not {"pattern", "format", "enum", "const"} & set(branch)
            if branch.get("type") == "string" and free:
                branch["pattern"] = NOT_BLANK if branch.get("minLength") else NO_NUL


class Strict(BaseModel):
    # Unknown fields are refused (a typo is an error, not silently dropped).
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=_document_text
    )

    @model_validator(mode="before")
    @classmethod
    def no_nul_characters(cls, data: Any) -> Any:
        # PostgreSQL cannot store NUL in text: refuse it here, with a reason.
        if _has_nul(data):
            raise ValueError("Text may not contain NUL (\\x00) characters.")
        return data


# Fields a client may leave out of a contact: left out, the stored value is kept;
# `null` (or "") clears it. Only a new contact takes the defaults.
OptionalEmail = Email | Literal[""] | None
OptionalPhone = Phone | None


class ContactIn(Strict):
    name: Text = Field(min_length=1)
    email: OptionalEmail = None
    phone: OptionalPhone = None
    external_id: ExternalId | Literal[""] | None = None


class EventBase(Strict):
    id: Id = Field(description="Your id for this event: a repeated id is acknowledged and ignored.")
    account: ExternalId = Field(
        description="The account's id in your product (its external id): no `/`."
    )


class AccountSignedUp(EventBase):
    type: Literal["account.signed_up"]
    name: Text = Field(min_length=1)
    plan: PlanName = "free"
    mrr: Money = Decimal(0)
    signed_up_at: Moment | None = None
    contact: ContactIn | None = None


class LoginRecorded(EventBase):
    type: Literal["login"]
    occurred_at: Moment | None = None


class FeatureUsed(EventBase):
    type: Literal["feature.used"]
    feature: Id
    minutes: Minutes
    started_at: Moment | None = None


class PaymentRecorded(EventBase):
    type: Literal["payment.succeeded", "payment.failed"]
    payment_id: Id = Field(description="The provider's id for this attempt (charge id).")
    invoice_id: Annotated[str, StringConstraints(max_length=100)] = ""
    amount: Money
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{3}$")] = "USD"
    failure_reason: Text = ""
    occurred_at: Moment | None = None


class SubscriptionCancelled(EventBase):
    type: Literal["subscription.cancelled"]


class PlanChanged(EventBase):
    type: Literal["plan.changed"]
    plan: PlanName
    mrr: Money | None = None


class AppointmentBooked(EventBase):
    type: Literal["appointment.booked"]
    appointment_id: Id
    kind: Literal[tuple(AppointmentKind.values)]  # type: ignore[valid-type]
    starts_at: Moment
    duration_minutes: Annotated[int, Field(ge=5, le=480)] = 30
    assignee_email: Email | None = None
    contact_email: Email | None = None


class AppointmentRescheduled(EventBase):
    type: Literal["appointment.rescheduled"]
    appointment_id: Id
    starts_at: Moment


class AppointmentOutcome(EventBase):
    type: Literal["appointment.cancelled", "appointment.attended", "appointment.no_show"]
    appointment_id: Id


class AffiliateJoined(EventBase):
    type: Literal["affiliate.joined"]
    affiliate_id: Text = Field("", description="Your id for its affiliate membership (optional).")
    joined_at: Moment | None = None


Event = Annotated[
    AccountSignedUp
    | LoginRecorded
    | FeatureUsed
    | PaymentRecorded
    | SubscriptionCancelled
    | PlanChanged
    | AppointmentBooked
    | AppointmentRescheduled
    | AppointmentOutcome
    | AffiliateJoined,
    Field(discriminator="type"),
]


class EventBatch(Strict):
    events: list[Event] = Field(max_length=1000)


class ItemResult(BaseModel):
    id: str | None
    status: Literal["accepted", "duplicate", "rejected"]
    error: str = ""


class BatchResult(BaseModel):
    accepted: int
    duplicates: int
    rejected: int
    results: list[ItemResult]


class ContactOut(BaseModel):
    external_id: str
    name: str
    email: str
    phone: str
    is_primary: bool


class ContributionOut(BaseModel):
    factor: str
    label: str
    raw: float | None = Field(description="The value measured; null: no data (neutral points).")
    points: int
    weight: int
    missing: bool
    explanation: str = Field(description="e.g. “Logins: 4 active days of 30 → 8/20”.")


class HealthOut(BaseModel):
    score: int = Field(description="0–100.")
    band: str = Field(description="thriving, healthy, steady or struggling.")
    model: str
    version: int
    computed_at: datetime
    contributions: list[ContributionOut]


class AccountOut(BaseModel):
    external_id: str
    name: str
    plan: str
    mrr: Decimal
    lifecycle: str
    owner: str | None
    billing_customer_id: str
    timezone: str
    health_status: str
    happiness: str
    score: int
    milestone: str
    last_login_at: datetime | None
    signed_up_at: datetime
    tags: list[str]
    stages: dict[str, str]
    contacts: list[ContactOut] = Field(description="Primary contact first.")
    health: HealthOut | None = Field(
        None, description="The computed health score; null before the account's first score."
    )


class AccountIn(Strict):
    """PUT's body. Fields left out keep their value (a new account takes the
    defaults); `null` clears the fields that may be empty."""

    name: Text = Field(None, min_length=1, description="Required to create the account.")
    plan: PlanName = "free"
    mrr: Money = Decimal(0)
    owner_email: Email | None = Field(None, description="A staff member's e-mail; null: no owner.")
    billing_customer_id: Annotated[str, StringConstraints(max_length=100)] | None = Field(
        "", description='The payment provider\'s customer id (cus_…); null or "" unlinks it.'
    )
    timezone: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        "", description='IANA name, e.g. Europe/Berlin; null or "": the team\'s zone.'
    )


class ContactUpsert(Strict):
    """PUT's body for a contact: fields left out keep their value; `null` clears."""

    name: Text = Field(None, min_length=1, description="Required to create the contact.")
    email: OptionalEmail = None
    phone: OptionalPhone = None
    is_primary: bool = False


class Problem(BaseModel):
    detail: str
