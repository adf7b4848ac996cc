"""What the SaaS product may send: one schema per event type, validated strictly."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)

from accounts.models import Plan
from activity.models import AppointmentKind

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
PlanName = Literal[tuple(Plan.values)]  # type: ignore[valid-type]


def _plausible(moment: datetime) -> datetime:
    # Year 1 or 9999 in another timezone overflows when turned into UTC; no
    # customer event happens outside these years anyway.
    try:
        year = moment.astimezone(UTC).year
    except OverflowError:
        raise ValueError("Date and time out of range.") from None
    if not 1970 <= year <= 2200:
        raise ValueError("Date and time out of range (1970–2200).")
    return moment


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Strict(BaseModel):
    # Unknown fields are refused (a typo is an error, not silently dropped).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def no_nul_characters(cls, data: Any) -> Any:
        # PostgreSQL cannot store NUL in text: refuse it here, with a reason.
        if _has_nul(data):
            raise ValueError("Text may not contain NUL (\\x00) characters.")
        return data


class ContactIn(Strict):
    name: Text = Field(min_length=1)
    email: EmailStr | Literal[""] = ""
    phone: Annotated[str, StringConstraints(pattern=r"^(\+[0-9]{7,15})?$")] = ""
    external_id: Annotated[str, StringConstraints(max_length=100)] = ""


class EventBase(Strict):
    id: Id = Field(description="Your id for this event: a repeated id is acknowledged and ignored.")
    account: Id = Field(description="The account's id in your product (its external id).")


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
    minutes: Annotated[Decimal, Field(gt=0, le=1440, max_digits=7, decimal_places=2)]
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
    assignee_email: EmailStr | None = None
    contact_email: EmailStr | None = None


class AppointmentRescheduled(EventBase):
    type: Literal["appointment.rescheduled"]
    appointment_id: Id
    starts_at: Moment


class AppointmentOutcome(EventBase):
    type: Literal["appointment.cancelled", "appointment.attended", "appointment.no_show"]
    appointment_id: Id


Event = Annotated[
    AccountSignedUp
    | LoginRecorded
    | FeatureUsed
    | PaymentRecorded
    | SubscriptionCancelled
    | PlanChanged
    | AppointmentBooked
    | AppointmentRescheduled
    | AppointmentOutcome,
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


class AccountOut(BaseModel):
    external_id: str
    name: str
    plan: str
    mrr: Decimal
    lifecycle: str
    owner: str | None
    health_status: str
    happiness: str
    score: int
    milestone: str
    last_login_at: datetime | None
    signed_up_at: datetime
    tags: list[str]
    stages: dict[str, str]


class AccountIn(Strict):
    name: Text = Field(min_length=1)
    plan: PlanName = "free"
    mrr: Money = Decimal(0)
    owner_email: EmailStr | None = None
    billing_customer_id: Annotated[str, StringConstraints(max_length=100)] = ""
    timezone: Annotated[str, StringConstraints(max_length=64)] = ""


class ContactOut(BaseModel):
    external_id: str
    name: str
    email: str
    phone: str
    is_primary: bool


class ContactUpsert(Strict):
    name: Text = Field(min_length=1)
    email: EmailStr | Literal[""] = ""
    phone: Annotated[str, StringConstraints(pattern=r"^(\+[0-9]{7,15})?$")] = ""
    is_primary: bool = False


class Problem(BaseModel):
    detail: str
