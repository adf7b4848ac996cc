"""Settings for the test suite: the real settings, plus what makes tests fast
and deterministic. django-q2 runs tasks inline (sync) here; the tests that
prove exactly-once delivery call tasks twice and concurrently on purpose."""

import os
import tempfile
from pathlib import Path

from .settings import *  # noqa: F403
from .settings import DATABASES, Q_CLUSTER

SECRET_KEY = "test-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The console SMS transport writes files: outside the checkout, one folder per test process.
DEV_MAIL_DIR = Path(tempfile.gettempdir()) / f"opencsm-test-mail-{os.getpid()}"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
# Django's `client.login()` authenticates without a request, which django-axes refuses;
# the throttling tests (tests/core/test_login_throttling.py) switch it back on.
AXES_ENABLED = False
# A serialized_rollback test restores the database as migrated, but content types,
# permissions and the role groups are made again by every flush's post_migrate (Django's
# own, and accounts.apps._sync_roles) under new ids and the same unique names: restoring
# them collided on PostgreSQL whenever a plain transactional test had run before. They
# are left to post_migrate and the defaults fixture in tests/conftest.py instead.
TEST_NON_SERIALIZED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared-cache memory: concurrency tests open several
    # connections and need SQLite's real locking and busy timeout.
    # One file per test process, so two suites can run side by side.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}  # noqa: F405
# The chat widget's identity secret (conversations.identity), the same in the ASGI test server.
CHAT_IDENTITY_SECRET = "test-chat-identity-secret-not-for-production-0123456789"
