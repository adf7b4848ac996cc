"""`manage.py bench`: OpenCSM's speed, measured — ingestion, sweeps, runs, pages.

Run it through `make bench` (a database of its own). Prints a table and
writes JSON under bench/results/. Measurements that change data run inside a
transaction that is rolled back, so the numbers can be taken again.
"""

import json
import platform
import resource
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account
from activity.models import Login
from api.tokens import create_token
from core import clock
from core.bulk import insert_rows
from core.causes import Cause
from core.demo import build_demo_portfolio, ensure_demo_staff
from pipelines.models import Pipeline
from workflows import engine, sweeps
from workflows.models import Run, RunStatus, Step, TriggerEvent, Workflow
from workflows.services import publish

RESULTS = Path(settings.BASE_DIR) / "bench" / "results"
BATCH = 500


class Rollback(Exception):
    """Raised at the end of a measurement to undo what it wrote."""


def measured(fn: Callable[[], object]) -> dict:
    """Run `fn` once: seconds, queries, and the process's peak memory (RSS) after it.

    (tracemalloc would give per-part peaks but slows Python several times over.)
    """
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "queries": len(queries), "peak_mb": peak, "result": result}


def rolled_back(fn: Callable[[], dict]) -> dict:
    outcome = {}
    try:
        with transaction.atomic():
            outcome = fn()
            raise Rollback
    except Rollback:
        pass
    return outcome


