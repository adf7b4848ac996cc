"""With DEBUG off and no `collectstatic`, the web server refuses to start and says why.

(Before, it started and every page was a 500: the manifest storage had no entry for any
file.) These run the real settings in a fresh process, as gunicorn and `manage.py` do.
"""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

# The Procfile's web line serves csm.asgi (daphne); csm.wsgi stays for WSGI servers.
ENTRY_POINTS = pytest.mark.parametrize("entry_point", ["csm.wsgi", "csm.asgi"])

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "opencsm.example.com",
    "EMAIL_URL": "smtp+tls://cs@smtp.example.com:587",
    "CHAT_IDENTITY_SECRET": secrets.token_urlsafe(48),
    "DJANGO_SETTINGS_MODULE": "csm.settings",
}


def _run(static_root, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION, "STATIC_ROOT": str(static_root)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests' setting, not production's
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@ENTRY_POINTS
def test_the_web_server_refuses_to_start_without_collected_static_files(tmp_path, entry_point):
    started = _run(tmp_path, "-c", f"import {entry_point}")

    assert started.returncode != 0
    assert "run `manage.py collectstatic`" in started.stderr
    assert str(tmp_path / "staticfiles.json") in started.stderr


@ENTRY_POINTS
def test_the_web_server_starts_once_static_files_are_collected(tmp_path, entry_point):
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1"}))

    started = _run(tmp_path, "-c", f"import {entry_point}")

    assert started.returncode == 0, started.stderr


def test_check_deploy_mentions_the_missing_files_without_failing_a_build(tmp_path):
    """CI runs `check --deploy --fail-level WARNING` before any collectstatic (Makefile)."""
    checked = _run(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "core.I001" in checked.stdout + checked.stderr
    assert "collectstatic" in checked.stdout + checked.stderr


def test_check_deploy_warns_when_customer_email_would_only_be_written_to_a_folder(tmp_path):
    """Without EMAIL_URL nothing is sent; a deployment must hear that before going live."""
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1"}))
    env = {**os.environ, **PRODUCTION, "STATIC_ROOT": str(tmp_path), "EMAIL_URL": ""}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert checked.returncode != 0
    assert "notifications.W001" in checked.stderr
    assert "EMAIL_URL is not set" in checked.stderr
