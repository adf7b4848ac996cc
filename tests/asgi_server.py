"""A real ASGI server (daphne, through its `runserver`) on the test database, in a
subprocess: for the tests and browser tests that need WebSockets (pytest-django's
live_server is WSGI and has none).

The server runs csm.test_settings against the very database the test process uses, so
what a transactional test (`django_db(transaction=True)`) commits, it sees. Its layer is
in-memory (publishes from the test process arrive through the database relay) unless
`redis_url` is given.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

STARTUP_SECONDS = 60
# daphne's runserver (first in INSTALLED_APPS): the ASGI app, with the static files.
RUNSERVER = [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", "--skip-checks"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test process's database (the test database, once it is set up) as a URL."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class AsgiServer:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/live/"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_asgi_server(*, redis_url: str = "", port: int | None = None) -> AsgiServer:
    """Start daphne (on a free port unless `port`) and return once it answers (or fail
    with its log)."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"Q_REDIS_URL", "DJANGO_DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="csm.test_settings",
        DATABASE_URL=database_url(),
        LIVE_REDIS_URL=redis_url,
        NOTIFY_POLICY="false",
        PYTHONPATH=str(settings.BASE_DIR),
    )
    log = Path(tempfile.mkstemp(prefix="opencsm-asgi-", suffix=".log")[1])
    process = subprocess.Popen(
        [*RUNSERVER, f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = AsgiServer(process=process, port=port, log=log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The ASGI server ended at start:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"The ASGI server did not answer within {STARTUP_SECONDS} s")
