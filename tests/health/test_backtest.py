"""The backtest: on a synthetic history where churners' usage declines before they cancel,
the default model separates them (AUC ≥ 0.8); with the churn labels shuffled, it cannot
(≈ 0.5). And the command prints the table."""

import random
from datetime import timedelta

import pytest
from django.core.management import call_command

from accounts.models import Account, AccountEvent, AccountEventKind, Lifecycle
from activity.models import Login
from health.backtest import roc_auc, run_backtest
from tests.factories import AccountFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db

AS_OF = NOW - timedelta(days=90)


def synthetic_history(n: int = 60, seed: int = 7) -> None:
    """n accounts signed up 200 days ago; a third cancel 10–80 days after AS_OF, their logins
    thinning over the 45 days before AS_OF (some churners stay busy, some loyal ones are quiet:
    noise, so the AUC is not trivially 1)."""
    rng = random.Random(seed)
    logins, events = [], []
    for i in range(n):
        account = AccountFactory(signed_up_at=NOW - timedelta(days=200))
        churner = i % 3 == 0
        declining = (churner and rng.random() < 0.85) or (not churner and rng.random() < 0.1)
        for day in range(1, 120):
            at = AS_OF - timedelta(days=day, hours=rng.random() * 10)
            chance = (0.05 if day < 45 else 0.5) if declining else 0.5
            if rng.random() < chance:
                logins.append(
                    Login(account=account, occurred_at=at, created_at=at, cause_kind="api")
                )
        if churner:
            at = AS_OF + timedelta(days=rng.randint(10, 80))
            events.append(
                AccountEvent(
                    account=account,
                    kind=AccountEventKind.CANCELLED,
                    created_at=at,
                    cause_kind="api",
                )
            )
            Account.objects.filter(pk=account.pk).update(lifecycle=Lifecycle.CHURNED)
    Login.objects.bulk_create(logins)
    AccountEvent.objects.bulk_create(events)


def test_churners_whose_usage_declines_score_lower_auc_at_least_0_8(now, default_model):
    synthetic_history()
    report = run_backtest([AS_OF])
    assert report.samples == 60
    assert report.churned == 20
    assert report.auc >= 0.8, report
    assert report.worst_band_lift > 1.5


def test_shuffled_churn_labels_give_an_auc_near_one_half(now, default_model):
    synthetic_history()
    scores = []
    from health.scoring import score_accounts

    active = list(Account.objects.values_list("pk", "plan"))
    scores = [r.score for r in score_accounts(active, as_of=AS_OF)]
    rng = random.Random(3)
    aucs = []
    for _ in range(20):
        labels = [True] * 20 + [False] * 40
        rng.shuffle(labels)
        aucs.append(roc_auc(scores, labels))
    mean = sum(aucs) / len(aucs)
    assert 0.4 <= mean <= 0.6, aucs


def test_roc_auc_counts_ties_as_half():
    assert roc_auc([10, 20, 30], [True, False, False]) == 1.0
    assert roc_auc([30, 20, 10], [True, False, False]) == 0.0
    assert roc_auc([10, 10], [True, False]) == 0.5
    assert roc_auc([10, 20], [False, False]) is None


def test_an_account_is_only_scored_while_it_was_active(now, default_model):
    AccountFactory(signed_up_at=AS_OF + timedelta(days=1))  # not yet signed up
    gone = AccountFactory(signed_up_at=NOW - timedelta(days=300))
    AccountEvent.objects.create(
        account=gone,
        kind=AccountEventKind.CANCELLED,
        created_at=AS_OF - timedelta(days=1),
        cause_kind="api",
    )
    AccountFactory(signed_up_at=NOW - timedelta(days=300))
    assert run_backtest([AS_OF]).samples == 1


def test_the_command_prints_the_table_and_keeps_the_report(now, default_model, capsys):
    synthetic_history(n=15)
    call_command("backtest_health", "--points", "2")
    out = capsys.readouterr().out
    assert "ROC AUC" in out
    assert "Struggling" in out
    from health.models import HealthBacktest

    assert HealthBacktest.objects.get().report["samples"] >= 15
