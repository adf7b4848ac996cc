"""The events Segment's calls become, beside the events API's own (api.schemas).

`group` and `identify` have no events-API type of their own (the events API
upserts accounts and contacts with PUT), and unmapped `track`/`page` calls are
custom product events: each gets a schema here and a batch service in
api.segment.batches, registered in api.batches.BATCHES like every type.
"""

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from .. import schemas


class AccountGrouped(schemas.EventBase):
    """`group`: the account (groupId) with the traits OpenCSM keeps; None: left as it is."""

    type: Literal["segment.group"]
    name: schemas.Text | None = None
    plan: schemas.PlanName | None = None
    mrr: schemas.Money | None = None
    signed_up_at: schemas.Moment | None = None


class ContactIdentified(schemas.EventBase):
    """`identify`: the contact (userId) at its account; None: left as it is."""

    type: Literal["segment.identify"]
    contact_id: schemas.ExternalId
    name: schemas.Text | None = None
    email: schemas.OptionalEmail = None
    phone: schemas.OptionalPhone = None


class ProductEventTracked(schemas.EventBase):
    """An unmapped `track` (or a `page`/`screen`): kept by name with its properties."""

    type: Literal["segment.event"]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    properties: dict[str, Any] = Field(default_factory=dict)
    occurred_at: schemas.Moment | None = None
