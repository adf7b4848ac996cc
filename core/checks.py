"""System checks for configurations that silently break exactly-once work."""

import math
from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_task_queue(app_configs: Any = None, **kwargs: Any) -> list:
    """django-q2 must re-deliver only tasks that are really lost (DJANGO-Q2.md)."""
    conf = settings.Q_CLUSTER
    problems = []
    if conf.get("sync"):
        return problems
    timeout = conf.get("timeout")
    retry = conf.get("retry")
    if not timeout or not retry:
        return [Error("Q_CLUSTER needs an explicit timeout and retry.", id="core.E001")]
    workers = conf.get("workers", 1)
    waiting = math.ceil((conf.get("queue_limit", workers) + conf.get("bulk", 1)) / workers) + 1
    if retry <= waiting * (timeout + 3):
        problems.append(
            Error(
                f"Q_CLUSTER retry ({retry}s) must exceed {waiting} x (timeout + 3s) = "
                f"{waiting * (timeout + 3)}s, or tasks still queued in a worker are re-delivered.",
                hint="Raise Q_RETRY or lower Q_TIMEOUT.",
                id="core.E002",
            )
        )
    if "orm" in conf and conf["orm"] != "default":
        problems.append(
            Error("The ORM broker must use the default database alias.", id="core.E003")
        )
    if not 1 <= conf.get("max_attempts", 0) <= 5:
        problems.append(
            Warning(
                "Q_CLUSTER max_attempts should be between 1 and 5: 0 re-delivers for ever.",
                id="core.W001",
            )
        )
    if conf.get("catch_up", True):
        problems.append(
            Warning("Q_CLUSTER catch_up replays every missed schedule slot.", id="core.W002")
        )
    return problems
