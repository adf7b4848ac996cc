"""What a fresh `make run` prints is set by the environment: quiet by default, LOG_LEVEL for more.

Settings are read once per process, so each case starts a Python process of its
own with the environment a developer (or a deployment) would have.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, logging, django
django.setup()
from django.conf import settings
print(json.dumps({
    "email_backend": settings.EMAIL_BACKEND,
    "email_host": settings.EMAIL_HOST,
    "root_level": logging.getLevelName(logging.getLogger().getEffectiveLevel()),
    "django_q_level": logging.getLevelName(logging.getLogger("django-q").getEffectiveLevel()),
    "mail_dir": str(settings.DEV_MAIL_DIR),
}))
logging.getLogger("django.utils.autoreload").info("Watching for file changes")
logging.getLogger("django-q").info("Enqueued [opencsm] 1")
logging.getLogger("notifications.delivery").info("Delivered message 1")
logging.getLogger("workflows.engine").warning("Run 1 step 2 failed")
"""


def settings_with(**environment: str) -> dict:
    """The settings a process started with this environment (and the checkout's .env) reads."""
    env = {k: v for k, v in os.environ.items() if k not in {"EMAIL_URL", "LOG_LEVEL"}}
    env.update(DJANGO_SETTINGS_MODULE="csm.settings", DJANGO_DEBUG="true", SECRET_KEY="probe")
    env.update(environment)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "printed": done.stderr}


def test_by_default_mail_goes_to_the_folder_and_only_warnings_are_printed():
    found = settings_with()

    assert found["email_backend"] == "notifications.transports.folder_email.EmailBackend"
    assert found["mail_dir"] == str(ROOT / "var" / "mail")
    assert found["root_level"] == "WARNING"
    assert found["django_q_level"] == "WARNING"
    assert found["printed"].splitlines() == [
        "Watching for file changes",  # Django's own runserver line, once
        "WARNING workflows.engine: Run 1 step 2 failed",
    ]


def test_an_email_url_and_log_level_from_the_environment_are_used_unchanged():
    found = settings_with(EMAIL_URL="smtp+tls://u:p@smtp.example.com:587", LOG_LEVEL="INFO")

    assert found["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert found["email_host"] == "smtp.example.com"
    assert found["root_level"] == "INFO"
    assert found["django_q_level"] == "INFO"
    assert "Enqueued [opencsm] 1" in found["printed"]
    assert "Delivered message 1" in found["printed"]
