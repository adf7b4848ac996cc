"""Demo accounts that each trip one work-queue detector, then one detector run, so the
demo's My day opens on a queue with every kind of signal in it."""

from datetime import timedelta
from decimal import Decimal

from accounts.models import Plan
from accounts.services import sign_up_account, upsert_contact
from activity.models import Feature
from activity.services.features import record_feature_session
from activity.services.feedback import record_feedback
from activity.services.logins import record_login
from activity.services.payments import record_payment
from core import clock
from core.causes import Cause
from health.models import AccountHealth, HealthModel, HealthSnapshot
from workqueue import detectors

DEMO = Cause.by_system("demo data: work queue")


def _account(key: str, name: str, owner, *, days: int, mrr: int = 490):
    account, _ = sign_up_account(
        external_id=f"demo-signal-{key}",
        name=name,
        cause=DEMO,
        plan=Plan.PRO,
        mrr=Decimal(mrr),
        signed_up_at=clock.now() - timedelta(days=days),
        owner=owner,
        announce_as_sign_up=False,
    )
    return account


def _weekly_use(account, feature, usual: int, last_week: int) -> None:
    now = clock.now()
    for week in range(9):
        minutes = last_week if week == 0 else usual
        if minutes:
            record_feature_session(
                account=account, feature=feature, minutes=minutes, cause=DEMO,
                started_at=now - timedelta(days=7 * week + 2, hours=3),
            )  # fmt: skip


def _health_fell(account, days: int = 8) -> None:
    """A computed band that fell from healthy to struggling since `days` ago (the two
    snapshots the health sweep would have written)."""
    version = HealthModel.objects.get(is_default=True).current_version
    fields = dict(version=version, factors={}, computed_at=clock.now())
    today = clock.now().date()
    HealthSnapshot.objects.create(
        account=account, day=today - timedelta(days=days), band="healthy", score=74, **fields
    )
    HealthSnapshot.objects.create(account=account, day=today, band="struggling", score=28, **fields)
    AccountHealth.objects.update_or_create(
        account=account, defaults=dict(band="struggling", score=28, **fields)
    )


def seed_signal_showcase(staff: list) -> dict[str, int]:
    """One account per detector, owned in turn by the demo CSMs; returns the signals raised
    per reason (the detectors run over the whole portfolio, so others may join)."""
    now = clock.now()
    feature = Feature.objects.filter(is_active=True).order_by("pk").first()
    owners = [user for user in staff if not user.is_superuser] or staff
    owner = iter(owners * 9).__next__

    dropping = _account("usage-drop", "Northwind Dropping", owner(), days=200, mrr=2400)
    record_login(account=dropping, cause=DEMO, occurred_at=now - timedelta(days=1))
    _weekly_use(dropping, feature, usual=240, last_week=40)
    spiking = _account("usage-spike", "Contoso Surging", owner(), days=200)
    record_login(account=spiking, cause=DEMO, occurred_at=now - timedelta(hours=5))
    _weekly_use(spiking, feature, usual=90, last_week=300)
    advocate = _account("advocacy", "Fabrikam Fans", owner(), days=300)
    record_login(account=advocate, cause=DEMO, occurred_at=now - timedelta(hours=2))
    _weekly_use(advocate, feature, usual=200, last_week=210)
    record_feedback(account=advocate, nps=10, comment="We love it.", cause=DEMO)
    failing = _account("payment", "Initech Billing Trouble", owner(), days=120)
    for n, days in enumerate([12, 2]):
        record_payment(
            account=failing, external_id=f"demo-signal-fail-{n}", amount=Decimal(490),
            succeeded=False, failure_reason="card_declined", cause=DEMO,
            occurred_at=now - timedelta(days=days),
        )  # fmt: skip
    unhappy = _account("detractor", "Umbrella Unhappy", owner(), days=150)
    record_feedback(account=unhappy, nps=2, comment="Reports keep timing out.", cause=DEMO)
    champion = _account("champion", "Globex New Champion", owner(), days=180)
    upsert_contact(
        account=champion, name="Sam Old", email="sam@globex.example", is_primary=True, cause=DEMO
    )
    upsert_contact(account=champion, name="Ria New", email="ria@globex.example", cause=DEMO)
    upsert_contact(
        account=champion, name="Ria New", email="ria@globex.example", is_primary=True, cause=DEMO
    )
    _account("onboarding", "Hooli Never Started", owner(), days=16)
    _account("no-touch", "Massive Dynamic (untouched)", owner(), days=120, mrr=8000)
    falling = _account("health", "Soylent Slipping", owner(), days=220)
    record_login(account=falling, cause=DEMO, occurred_at=now - timedelta(days=2))
    _health_fell(falling)
    counts = detectors.run_all()
    counts.pop("woke", None)
    return counts
