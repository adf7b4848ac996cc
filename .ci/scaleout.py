"""Scale-out check: two django-q2 clusters on a Redis broker share one PostgreSQL database.

Fires sign-ups, payments and logins (and replays them), then wakes extra
drains of the runs and the outbox on both clusters (and legacy per-row
`execute_run` tasks, as a broker holds them from before an upgrade), waits
until the engine is idle, then asserts that every run, every step and every
message happened exactly once, and counts the django-q2 tasks it took.
Run by .ci/run with DATABASE_URL (PostgreSQL) and Q_REDIS_URL set.
"""

import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = 60
TIMEOUT = 240

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csm.settings")
# Exactly-once is checked here, not the caps and quiet hours, which would hold the
# welcome e-mails at night and keep the check from ever seeing the outbox idle.
os.environ.setdefault("NOTIFY_POLICY", "false")
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

MAIL_DIR = Path(settings.EMAIL_FILE_PATH)  # EMAIL_URL=filemail:////tmp/… (absolute)

from django.core.management import call_command  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django_q.models import Failure, Success  # noqa: E402
from django_q.tasks import async_task  # noqa: E402

from accounts.models import TagEvent  # noqa: E402
from accounts.services import sign_up_account, upsert_contact  # noqa: E402
from activity.services.logins import record_login  # noqa: E402
from activity.services.payments import record_payment  # noqa: E402
from core.causes import Cause  # noqa: E402
from notifications.models import Message, MessageStatus  # noqa: E402
from scoring.models import ScoreEntry  # noqa: E402
from workflows.models import Run, RunStatus, StepResult, TriggerEvent  # noqa: E402


def say(text: str) -> None:
    print(f"[scale-out] {text}", flush=True)


def start_workers() -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(f"/tmp/scaleout-worker-{n}.log", "w"),
            start_new_session=True,
        )
        for n in (1, 2)
    ]


def stop(workers: list[subprocess.Popen]) -> None:
    """SIGTERM, then SIGKILL: an idle django-q2 cluster can hang on shutdown (upstream #23)."""
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def fire_events() -> None:
    api = Cause.by_api("scale-out check")
    for n in range(ACCOUNTS):
        for _ in range(2):  # every input twice: the replay must change nothing
            account, _ = sign_up_account(external_id=f"scale-{n}", name=f"Scale {n}", cause=api)
            upsert_contact(
                account=account,
                name=f"Contact {n}",
                email=f"c{n}@scale.example",
                is_primary=True,
                cause=api,
            )
            record_payment(
                account=account, external_id=f"ch-{n}", amount=49, succeeded=True, cause=api
            )
            record_login(account=account, cause=api, occurred_at=account.signed_up_at)


def busy() -> int:
    pending = TriggerEvent.objects.filter(processed_at=None).count()
    unfinished = Run.objects.filter(
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.WAITING]
    ).count()
    unsent = Message.objects.filter(
        status__in=[MessageStatus.QUEUED, MessageStatus.SENDING]
    ).count()
    return pending + unfinished + unsent


def wait_until_idle() -> None:
    deadline = time.monotonic() + TIMEOUT
    while busy():
        if time.monotonic() > deadline:
            raise SystemExit(f"Not idle after {TIMEOUT}s: {busy()} items left.")
        time.sleep(2)


def sent_emails() -> Counter:
    ids = Counter()
    for path in MAIL_DIR.glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                ids[email.message_from_string(chunk.strip())["Message-ID"]] += 1
    return ids


def check() -> list[str]:
    problems = []
    runs = Run.objects.exclude(status=RunStatus.SKIPPED).select_related("version")
    failed = runs.exclude(status=RunStatus.SUCCEEDED)
    if failed.exists():
        errors = list(failed.values_list("last_error", flat=True)[:3])
        problems.append(f"{failed.count()} runs did not succeed: {errors}")
    expected_steps = sum(len(run.version.steps) for run in runs)
    steps = StepResult.objects.filter(run__in=runs).count()
    if steps != expected_steps:
        problems.append(f"{steps} step results for {expected_steps} steps")
    duplicated_tags = (
        TagEvent.objects.filter(action="added")
        .values("account", "tag")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    if duplicated_tags.exists():
        problems.append(f"tags added twice: {list(duplicated_tags[:3])}")
    payments = ScoreEntry.objects.filter(source="payment")
    if payments.count() != ACCOUNTS:
        problems.append(f"{payments.count()} payment score entries for {ACCOUNTS} payments")
    emails = Message.objects.filter(channel="email", status=MessageStatus.SENT)
    delivered = sent_emails()
    twice = [mid for mid, n in delivered.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} e-mails delivered more than once")
    if sum(delivered.values()) != emails.count():
        problems.append(
            f"{sum(delivered.values())} e-mails delivered for {emails.count()} sent rows"
        )
    welcome = emails.filter(template__key="a1-welcome").count()
    if welcome != ACCOUNTS:
        problems.append(f"{welcome} welcome e-mails for {ACCOUNTS} sign-ups")
    return problems


def main() -> int:
    call_command("migrate", verbosity=0)
    Success.objects.all().delete()
    Failure.objects.all().delete()
    MAIL_DIR.mkdir(parents=True, exist_ok=True)
    workers = start_workers()
    try:
        say("two clusters started on the Redis broker; firing events")
        fire_events()
        time.sleep(3)
        # Wake extra drains on both clusters at once, and replay per-row tasks from
        # before the drains (each just drains): nothing may repeat.
        for _ in range(4):
            async_task("workflows.tasks.drain_runs")
            async_task("notifications.tasks.drain_outbox")
        for run_id in Run.objects.filter(~Q(status=RunStatus.SKIPPED)).values_list("pk", flat=True)[
            :10
        ]:
            async_task("workflows.tasks.execute_run", run_id)
        for message_id in Message.objects.values_list("pk", flat=True)[:10]:
            async_task("notifications.tasks.deliver_message", message_id)
        wait_until_idle()
        time.sleep(5)  # let any duplicate deliveries land before counting
        wait_until_idle()
    finally:
        stop(workers)
    runs = Run.objects.exclude(status=RunStatus.SKIPPED).count()
    problems = check()
    tasks = Success.objects.count() + Failure.objects.count()
    say(
        f"{runs} runs, {StepResult.objects.count()} steps, "
        f"{Message.objects.filter(status='sent').count()} messages sent, "
        f"{tasks} django-q2 tasks ({tasks * 1000 // max(runs, 1)} per 1,000 runs)"
    )
    for problem in problems:
        say(f"PROBLEM: {problem}")
    if not problems:
        say("every run, step and message happened exactly once")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
