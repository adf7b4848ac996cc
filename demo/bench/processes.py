"""The real processes the worker bench measures: `manage.py worker` and gunicorn.

Each runs in a process group of its own, its output in a log file, and is
always stopped on the way out (SIGTERM to the group, SIGKILL after a grace
period), whatever happened in between: an exception, Ctrl-C, or a SIGTERM to
the bench itself (turned into an exception while processes run).
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

STOP_GRACE = 20.0  # `manage.py worker` stops within 10 s; gunicorn within its graceful timeout


class Process:
    """One command in its own process group, logging to `log`."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: stopping it stops its children
            )

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def terminate(self) -> None:
        """Ask the whole group to stop (SIGTERM)."""
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)

    def finish(self, deadline: float) -> None:
        """Wait for the group's leader until `deadline` (monotonic), then SIGKILL the group."""
        if self.popen is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
        # The group may outlive its leader (a worker process orphaned mid-task).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def database_url() -> str:
    """The bench's own database, as a URL the child processes read (DATABASE_URL)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def child_environment(*, mail_dir: Path, static_root: Path, workers: int) -> dict[str, str]:
    """Production settings (DEBUG off) on the bench's database and broker, mail to a folder."""
    env = {key: value for key, value in os.environ.items() if key != "EMAIL_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "csm.settings",
            "DATABASE_URL": database_url(),
            "SECRET_KEY": settings.SECRET_KEY,  # the workers must read what the web signs
            "DJANGO_DEBUG": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STATIC_ROOT": str(static_root),
            "DEV_MAIL_DIR": str(mail_dir),
            "SMS_BACKEND": "console",
            "Q_WORKERS": str(workers),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def worker(env: dict[str, str], log: Path) -> Process:
    return Process("worker", [sys.executable, "manage.py", "worker"], env, log)


def web(env: dict[str, str], log: Path, port: int, processes: int = 2) -> Process:
    """The Procfile's web line (gunicorn), on 127.0.0.1:`port`."""
    argv = [sys.executable, "-m", "gunicorn", "csm.wsgi", "--workers", str(processes)]
    argv += ["--bind", f"127.0.0.1:{port}", "--graceful-timeout", "10"]
    return Process("web", argv, env, log)


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_for_port(port: int, process: Process, timeout: float = 60.0) -> None:
    """Until something answers on `port`; raises if `process` died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"The {process.name} process exited:\n{process.tail()}")
        if not port_free(port):
            return
        time.sleep(0.2)
    raise RuntimeError(f"Nothing answered on port {port} within {timeout:g} s.")


class Interrupted(Exception):
    """The bench itself got SIGTERM while its processes ran."""


@contextlib.contextmanager
def running(*processes: Process, grace: float = STOP_GRACE) -> Iterator[tuple[Process, ...]]:
    """Start `processes`; stop every one of them on the way out, whatever happens."""

    def on_term(signum, frame):
        raise Interrupted(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, on_term)
    started: list[Process] = []
    try:
        for process in processes:
            process.start()
            started.append(process)
        yield processes
    finally:
        stop(started, grace)
        signal.signal(signal.SIGTERM, previous)


def stop(started: list[Process], grace: float = STOP_GRACE) -> None:
    """Stop them all at once: SIGTERM to each group, SIGKILL to what is left after `grace`."""
    for process in started:
        process.terminate()
    deadline = time.monotonic() + grace
    for process in started:
        process.finish(deadline)
