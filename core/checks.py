"""System checks for configurations that silently break exactly-once work, or every page."""

import math
from typing import Any

from django.conf import settings
from django.core.checks import Error, Info, Warning, register
from django.core.exceptions import ImproperlyConfigured


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


def missing_static_manifest() -> str:
    """The path of the collected static files' manifest if the storage needs one and it is
    missing (DEBUG off, no `collectstatic` yet); else "".

    Without it the manifest storage has no entry for any file, and every page is a 500.
    """
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return ""
    storage = staticfiles_storage.manifest_storage
    if storage.exists(staticfiles_storage.manifest_name):
        return ""
    return storage.path(staticfiles_storage.manifest_name)


@register(deploy=True)
def check_static_files_collected(app_configs: Any = None, **kwargs: Any) -> list:
    """Says so when the files are not collected yet; an Info, because a build checks its
    configuration before the release step collects them (Makefile, Procfile)."""
    path = missing_static_manifest()
    if not path:
        return []
    return [
        Info(
            f"The static files are not collected yet ({path} is missing).",
            hint="Run `manage.py collectstatic` before starting the web server (the "
            "Procfile's release step does); it refuses to start without them.",
            id="core.I001",
        )
    ]


def require_collected_static() -> None:
    """Refuse to start the web server (csm.wsgi) when every page would fail for want of
    the collected static files, with the one command that fixes it."""
    path = missing_static_manifest()
    if path:
        raise ImproperlyConfigured(
            f"The static files are not collected ({path} is missing), so every page would "
            "fail: run `manage.py collectstatic` first (or set DJANGO_DEBUG=true locally)."
        )
