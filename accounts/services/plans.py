"""An account's plan and MRR, its cancellation (churn) and reactivation, with their history rows."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from core.causes import Cause
from core.handover import record_and_announce

from .. import signals
from ..models import Account, AccountEvent, AccountEventKind, Lifecycle, Plan
from .checks import clean_mrr
from .locks import lock_account


@transaction.atomic
def change_plan(
    *, account: Account, cause: Cause, plan: str | None = None, mrr: Decimal | None = None
) -> bool:
    """Move the account to another plan and/or MRR (None keeps each as it is).

    Returns False if both are unchanged.
    """
    if plan is not None and plan not in Plan.values:
        raise ValidationError(f"Unknown plan {plan!r}.", code="invalid_plan")
    if mrr is not None:
        mrr = clean_mrr(mrr)
    locked = lock_account(account)
    plan = locked.plan if plan is None else plan
    new_mrr = locked.mrr if mrr is None else mrr
    if locked.plan == plan and locked.mrr == new_mrr:
        return False
    Account.objects.filter(pk=locked.pk).update(plan=plan, mrr=new_mrr, updated_at=clock.now())
    event = AccountEvent.objects.create(
        account=locked,
        kind=AccountEventKind.PLAN_CHANGED,
        data={
            "from_plan": locked.plan,
            "to_plan": plan,
            "from_mrr": str(locked.mrr),
            "to_mrr": str(new_mrr),
        },
        created_at=clock.now(),
        **cause.as_fields(),
    )
    if locked.plan != plan:
        record_and_announce(
            signals.plan_changed,
            sender=Account,
            account_id=locked.pk,
            event_id=event.pk,
            from_plan=locked.plan,
            to_plan=plan,
            cause=cause,
        )
    return True


@transaction.atomic
def cancel_subscription(*, account: Account, cause: Cause) -> bool:
    """Mark the account churned (playbook e3's trigger). Returns False if already churned."""
    locked = lock_account(account)
    changed = (
        Account.objects.filter(pk=locked.pk)
        .exclude(lifecycle=Lifecycle.CHURNED)
        .update(lifecycle=Lifecycle.CHURNED, mrr=0, updated_at=clock.now())
    )
    if changed:
        event = AccountEvent.objects.create(
            account=locked,
            kind=AccountEventKind.CANCELLED,
            data={"mrr_lost": str(locked.mrr)},
            created_at=clock.now(),
            **cause.as_fields(),
        )
        record_and_announce(
            signals.subscription_cancelled,
            sender=Account,
            account_id=locked.pk,
            event_id=event.pk,
            cause=cause,
        )
    return bool(changed)


@transaction.atomic
def reactivate_account(*, account: Account, how: str, cause: Cause) -> bool:
    """Bring a churned account back to active (its own trigger, `account_reactivated`).

    `how` says what showed it is a customer again ("payment", "subscription").
    Returns False if the account is not churned. The MRR comes back with the
    plan change or subscription that follows, not from here.
    """
    locked = lock_account(account)
    changed = Account.objects.filter(pk=locked.pk, lifecycle=Lifecycle.CHURNED).update(
        lifecycle=Lifecycle.ACTIVE, updated_at=clock.now()
    )
    if changed:
        event = AccountEvent.objects.create(
            account=locked,
            kind=AccountEventKind.REACTIVATED,
            data={"how": how},
            created_at=clock.now(),
            **cause.as_fields(),
        )
        record_and_announce(
            signals.account_reactivated,
            sender=Account,
            account_id=locked.pk,
            event_id=event.pk,
            how=how,
            cause=cause,
        )
    return bool(changed)
