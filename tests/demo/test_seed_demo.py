"""`manage.py seed_demo`: a consistent, believable portfolio.

The invariants are the ones a user clicking through the demo notices: a tag,
a card, a field and the history behind them tell the same story, and the
reports count what the dashboard counts.
"""

import itertools
from collections import defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse

from accounts.models import (
    Account,
    AccountEvent,
    AccountEventKind,
    AccountTag,
    Contact,
    HappinessChange,
    HealthStatusChange,
    Lifecycle,
    Tag,
    TagAction,
    TagEvent,
)
from accounts.selectors import portfolio_summary
from activity.models import (
    Appointment,
    AppointmentStatus,
    FeatureSession,
    Feedback,
    Login,
    Payment,
    PaymentStatus,
    Task,
)
from core import clock
from insights.report_scope import scope_from
from insights.reports import failures_and_churn_by_month
from pipelines.models import Card, Pipeline, StageMove
from scoring.models import MilestoneAchievement, MilestoneLevel
from scoring.selectors import scoring_rules

pytestmark = pytest.mark.django_db


def seed(accounts: int, *extra: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--accounts", str(accounts), *extra, stdout=out)
    return out.getvalue()


def test_demo_staff_can_log_in_with_the_demo_password(client, settings):
    seed(0)
    for username in ["admin", "manager", "csm", "affiliate"]:
        assert client.login(username=username, password=settings.DEMO_PASSWORD), username
    assert get_user_model().objects.get(username="manager").groups.filter(name="Manager").exists()


def test_every_demo_score_is_its_ledger_sum():
    seed(300)
    accounts = Account.objects.annotate(ledger=Sum("score_entries__points", default=0))
    assert accounts.count() == 300
    assert not [a.pk for a in accounts if a.ledger != a.score]
    assert Account.objects.filter(score__gt=0).exists()


def test_every_demo_account_has_one_primary_contact_and_a_billing_card():
    seed(200)
    primaries = Account.objects.annotate(n=Count("contacts", filter=Q(contacts__is_primary=True)))
    assert set(primaries.values_list("n", flat=True)) == {1}
    billing = Pipeline.objects.get(key="subscription")
    assert Card.objects.filter(pipeline=billing).count() == 200


def test_demo_milestones_match_the_scores_that_reached_them():
    seed(300)
    for level in MilestoneLevel.objects.all():
        reached = MilestoneAchievement.objects.filter(milestone=level.milestone)
        assert not reached.filter(score__lt=level.threshold).exists()
        below = Account.objects.filter(
            score__lt=level.threshold, milestones__milestone=level.milestone
        )
        assert not below.exists(), "demo scores only grow, so no milestone is above the score"


def test_demo_tags_mirror_health_status():
    seed(200)
    struggling = Tag.objects.get(name="Struggling")
    tagged = set(struggling.accounts.values_list("pk", flat=True))
    assert tagged == set(
        Account.objects.filter(health_status="struggling").values_list("pk", flat=True)
    )


def test_seeding_twice_adds_new_accounts_without_clashing():
    seed(50)
    seed(50)
    assert Account.objects.count() == 100
    assert Contact.objects.filter(is_primary=True).count() == 100


def test_if_empty_leaves_a_used_database_alone():
    seed(20)
    output = seed(20, "--if-empty")
    assert "no demo data added" in output
    assert Account.objects.count() == 20


# --- the story each account tells ------------------------------------------------


def tags_by_account() -> dict[int, set[str]]:
    tags = defaultdict(set)
    for account_id, name in AccountTag.objects.values_list("account_id", "tag__name"):
        tags[account_id].add(name)
    return tags


def cards_by_account() -> dict[int, dict[str, tuple[str, object]]]:
    cards = defaultdict(dict)
    rows = Card.objects.values_list(
        "account_id", "pipeline__key", "stage__name", "entered_stage_at"
    )
    for account_id, pipeline, stage, entered in rows:
        cards[account_id][pipeline] = (stage, entered)
    return cards


def payments_by_account() -> dict[int, list[Payment]]:
    payments = defaultdict(list)
    for payment in Payment.objects.order_by("occurred_at"):
        payments[payment.account_id].append(payment)
    return payments


def test_the_churn_report_counts_the_churned_accounts_the_dashboard_shows():
    seed(200)
    churned = portfolio_summary()["churned"]
    assert churned > 0
    report = failures_and_churn_by_month(scope_from({}, clock.now())[0])
    assert sum(row[2] for row in report.rows) == churned
    cancelled = AccountEvent.objects.filter(kind=AccountEventKind.CANCELLED)
    assert set(cancelled.values_list("account_id", flat=True)) == set(
        Account.objects.filter(lifecycle=Lifecycle.CHURNED).values_list("pk", flat=True)
    )
    assert not Account.objects.filter(lifecycle=Lifecycle.CHURNED, mrr__gt=0).exists()


def test_each_book_s_churn_in_the_report_is_the_churned_count_on_my_day(client):
    """What a CSM sees on My day, the report scoped to their book says, and its list names."""
    seed(200)
    users = get_user_model().objects
    for username in ["csm", "csm2", "csm3", "manager"]:
        owner = users.get(username=username)
        client.force_login(owner)
        my_day = client.get(reverse("home"))
        [card] = [c for c in my_day.context["cards"] if c["key"] == "churned"]
        client.force_login(users.get(username="manager"))
        page = client.get(reverse("reports:index"), {"owner": owner.pk})
        [item] = [i for i in page.context["reports"] if i["report"].key == "payment-failures-churn"]
        churned = sum(row[2] for row in item["table"].rows)
        assert f"{churned:,}" == card["value"], username
        rows = [link[2] for link in item["table"].links if link[2]]
        listed = [client.get(url).context["page"].paginator.count for url in rows]
        assert sum(listed) == churned, username
    team = client.get(reverse("home"), {"scope": "team"})
    [card] = [c for c in team.context["cards"] if c["key"] == "churned"]
    all_books = client.get(reverse("reports:index")).context["reports"][3]["table"]
    assert f"{sum(row[2] for row in all_books.rows):,}" == card["value"]
    assert card["value"] != "0"


def test_no_account_sits_in_subscription_failed_while_it_pays():
    seed(200)
    now = clock.now()
    for card in Card.objects.filter(stage__name="Subscription Failed").select_related("account"):
        paid_since = Payment.objects.filter(
            account=card.account,
            status=PaymentStatus.SUCCEEDED,
            occurred_at__gt=card.entered_stage_at,
        )
        assert not paid_since.exists(), card.account
        assert now - card.entered_stage_at < timedelta(days=35), card.account


def test_a_churned_account_is_no_longer_active_saas_and_sits_in_churned():
    seed(200)
    tags, cards = tags_by_account(), cards_by_account()
    for account in Account.objects.all():
        billing = cards[account.pk]["subscription"][0]
        if account.lifecycle == Lifecycle.CHURNED:
            assert "Active SaaS" not in tags[account.pk], account
            assert billing == "Churned", account
        else:
            assert "Active SaaS" in tags[account.pk], account
            assert billing != "Churned", account


def test_the_billing_card_and_payment_failed_tag_follow_the_latest_payment():
    seed(200)
    tags, cards, payments = tags_by_account(), cards_by_account(), payments_by_account()
    for account in Account.objects.filter(lifecycle=Lifecycle.ACTIVE):
        stage, entered = cards[account.pk]["subscription"]
        history = payments[account.pk]
        if not history:
            assert stage == "Active", account
            continue
        latest = history[-1]
        failed = latest.status == PaymentStatus.FAILED
        assert stage == ("Subscription Failed" if failed else "Active Subscription"), account
        assert ("Payment Failed" in tags[account.pk]) == failed, account
        # In the stage since the payment that put it there, not since the sign-up.
        assert entered >= history[0].occurred_at, account
        if failed:
            first_failure = max(
                p.occurred_at
                for i, p in enumerate(history)
                if p.status == PaymentStatus.FAILED
                and all(q.status == PaymentStatus.FAILED for q in history[i:])
            )
            assert entered <= first_failure, account
            assert clock.now() - latest.occurred_at < timedelta(days=35), account


def test_payments_run_monthly_from_sign_up_to_now_or_the_cancellation():
    seed(200)
    payments = payments_by_account()
    cancelled = dict(
        AccountEvent.objects.filter(kind=AccountEventKind.CANCELLED).values_list(
            "account_id", "created_at"
        )
    )
    now = clock.now()
    for account in Account.objects.exclude(plan="free"):
        history = payments[account.pk]
        assert history, account
        assert history[0].occurred_at >= account.signed_up_at, account
        end = cancelled.get(account.pk, now)
        assert history[-1].occurred_at <= end, account
        succeeded = [p.occurred_at for p in history if p.status == PaymentStatus.SUCCEEDED]
        gaps = [later - earlier for earlier, later in itertools.pairwise(succeeded)]
        assert all(gap <= timedelta(days=40) for gap in gaps), account
        if account.pk not in cancelled:
            assert now - history[-1].occurred_at <= timedelta(days=31), account
            assert {p.amount for p in history} == {account.mrr}, account
    assert not Payment.objects.filter(account__plan="free").exists()


def test_nothing_happens_before_the_sign_up_after_now_or_after_the_cancellation():
    seed(200)
    now = clock.now()
    accounts = {a.pk: a for a in Account.objects.all()}
    cancelled = dict(
        AccountEvent.objects.filter(kind=AccountEventKind.CANCELLED).values_list(
            "account_id", "created_at"
        )
    )
    facts = [
        *Login.objects.values_list("account_id", "occurred_at"),
        *FeatureSession.objects.values_list("account_id", "started_at"),
        *Payment.objects.values_list("account_id", "occurred_at"),
        *Feedback.objects.values_list("account_id", "submitted_at"),
        *Task.objects.values_list("account_id", "created_at"),
        *Task.objects.exclude(resolved_at=None).values_list("account_id", "resolved_at"),
        *Appointment.objects.exclude(status=AppointmentStatus.BOOKED).values_list(
            "account_id", "starts_at"
        ),
        *TagEvent.objects.values_list("account_id", "created_at"),
        *StageMove.objects.values_list("account_id", "created_at"),
        *HealthStatusChange.objects.values_list("account_id", "created_at"),
    ]
    for account_id, when in facts:
        account = accounts[account_id]
        assert account.signed_up_at <= when <= cancelled.get(account_id, now), (account, when)
    booked = Appointment.objects.filter(status=AppointmentStatus.BOOKED)
    assert not booked.filter(starts_at__lte=now).exists()
    assert not booked.filter(account__lifecycle=Lifecycle.CHURNED).exists()


def test_inactive_means_no_login_for_seven_days_on_the_tag_the_card_and_the_record():
    seed(200)
    tags, cards = tags_by_account(), cards_by_account()
    latest = dict(
        Login.objects.values("account_id")
        .annotate(at=Max("occurred_at"))
        .values_list("account_id", "at")
    )
    cutoff = clock.now() - timedelta(days=7)
    for account in Account.objects.filter(lifecycle=Lifecycle.ACTIVE):
        assert account.last_login_at == latest.get(account.pk), account
        inactive = account.last_login_at < cutoff
        assert ("Inactive" in tags[account.pk]) == inactive, account
        login_card = cards[account.pk].get("login_activity", ("", None))[0]
        assert (login_card == "Inactive") == inactive, account
    assert any("Inactive" in names for names in tags.values())


def test_health_happiness_and_milestone_each_have_one_tag_one_card_and_their_history():
    seed(200)
    tags, cards = tags_by_account(), cards_by_account()
    health = dict(
        HealthStatusChange.objects.order_by("created_at").values_list("account_id", "to_status")
    )
    happiness = dict(
        HappinessChange.objects.order_by("created_at").values_list("account_id", "to_level")
    )
    nps = dict(Feedback.objects.order_by("submitted_at").values_list("account_id", "nps"))
    health_tags = {"Thriving", "Healthy", "Steady", "Struggling"}
    happiness_tags = {"Very Happy", "Happy", "Neutral", "Not Happy"}
    milestone_tags = {"Starter User", "Moderate User", "Pro User", "Advanced User"}
    for account in Account.objects.all():
        mine = tags[account.pk]
        assert health.get(account.pk, "") == account.health_status, account
        expected = {account.get_health_status_display()} if account.health_status else set()
        assert mine & health_tags == expected, account
        assert cards[account.pk].get("health", ("",))[0] == "".join(expected), account
        assert happiness.get(account.pk, "") == account.happiness, account
        assert (account.pk in nps) == bool(account.happiness), account
        expected = {account.get_happiness_display()} if account.happiness else set()
        assert mine & happiness_tags == expected, account
        assert cards[account.pk].get("happiness", ("",))[0] == "".join(expected), account
        expected = {f"{account.get_milestone_display()} User"} if account.milestone else set()
        assert mine & milestone_tags == expected, account
        assert cards[account.pk].get("milestone", ("",))[0] == account.get_milestone_display()


def test_a_long_feature_session_earns_its_points_and_the_active_on_tag():
    seed(200)
    tags = tags_by_account()
    minutes = scoring_rules().feature_session_minutes
    long_sessions = FeatureSession.objects.filter(minutes__gte=minutes).select_related("feature")
    assert long_sessions.exists()
    engaged = defaultdict(set)
    for session in long_sessions:
        engaged[session.account_id].add(f"Active on {session.feature.name}")
    for account_id in Account.objects.values_list("pk", flat=True):
        active_on = {name for name in tags[account_id] if name.startswith("Active on ")}
        assert active_on == engaged[account_id], account_id


def test_every_tag_and_card_is_explained_by_its_latest_history_row():
    seed(200)
    last_tag_event = {}
    for account_id, tag_id, action, at in TagEvent.objects.order_by("created_at", "id").values_list(
        "account_id", "tag_id", "action", "created_at"
    ):
        last_tag_event[account_id, tag_id] = (action, at)
    current = {
        (a, t): at
        for a, t, at in AccountTag.objects.values_list("account_id", "tag_id", "added_at")
    }
    for key, (action, at) in last_tag_event.items():
        if key in current:
            assert action == TagAction.ADDED, key
            assert at == current[key], key
        else:
            assert action == TagAction.REMOVED, key
    assert set(current) <= set(last_tag_event)

    moves = defaultdict(list)
    for move in StageMove.objects.order_by("created_at", "id"):
        moves[move.account_id, move.pipeline_id].append(move)
    for card in Card.objects.all():
        history = moves[card.account_id, card.pipeline_id]
        assert history[-1].to_stage_id == card.stage_id, card
        assert history[-1].created_at == card.entered_stage_at, card
        assert history[0].from_stage_id is None, card
        for earlier, later in itertools.pairwise(history):
            assert later.from_stage_id == earlier.to_stage_id != later.to_stage_id, card
    assert len(moves) == Card.objects.count()


def test_tasks_are_resolved_in_the_past_and_open_ones_belong_to_active_accounts():
    seed(200)
    now = clock.now()
    assert not Task.objects.filter(resolved_at__gt=now).exists()
    assert not Task.objects.filter(status="open", account__lifecycle=Lifecycle.CHURNED).exists()
