"""Why a change happened: the user, workflow run or input that made it.

Every history row (tag added, card moved, points added, health changed …)
stores its cause, so "why does this customer have that?" always has an
answer. A `Cause` travels from the caller into the service, which writes it
onto the row through `CausedModel`'s fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class CauseKind(models.TextChoices):
    USER = "user", "Staff user"  # someone clicked in the app or the admin
    WORKFLOW = "workflow", "Workflow run"  # an automation step
    API = "api", "API / webhook"  # the SaaS product or the payment provider told us
    IMPORT = "import", "CSV import"  # a staff member's file import
    CUSTOMER = "customer", "Customer form"  # a contact submitted a public form
    SYSTEM = "system", "System"  # install defaults, demo data, maintenance


@dataclass(frozen=True)
class Cause:
    """Who or what made a change, with a short human reason."""

    kind: CauseKind
    user: AbstractBaseUser | None = None
    run_id: int | None = None
    reason: str = ""
    # For a run: how many runs led to it (its trigger event's depth), when the
    # caller knows it, so the engine's loop guard need not look it up.
    run_depth: int | None = None
    # The priority lane (core.lanes) of the work this cause makes, when it is not
    # the one its kind implies: a run passes its own on to its steps' changes.
    lane: str = ""

    @classmethod
    def by_user(cls, user: AbstractBaseUser, reason: str = "") -> Cause:
        return cls(CauseKind.USER, user=user, reason=reason)

    @classmethod
    def by_workflow_run(
        cls, run_id: int, reason: str = "", depth: int | None = None, lane: str = ""
    ) -> Cause:
        return cls(CauseKind.WORKFLOW, run_id=run_id, reason=reason, run_depth=depth, lane=lane)

    @classmethod
    def by_api(cls, reason: str = "") -> Cause:
        return cls(CauseKind.API, reason=reason)

    @classmethod
    def by_import(cls, user: AbstractBaseUser | None = None, reason: str = "") -> Cause:
        return cls(CauseKind.IMPORT, user=user, reason=reason)

    @classmethod
    def by_customer(cls, reason: str = "") -> Cause:
        return cls(CauseKind.CUSTOMER, reason=reason)

    @classmethod
    def by_system(cls, reason: str = "") -> Cause:
        return cls(CauseKind.SYSTEM, reason=reason)

    def as_fields(self) -> dict[str, Any]:
        """The `CausedModel` field values for this cause."""
        return {
            "cause_kind": self.kind,
            "cause_user": self.user,
            "cause_run_id": self.run_id,
            "cause_reason": self.reason[:255],
        }


class CausedModel(models.Model):
    """A history row: when it happened and what caused it."""

    created_at = models.DateTimeField(db_index=True)
    cause_kind = models.CharField(max_length=16, choices=CauseKind.choices)
    cause_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff user who made the change, if a person did.",
    )
    # The workflows app's run id; a plain column so the history apps do not
    # depend on the engine (the run is looked up by id when explaining).
    cause_run_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    cause_reason = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def cause_display(self) -> str:
        """A one-line explanation, e.g. 'Staff user ana: manual review'."""
        who = self.get_cause_kind_display()
        if self.cause_user_id:
            who = f"{who} {self.cause_user}"
        elif self.cause_run_id:
            who = f"{who} #{self.cause_run_id}"
        return f"{who}: {self.cause_reason}" if self.cause_reason else who