class Command(BaseCommand):
    help = "Measure ingestion, sweeps, workflow runs and staff pages; print a table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=100_000)
        parser.add_argument("--small", type=int, default=10_000, help="First sweep size.")
        parser.add_argument("--events", type=int, default=10_000)
        parser.add_argument("--runs", type=int, default=1_000)

    def handle(self, *args, accounts: int, small: int, events: int, runs: int, **options):
        settings.DEBUG = False
        self.rows: list[dict] = []
        staff = ensure_demo_staff(password=settings.DEMO_PASSWORD)
        self._grow_to(min(small, accounts), staff)
        self._sweeps(label=f"{Account.objects.count():,}")
        self._grow_to(accounts, staff)
        if accounts > small:
            self._sweeps(label=f"{Account.objects.count():,}")
        self._ingestion(events)
        self._runs(runs)
        self._pages()
        self._report(accounts)

    # --- parts ------------------------------------------------------------------

    def _grow_to(self, accounts: int, staff) -> None:
        missing = accounts - Account.objects.count()
        if missing <= 0:
            return
        self.stdout.write(f"Seeding {missing:,} accounts …")
        m = measured(lambda: build_demo_portfolio(accounts=missing, staff=staff, seed=7))
        rows = sum(m["result"].values())
        self._row(
            "seed", f"{missing:,} accounts", m, f"{rows:,} rows, {rows / m['seconds']:,.0f}/s"
        )

    def _sweeps(self, label: str) -> None:
        for sweep in sweeps.SWEEPS:
            m = rolled_back(lambda sweep=sweep: measured(sweep.run))
            self._row("sweep", f"{sweep.run.__name__} @ {label}", m, f"{m['result']:,} due")

    def _ingestion(self, count: int) -> None:
        _, key = create_token(name="bench")
        client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Bearer {key}")
        ids = list(Account.objects.values_list("external_id", flat=True)[:count])
        base = clock.now() - timedelta(days=1)
        payloads = [
            {
                "events": [
                    {
                        "id": f"bench-{n}",
                        "type": "login",
                        "account": ids[n % len(ids)],
                        "occurred_at": (base + timedelta(microseconds=n)).isoformat(),
                    }
                    for n in range(start, min(start + BATCH, count))
                ]
            }
            for start in range(0, count, BATCH)
        ]

        def post_all() -> int:
            accepted = 0
            for payload in payloads:
                body = json.dumps(payload)
                response = client.post("/api/v1/events", body, content_type="application/json")
                accepted += response.json()["accepted"]
            return accepted

        m = rolled_back(lambda: measured(post_all))
        api_rate = m["result"] / m["seconds"]
        self._row("ingest", f"POST /events, batches of {BATCH}", m, f"{api_rate:,.0f} events/s")
        accounts = dict(
            Account.objects.filter(external_id__in=ids).values_list("external_id", "pk")
        )
        rows = [
            {
                "account": accounts[event["account"]],
                "occurred_at": base + timedelta(microseconds=n, seconds=1),
                "created_at": clock.now(),
                **Cause.by_api().as_fields(),
            }
            for n, event in enumerate(e for p in payloads for e in p["events"])
        ]
        floor = rolled_back(lambda: measured(lambda: insert_rows(Login, rows)))
        floor_rate = floor["result"] / floor["seconds"]
        self._row(
            "ingest",
            "raw bulk insert (floor)",
            floor,
            f"{floor_rate:,.0f} rows/s; API is {floor_rate / api_rate:.1f}x slower",
        )

    def _runs(self, count: int) -> None:
        def execute() -> int:
            workflow = Workflow.objects.create(key="bench", name="Bench", trigger="plan_changed")
            Step.objects.create(
                workflow=workflow, position=0, action="add_tag", params={"tag": "Bench"}
            )
            version = publish(workflow=workflow)
            now = clock.now()
            account_ids = list(Account.objects.values_list("pk", flat=True)[:count])
            events = TriggerEvent.objects.bulk_create(
                [
                    TriggerEvent(
                        kind="plan_changed",
                        account_id=pk,
                        event_key=f"bench:{pk}",
                        created_at=now,
                        processed_at=now,
                        **Cause.by_system().as_fields(),
                    )
                    for pk in account_ids
                ]
            )
            queued = Run.objects.bulk_create(
                [
                    Run(
                        workflow=workflow,
                        version=version,
                        event=event,
                        account_id=event.account_id,
                        status=RunStatus.QUEUED,
                        due_at=now,
                        created_at=now,
                    )
                    for event in events
                ]
            )
            ids = [run.pk for run in queued]
            m = measured(lambda: sum(engine.execute_run(pk) == RunStatus.SUCCEEDED for pk in ids))
            return m

        m = rolled_back(execute)
        self._row(
            "runs", f"{count:,} runs, one worker", m, f"{m['result'] / m['seconds']:,.0f} runs/s"
        )

    def _pages(self) -> None:
        admin = get_user_model().objects.get(username="admin")
        client = Client(SERVER_NAME="localhost")
        client.force_login(admin)
        account = Account.objects.order_by("-score").first()
        pages = {
            "dashboard": reverse("home"),
            "account list": reverse("accounts:list"),
            "account page": reverse("accounts:detail", args=[account.pk]),
        }
        for pipeline in Pipeline.objects.order_by("position"):
            try:
                pages[f"board {pipeline.key}"] = reverse("boards:board", args=[pipeline.key])
            except Exception:  # the boards page may not exist in this version
                break
        for name, url in pages.items():
            times = []
            for _ in range(15):
                reset_queries()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    status = client.get(url).status_code
                    times.append(time.perf_counter() - started)
            m = {
                "seconds": statistics.median(times),
                "queries": len(queries),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
            self._row("page", f"{name} (p50 of 15)", m, f"HTTP {status}")

    # --- output -------------------------------------------------------------------

    def _row(self, part: str, what: str, m: dict, note: str) -> None:
        row = {
            "part": part,
            "what": what,
            "seconds": round(m["seconds"], 4),
            "queries": m["queries"],
            "peak_mb": round(m["peak_mb"], 1),
            "note": note,
        }
        self.rows.append(row)
        self.stdout.write(
            f"{part:<7} {what:<42} {row['seconds']:>9.3f}s {row['queries']:>7} q "
            f"{row['peak_mb']:>7.1f} MB  {note}"
        )

    def _report(self, accounts: int) -> None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        vendor = connection.vendor
        path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{vendor}-{accounts}.json"
        path.write_text(
            json.dumps(
                {
                    "database": vendor,
                    "accounts": Account.objects.count(),
                    "python": platform.python_version(),
                    "rows": self.rows,
                },
                indent=2,
            )
        )
        self.stdout.write(self.style.SUCCESS(f"Results: {path}"))
