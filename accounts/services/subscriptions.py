"""An account's subscriptions at its billing provider, and what they decide for the account.

A provider reports one subscription at a time (Stripe: `customer.subscription.*`).
Each report updates that subscription's row; the account's lifecycle, MRR, plan
and renewal date are then derived from all of its rows, so a second, cancelled
subscription does not churn an account that keeps another, and a customer who
subscribes again is reactivated, visibly.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import clock
from core.causes import Cause
from core.inputs import currency_code, text_for_field

from ..models import (
    ENDED_SUBSCRIPTION_STATUSES,
    LIVE_SUBSCRIPTION_STATUSES,
    MRR_SUBSCRIPTION_STATUSES,
    Account,
    AccountEvent,
    AccountEventKind,
    Lifecycle,
    Plan,
    Subscription,
    SubscriptionStatus,
)
from .checks import clean_mrr
from .locks import lock_account
from .plans import cancel_subscription, change_plan, reactivate_account

_field = Subscription._meta.get_field


@dataclass(frozen=True)
class SubscriptionOutcome:
    """What one report changed: the row, and whether the account churned or came back."""

    subscription: Subscription
    changed: bool
    churned: bool = False
    reactivated: bool = False


@transaction.atomic
def record_subscription(
    *,
    account: Account,
    external_id: str,
    status: str,
    reported_at: datetime,
    cause: Cause,
    plan: str = "",
    mrr: Decimal | None = None,
    currency: str = "USD",
    items: list[dict] | None = None,
    current_period_end: datetime | None = None,
) -> SubscriptionOutcome:
    """Record the provider's latest report of one subscription, then derive the account.

    `plan` is "" when no price maps to a plan (the account keeps its plan);
    `mrr` None when the amount cannot be worked out from the report (the row
    keeps what it had). A report older than the one applied last, or one that
    would revive an ended subscription (ended is final at Stripe), changes
    nothing. The account churns when the last live subscription ends, and is
    reactivated when a subscription becomes live while it is churned.
    """
    external_id, mrr, currency, reported_at, current_period_end = _checked_report(
        external_id, status, plan, mrr, currency, reported_at, current_period_end
    )
    locked = lock_account(account)
    row = Subscription.objects.select_for_update().filter(external_id=external_id).first()
    if row is not None and row.account_id != locked.pk:
        raise ValidationError(
            f"Subscription {external_id!r} belongs to another account.",
            code="subscription_conflict",
        )
    if row is not None and (
        reported_at < row.reported_at
        or (row.status in ENDED_SUBSCRIPTION_STATUSES and status not in ENDED_SUBSCRIPTION_STATUSES)
    ):
        return SubscriptionOutcome(subscription=row, changed=False)

    previous_status = row.status if row is not None else None
    now = clock.now()
    values = {
        "status": status,
        "plan": plan,
        "mrr": mrr if mrr is not None else (row.mrr if row is not None else Decimal(0)),
        "currency": currency,
        "items": items or [],
        "current_period_end": current_period_end,
    }
    if row is None:
        row = Subscription.objects.create(
            account=locked,
            external_id=external_id,
            reported_at=reported_at,
            created_at=now,
            updated_at=now,
            **values,
        )
        changed = True
    else:
        changed = any(getattr(row, name) != value for name, value in values.items())
        for name, value in {**values, "reported_at": reported_at}.items():
            setattr(row, name, value)
        if changed:
            row.updated_at = now
        row.save()
    if changed:
        AccountEvent.objects.create(
            account=locked,
            kind=AccountEventKind.SUBSCRIPTION_CHANGED,
            data={
                "subscription": external_id,
                "from_status": previous_status or "",
                "to_status": status,
                "plan": plan,
                "mrr": str(row.mrr),
                "currency": currency,
            },
            created_at=now,
            **cause.as_fields(),
        )
    churned, reactivated = _derive_account(
        locked, row=row, previous_status=previous_status, cause=cause
    )
    return SubscriptionOutcome(
        subscription=row, changed=changed, churned=churned, reactivated=reactivated
    )


def _checked_report(external_id, status, plan, mrr, currency, reported_at, current_period_end):
    """The report's values as stored, or ValidationError (nothing read or written yet)."""
    external_id = text_for_field(
        external_id, _field("external_id"), "The subscription id", required=True
    )
    if status not in SubscriptionStatus.values:
        raise ValidationError(f"Unknown subscription status {status!r}.", code="invalid_status")
    if plan and plan not in Plan.values:
        raise ValidationError(f"Unknown plan {plan!r}.", code="invalid_plan")
    if mrr is not None:
        mrr = clean_mrr(mrr)
    currency = currency_code(currency)
    reported_at = clock.require_aware(reported_at, "The report's time")
    if current_period_end is not None:
        current_period_end = clock.require_aware(current_period_end, "The period's end")

    return external_id, mrr, currency, reported_at, current_period_end


def _derive_account(
    account: Account, *, row: Subscription, previous_status: str | None, cause: Cause
) -> tuple[bool, bool]:
    """Lifecycle, plan, MRR, currency and renewal date from the account's subscriptions."""
    rows = list(Subscription.objects.filter(account_id=account.pk))
    live = [each for each in rows if each.status in LIVE_SUBSCRIPTION_STATUSES]
    churned = reactivated = False
    became_live = row.status in LIVE_SUBSCRIPTION_STATUSES and (
        previous_status not in LIVE_SUBSCRIPTION_STATUSES
    )
    if row.status in ENDED_SUBSCRIPTION_STATUSES and not live:
        # The MRR lost is recorded by the churn, which also sets it to 0.
        churned = cancel_subscription(account=account, cause=cause)

    paying = [each for each in live if each.status in MRR_SUBSCRIPTION_STATUSES]
    currencies = {each.currency for each in paying}
    currency = currencies.pop() if len(currencies) == 1 else account.currency
    # An account churned by hand stays churned (MRR 0) until a subscription becomes live.
    if live and (account.lifecycle != Lifecycle.CHURNED or became_live):
        # Summed in the account's currency; another currency's amounts cannot be added.
        total = sum((each.mrr for each in paying if each.currency == currency), Decimal(0))
        planned = sorted(
            (each for each in live if each.plan),
            key=lambda each: (each.status in MRR_SUBSCRIPTION_STATUSES, each.mrr, each.updated_at),
        )
        change_plan(
            account=account,
            plan=planned[-1].plan if planned else None,
            mrr=total,
            cause=cause,
        )
    if became_live and account.lifecycle == Lifecycle.CHURNED:
        # After the plan and MRR, so the reactivation's trigger data carries them.
        reactivated = reactivate_account(account=account, how="subscription", cause=cause)
    renewal = _renewal_date(live)
    Account.objects.filter(pk=account.pk).exclude(renewal_date=renewal, currency=currency).update(
        renewal_date=renewal, currency=currency, updated_at=clock.now()
    )
    return churned, reactivated


def _renewal_date(live: list[Subscription]) -> date | None:
    """The soonest end of a live subscription's current period, as a date in the team's zone."""
    ends = [each.current_period_end for each in live if each.current_period_end]
    return timezone.localtime(min(ends)).date() if ends else None
