"""System checks that refuse task-queue settings which break exactly-once work."""

from core.checks import check_task_queue


def test_the_shipped_queue_settings_pass(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    assert check_task_queue() == []


def test_retry_shorter_than_a_queued_task_can_wait_is_an_error(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False, "timeout": 60, "retry": 90}
    assert [problem.id for problem in check_task_queue()] == ["core.E002"]


def test_orm_broker_on_another_database_is_an_error(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False, "orm": "replica"}
    assert "core.E003" in [problem.id for problem in check_task_queue()]


def test_endless_redelivery_and_catch_up_are_warned_about(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False, "max_attempts": 0, "catch_up": True}
    assert {problem.id for problem in check_task_queue()} == {"core.W001", "core.W002"}
