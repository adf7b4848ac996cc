"""End to end: a drop on a default board changes what its column stands for, so the board,
the tags and the account list's filters agree; the same drop again changes nothing."""

import json

import pytest
from django.urls import reverse

from accounts.models import Lifecycle
from core.causes import Cause
from pipelines.models import Card, Pipeline, Stage, StageMove
from pipelines.services import move_card
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _stage(key: str, name: str) -> Stage:
    return Stage.objects.get(pipeline__key=key, name=name)


def _drop(client, key: str, account, name: str):
    return client.post(
        reverse("boards:move", args=[key]),
        {"account": account.pk, "stage": _stage(key, name).pk},
    )


def _listed(client, **filters) -> list[str]:
    return [a.name for a in client.get(reverse("accounts:list"), filters).context["page"]]


def _tags(account) -> set[str]:
    return set(account.tags.values_list("name", flat=True))


def _history(account) -> tuple[int, int]:
    return StageMove.objects.filter(account=account).count(), account.account_tags.count()


def test_dragging_to_inactive_tags_the_account_and_the_filter_lists_it(
    client, csm, django_capture_on_commit_callbacks
):
    account = AccountFactory(name="Quiet Co", owner=csm)
    AccountFactory(name="Busy Co", owner=csm)
    login = Pipeline.objects.get(key="login_activity")
    move_card(
        account=account,
        pipeline=login,
        stage=_stage("login_activity", "Active"),
        cause=Cause.by_system("setup"),
    )
    client.force_login(csm)

    with django_capture_on_commit_callbacks(execute=True):
        assert _drop(client, "login_activity", account, "Inactive").status_code == 200

    assert Card.objects.get(account=account, pipeline=login).stage.name == "Inactive"
    assert "Inactive" in _tags(account)
    assert _listed(client, inactive="true") == ["Quiet Co"]
    assert _listed(client, inactive="false") == ["Busy Co"]
    before = _history(account)

    with django_capture_on_commit_callbacks(execute=True):
        again = _drop(client, "login_activity", account, "Inactive")
    assert json.loads(again.content)["moved"] is False
    assert _history(account) == before

    with django_capture_on_commit_callbacks(execute=True):
        _drop(client, "login_activity", account, "Active")
    assert "Inactive" not in _tags(account)
    assert _listed(client, inactive="true") == []


def test_dragging_to_subscription_failed_tags_payment_failed_and_back(client, csm):
    account = AccountFactory(name="Late Payer", owner=csm)
    client.force_login(csm)

    _drop(client, "subscription", account, "Subscription Failed")
    assert "Payment Failed" in _tags(account)
    assert _listed(client, payment_failed="true") == ["Late Payer"]

    _drop(client, "subscription", account, "Active Subscription")
    assert _tags(account) == {"Active SaaS"}
    assert _listed(client, payment_failed="true") == []


def test_dragging_to_churned_cancels_and_drops_active_saas(
    client, csm, django_capture_on_commit_callbacks
):
    account = AccountFactory(name="Leaving Ltd", owner=csm)
    client.force_login(csm)
    _drop(client, "subscription", account, "Active")
    assert "Active SaaS" in _tags(account)

    with django_capture_on_commit_callbacks(execute=True):
        _drop(client, "subscription", account, "Churned")

    account.refresh_from_db()
    assert account.lifecycle == Lifecycle.CHURNED
    assert "Active SaaS" not in _tags(account)
    assert account.events.filter(kind="cancelled").count() == 1
    refused = _drop(client, "subscription", account, "Active Subscription")
    assert refused.status_code == 400
    assert "churned" in json.loads(refused.content)["error"]


@pytest.mark.parametrize(("key", "name"), [("milestone", "Pro"), ("happiness", "Happy")])
def test_boards_that_follow_facts_refuse_a_drop_with_the_reason(client, csm, key, name):
    account = AccountFactory()
    client.force_login(csm)

    response = _drop(client, key, account, name)

    assert response.status_code == 400
    assert json.loads(response.content)["error"]
    assert not Card.objects.filter(account=account, pipeline__key=key).exists()
