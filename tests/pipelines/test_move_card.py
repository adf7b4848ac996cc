"""pipelines.services.move_card and pipelines.selectors.stage_named."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Account
from core.causes import Cause, CauseKind
from pipelines import signals
from pipelines.models import Card, Pipeline, StageMove
from pipelines.selectors import stage_named
from pipelines.services import move_card

pytestmark = pytest.mark.django_db

MONDAY = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def health():
    return Pipeline.objects.get(key="health")


@pytest.fixture
def by_run() -> Cause:
    return Cause.by_workflow_run(17, "playbook b1")


def card_of(account, pipeline):
    return Card.objects.select_related("stage").get(account=account, pipeline=pipeline)


# --- stage_named -------------------------------------------------------------------------


@pytest.mark.parametrize("pipeline", ["health", "Customer Health Status", "customer health status"])
def test_a_stage_is_found_by_pipeline_key_or_name_ignoring_case(pipeline):
    stage = stage_named(pipeline=pipeline, stage="struggling")

    assert (stage.pipeline.key, stage.name) == ("health", "Struggling")


def test_an_unknown_pipeline_is_refused_by_name():
    with pytest.raises(ValidationError) as refusal:
        stage_named(pipeline="Renewals", stage="Active")

    assert refusal.value.code == "unknown_pipeline"
    assert refusal.value.messages == ["There is no pipeline 'Renewals'."]


def test_an_unknown_stage_is_refused_with_the_pipelines_stages():
    with pytest.raises(ValidationError) as refusal:
        stage_named(pipeline="login_activity", stage="Dormant")

    assert refusal.value.code == "unknown_stage"
    assert refusal.value.messages == [
        "Pipeline 'User Login Activity' has no stage 'Dormant'; its stages are Active, Inactive."
    ]


# --- move_card ---------------------------------------------------------------------------


def test_the_first_move_places_the_card_and_records_where_from(account, health, by_run):
    healthy = stage_named(pipeline="health", stage="Healthy")

    with time_machine.travel(MONDAY, tick=False):
        assert move_card(account=account, pipeline=health, stage=healthy, cause=by_run) is True

    card = card_of(account, health)
    assert (card.stage, card.entered_stage_at) == (healthy, MONDAY)
    move = StageMove.objects.get(account=account)
    assert (move.pipeline, move.from_stage, move.to_stage) == (health, None, healthy)
    assert (move.cause_kind, move.cause_run_id, move.cause_reason) == (
        CauseKind.WORKFLOW,
        17,
        "playbook b1",
    )


def test_a_later_move_takes_the_card_to_the_new_stage(account, health, by_run, by_manager):
    healthy = stage_named(pipeline="health", stage="Healthy")
    struggling = stage_named(pipeline="health", stage="Struggling")
    with time_machine.travel(MONDAY, tick=False):
        move_card(account=account, pipeline=health, stage=healthy, cause=by_run)

    with time_machine.travel(MONDAY + timedelta(days=3), tick=False):
        move_card(account=account, pipeline=health, stage=struggling, cause=by_manager)

    card = card_of(account, health)
    assert (card.stage, card.entered_stage_at) == (struggling, MONDAY + timedelta(days=3))
    latest = StageMove.objects.filter(account=account).first()
    assert (latest.from_stage, latest.to_stage, latest.cause_kind) == (
        healthy,
        struggling,
        CauseKind.USER,
    )
    assert Card.objects.filter(account=account).count() == 1


def test_moving_to_the_stage_the_card_is_in_is_a_no_op(account, health, by_run):
    steady = stage_named(pipeline="health", stage="Steady")
    with time_machine.travel(MONDAY, tick=False):
        move_card(account=account, pipeline=health, stage=steady, cause=by_run)

    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        assert move_card(account=account, pipeline=health, stage=steady, cause=by_run) is False

    assert card_of(account, health).entered_stage_at == MONDAY
    assert StageMove.objects.filter(account=account).count() == 1


def test_an_account_has_one_card_in_each_pipeline(account, health, by_run):
    move_card(
        account=account,
        pipeline=health,
        stage=stage_named(pipeline="health", stage="Thriving"),
        cause=by_run,
    )
    move_card(
        account=account,
        pipeline=Pipeline.objects.get(key="login_activity"),
        stage=stage_named(pipeline="login_activity", stage="Inactive"),
        cause=by_run,
    )

    assert sorted(Card.objects.filter(account=account).values_list("stage__name", flat=True)) == [
        "Inactive",
        "Thriving",
    ]


def test_a_stage_of_another_pipeline_is_refused_and_nothing_moves(account, health, by_run):
    # "Active" exists on two boards; the Subscription one is not a health column.
    active = stage_named(pipeline="subscription", stage="Active")

    with pytest.raises(ValidationError) as refusal:
        move_card(account=account, pipeline=health, stage=active, cause=by_run)

    assert refusal.value.code == "stage_mismatch"
    assert refusal.value.messages == ["Stage 'Active' is not in pipeline 'Customer Health Status'."]
    assert Card.objects.count() == 0
    assert StageMove.objects.count() == 0


def test_moving_the_card_of_a_deleted_account_is_refused(account, health, by_run):
    Account.objects.filter(pk=account.pk).delete()

    with pytest.raises(ValidationError, match=f"Account {account.pk} does not exist"):
        move_card(
            account=account,
            pipeline=health,
            stage=stage_named(pipeline="health", stage="Healthy"),
            cause=by_run,
        )
    assert StageMove.objects.count() == 0


def test_a_move_is_announced_once_after_commit_with_stage_names(
    account, health, by_run, received, django_capture_on_commit_callbacks
):
    healthy = stage_named(pipeline="health", stage="Healthy")
    struggling = stage_named(pipeline="health", stage="Struggling")
    sent = received(signals.card_moved)

    with django_capture_on_commit_callbacks(execute=True):
        move_card(account=account, pipeline=health, stage=healthy, cause=by_run)
        move_card(account=account, pipeline=health, stage=struggling, cause=by_run)
        move_card(account=account, pipeline=health, stage=struggling, cause=by_run)
        assert sent == []

    common = {"sender": Card, "account_id": account.pk, "pipeline_key": "health", "cause": by_run}
    moves = StageMove.objects.filter(account=account, pipeline=health)
    assert sent == [
        {
            **common,
            "move_id": moves.get(to_stage=healthy).pk,
            "from_stage": "",
            "to_stage": "Healthy",
        },
        {
            **common,
            "move_id": moves.get(to_stage=struggling).pk,
            "from_stage": "Healthy",
            "to_stage": "Struggling",
        },
    ]


def test_a_rolled_back_move_is_not_announced(
    account, health, by_run, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.card_moved)

    with django_capture_on_commit_callbacks(execute=True), rolled_back():
        move_card(
            account=account,
            pipeline=health,
            stage=stage_named(pipeline="health", stage="Healthy"),
            cause=by_run,
        )

    assert sent == []
    assert not Card.objects.filter(account=account).exists()
    assert StageMove.objects.count() == 0
