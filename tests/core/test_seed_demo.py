"""`manage.py seed_demo`: a consistent, believable portfolio."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from accounts.models import Account, Contact, Tag
from pipelines.models import Card, Pipeline, StageMove
from scoring.models import MilestoneAchievement, MilestoneLevel

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
    # Every card has the history row that explains it.
    assert StageMove.objects.count() == Card.objects.count()


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
