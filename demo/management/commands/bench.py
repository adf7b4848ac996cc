"""`manage.py bench`: OpenCSM's speed, measured — ingestion, sweeps, runs, pages, workers.

Run it through `make bench` (a database of its own). Prints a table and
writes JSON under bench/results/. The in-process parts call the code in this
process; measurements that change data run inside a transaction that is
rolled back, so the numbers can be taken again. The worker part
(demo/bench/workers.py) measures what users wait on: real worker and web
processes draining a backlog, cleaned up after.
"""

import base64
import json
import logging
import statistics
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import Account
from activity.models import Feature
from api.tokens import create_token
from core import clock
from core.causes import Cause
from demo.bench import segments
from demo.bench.branching import execute_decision_runs
from demo.bench.dates import date_workflows
from demo.bench.health import measure_health
from demo.bench.impact import measure_impact
from demo.bench.ingestion import api_event, insert_same_rows, segment_message
from demo.bench.measure import measured, rolled_back, run_on_commit_callbacks
from demo.bench.process_parts import measure_live, measure_webhooks, measure_workers
from demo.bench.simulation import measure_simulation
from demo.bench.table import Table
from demo.portfolio import build_demo_portfolio, ensure_demo_staff
from pipelines.models import Pipeline
from workflows import engine, sweeps
from workflows.models import Run, RunStatus, Step, TriggerEvent, Workflow
from workflows.services import publish

BATCH = 500
# The targets (issue #8), for a 2-core machine on PostgreSQL; "MISS" marks a part short of its own.
INGEST_EVENTS_PER_SECOND = 3_000
INGEST_FLOOR_RATIO = 5
SWEEP_SECONDS = 3
SIGNALS_SECONDS = 5  # the usage detector over every account (issue 21)
PAGE_SECONDS = 0.100
PAGE_QUERIES = 25
RUNS_PER_SECOND = 200
# Issue #18: a three-step workflow with a decision, one worker.
DECISION_RUNS_PER_SECOND = 150
# Segments (issue #18), PostgreSQL: a count over 100k accounts, enrolling 10k accounts.
SEGMENT_COUNT_SECONDS = 0.300
ENROLL_10K_SECONDS = 30
# Issue #19: the impact preview over 100k accounts' events, PostgreSQL.
IMPACT_SECONDS = 5
SIMULATION_SECONDS = 2  # a 30-day simulation of the full catalogue for one account
# The parts through real processes, in the order they run (demo/bench/process_parts.py).
PROCESS_PARTS = {"workers": measure_workers, "webhooks": measure_webhooks, "live": measure_live}


class Command(BaseCommand):
    help = "Measure ingestion, sweeps, workflow runs and staff pages; print a table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=100_000)
        parser.add_argument("--small", type=int, default=10_000, help="First sweep size.")
        parser.add_argument("--events", type=int, default=10_000)
        parser.add_argument("--runs", type=int, default=1_000)
        parser.add_argument(
            "--only",
            default="sweeps,ingest,runs,decisions,pages,segments,signals,health,impact,simulate,"
            "workers,webhooks,live",
            help="Comma-separated parts to measure (after seeding): sweeps, ingest, runs, "
            "decisions, pages, segments, signals, health, impact, simulate (in-process), workers "
            "(real worker and web processes), webhooks (outbound deliveries through real workers) "
            "and live (WebSocket round trips through daphne).",
        )
        parser.add_argument("--skip-workers", action="store_true", help="In-process parts only.")
        parser.add_argument(
            "--backlog", type=int, default=100_000, help="Worker part: bulk runs, and messages."
        )
        parser.add_argument(
            "--interactive", type=int, default=20, help="Worker part: events of each kind."
        )
        parser.add_argument(
            "--window", type=float, default=30, help="Worker part: throughput seconds."
        )
        parser.add_argument(
            "--timeout", type=float, default=60, help="Worker part: longest wait for an event."
        )
        parser.add_argument("--port", type=int, default=8102, help="Worker part: web port.")
        parser.add_argument(
            "--live-connections", type=int, default=200, help="Live part: open WebSockets."
        )
        parser.add_argument(
            "--live-messages", type=int, default=1000, help="Live part: messages published."
        )
        parser.add_argument(
            "--live-rate", type=float, default=100, help="Live part: messages a second."
        )

    def handle(
        self, *args, accounts: int, small: int, events: int, runs: int, only: str, **options
    ):
        settings.DEBUG = False
        # django-q2 logs every task it enqueues: thousands of lines amid the table.
        logging.getLogger("django-q").setLevel(logging.WARNING)
        parts = set(only.split(","))
        if options["skip_workers"]:
            parts -= {"workers", "webhooks", "live"}
        self.table = Table(self.stdout.write)
        self._row = self.table.row
        figures = {}
        in_process = sorted(parts - {"workers", "webhooks", "live"})
        self.stdout.write(f"In-process parts ({', '.join(in_process)}):")
        staff = ensure_demo_staff(password=settings.DEMO_PASSWORD)
        self._grow_to(min(small, accounts), staff)
        if "sweeps" in parts:
            self._sweeps(label=f"{Account.objects.count():,}", judged=accounts <= small)
        self._grow_to(accounts, staff)
        if "sweeps" in parts and accounts > small:
            self._sweeps(label=f"{Account.objects.count():,}", judged=True)
        if "ingest" in parts:
            self._vacuum()
            self._ingestion(events)
        if "runs" in parts:
            self._vacuum()
            self._runs(runs)
        if "decisions" in parts:
            self._vacuum()
            self._decisions(runs)
        if "pages" in parts:
            self._pages()
        if "segments" in parts:
            self._segments(staff)
        if "signals" in parts:
            self._signals()
        if "health" in parts:
            measure_health(self._row)
        if "impact" in parts:
            self._impact()
        if "simulate" in parts:
            self._simulation()
        for part, measure in PROCESS_PARTS.items():
            if part in parts:
                figures[part] = measure(self.table, options, self.stdout.write)
        path = self.table.write_results(accounts, figures)
        self.stdout.write(self.style.SUCCESS(f"Results: {path}"))

    # --- parts ------------------------------------------------------------------

    def _signals(self) -> None:
        """The work-queue detectors over every account, on nine weeks of use (rolled back)."""
        from demo.bench import signals

        def measure() -> list:
            seeded = measured(signals.seed_weekly_use)
            runs = [(label, measured(run)) for label, run in signals.parts()]
            return [seeded, signals.my_day_with_open_signals(), *runs]

        seeded, page, *runs = rolled_back(measure)
        label = f"{Account.objects.count():,}"
        self._row("signals", f"seed 9 weeks of use @ {label}", seeded, f"{seeded['result']:,} rows")
        for name, m in runs:
            met = m["seconds"] <= SIGNALS_SECONDS if "usage" in name else None
            self._row("signals", f"{name} @ {label}", m, f"{m['result']:,} signals", met=met)
        # Judged only with the 200 open signals (a small bench may raise fewer).
        met = page["seconds"] <= PAGE_SECONDS and page["queries"] <= PAGE_QUERIES
        full = page["signals"] == signals.QUEUE_SIGNALS
        what = f"My day, {page['signals']} open signals (p50 of {signals.PAGE_SAMPLES})"
        self._row("signals", what, page, f"HTTP {page['status']}", met=met if full else None)

    def _impact(self) -> None:
        """The review page's "if published now" over one event per account (#19)."""
        m = measure_impact()
        found = m["result"]
        self._row(
            "impact",
            f"preview a draft over {found.events:,} events",
            m,
            f"{found.accounts:,} accounts, {found.messages:,} messages, {found.alerts:,} alerts",
            met=m["seconds"] <= IMPACT_SECONDS,
        )

    def _simulation(self) -> None:
        """30 days of the full catalogue for one account on a virtual clock (#19)."""
        found = measure_simulation()
        self._row(
            "simulate",
            f"30 days of the catalogue for {found['account'].name}",
            {"seconds": found["seconds"], "queries": None, "peak_mb": None},
            f"{len(found['result'].entries):,} happenings (median of 3)",
            met=found["seconds"] <= SIMULATION_SECONDS,
        )

    def _grow_to(self, accounts: int, staff) -> None:
        missing = accounts - Account.objects.count()
        if missing <= 0:
            return
        self.stdout.write(f"Seeding {missing:,} accounts …")
        # Unswept: the sweeps part measures a first run over the whole history.
        m = measured(
            lambda: build_demo_portfolio(accounts=missing, staff=staff, seed=7, swept=False)
        )
        rows = sum(m["result"].values())
        with connection.cursor() as cursor:
            # Fresh planner statistics and visibility maps, as autovacuum keeps them
            # in production (SQLite's VACUUM would rewrite the file: statistics only).
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        self._row(
            "seed", f"{missing:,} accounts", m, f"{rows:,} rows, {rows / m['seconds']:,.0f}/s"
        )

    @staticmethod
    def _vacuum() -> None:
        """Clear what the last part rolled back (the first c2 sweep: ~480k events), as
        autovacuum would between them in production; left, it slows later inserts."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM")

    def _sweeps(self, label: str, *, judged: bool) -> None:
        """Each sweep twice: the first run records everything due (on freshly seeded
        data that is a backlog: every account that was ever due), the second finds
        that nothing new is due, which is what every later run costs."""
        for sweep in sweeps.SWEEPS:
            name = sweep.run.__name__

            def both(sweep=sweep):
                if sweep.per_workflow:  # the date sweep: give it workflows to sweep for
                    date_workflows()
                return measured(sweep.run), measured(sweep.run)

            first, again = rolled_back(both)
            for run, m, note in (("", first, "due"), (", re-run", again, "new")):
                met = m["seconds"] <= SWEEP_SECONDS if judged else None
                what = f"{name} @ {label}{run}"
                self._row("sweep", what, m, f"{m['result']:,} {note}", met=met)

    def _ingestion(self, count: int) -> None:
        """Logins alone, then logins and feature use interleaved as a product reports
        them (two to one); each against a floor writing the same rows."""
        _, key = create_token(name="bench")
        client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Bearer {key}")
        accounts = list(Account.objects.values_list("external_id", "pk")[:count])
        features = list(Feature.objects.filter(is_active=True).values_list("key", "pk"))
        base = clock.now() - timedelta(days=1)
        # Warm up: the first request imports the URLconf and the API (0.15 s, once).
        client.post("/api/v1/events", '{"events": []}', content_type="application/json")
        for label, mixed in (("logins", []), ("logins+features", features)):
            events = [api_event(n, accounts, mixed, base) for n in range(count)]
            bodies = [json.dumps({"events": events[i : i + BATCH]}) for i in range(0, count, BATCH)]

            def post_all(bodies=bodies) -> int:
                accepted = 0
                for body in bodies:
                    response = client.post("/api/v1/events", body, content_type="application/json")
                    accepted += response.json()["accepted"]
                    run_on_commit_callbacks()  # the engine's wake-up, enqueued after commit
                return accepted

            m = rolled_back(lambda post_all=post_all: measured(post_all))
            api_rate = m["result"] / m["seconds"]
            self._row(
                "ingest",
                f"POST /events, {label}, {BATCH} a batch",
                m,
                f"{api_rate:,.0f} events/s",
                met=api_rate >= INGEST_EVENTS_PER_SECOND,
            )
            if mixed:
                self._segment_batches(events, key, api_rate)
            floor = rolled_back(
                lambda events=events: measured(lambda: insert_same_rows(events, accounts, features))
            )
            floor_rate = count / floor["seconds"]
            self._row(
                "ingest",
                f"  floor: raw INSERT of those rows, {label}",
                floor,
                f"{floor_rate:,.0f} events/s; the API takes {floor_rate / api_rate:.1f}x as long",
                met=floor_rate / api_rate <= INGEST_FLOOR_RATIO,
            )

    def _segment_batches(self, events: list[dict], key: str, api_rate: float) -> None:
        """The same events as Segment track calls to /v1/batch: within 20 % of /events."""
        auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
        client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=auth)
        messages = [segment_message(event) for event in events]
        bodies = [
            json.dumps({"batch": messages[i : i + BATCH]}) for i in range(0, len(messages), BATCH)
        ]

        def post_all() -> int:
            accepted = 0
            for body in bodies:
                response = client.post("/v1/batch", body, content_type="application/json")
                accepted += response.json()["accepted"]
                run_on_commit_callbacks()
            return accepted

        m = rolled_back(lambda: measured(post_all))
        rate = m["result"] / m["seconds"]
        self._row(
            "ingest",
            f"  Segment POST /v1/batch, the same events, {BATCH} a batch",
            m,
            f"{rate:,.0f} events/s ({rate / api_rate:.0%} of /events)",
            met=rate >= 0.8 * api_rate,
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
        rate = m["result"] / m["seconds"]
        self._row(
            "runs",
            f"{count:,} runs, one worker, in-process",
            m,
            f"{rate:,.0f} runs/s",
            met=rate >= RUNS_PER_SECOND,
        )

    def _segments(self, staff) -> None:
        owner = get_user_model().objects.get(username="admin")
        accounts = Account.objects.count()
        for found in segments.segment_counts(owner):
            self._row(
                "segment",
                f"count “{found['label']}” over {accounts:,}",
                {"seconds": found["seconds"], "queries": 1, "peak_mb": None},
                f"{found['count']:,} members (median of 5)",
                met=found["seconds"] <= SEGMENT_COUNT_SECONDS,
            )
        enrolled = segments.enroll_top_accounts(owner, size=min(10_000, accounts))
        self._row(
            "enroll",
            f"run a playbook for a {enrolled['members']:,}-account segment",
            {"seconds": enrolled["seconds"], "queries": None, "peak_mb": None},
            f"{enrolled['queued']:,} runs queued, "
            f"{enrolled['members'] / enrolled['seconds']:,.0f} accounts/s",
            met=enrolled["seconds"] <= ENROLL_10K_SECONDS,
        )

    def _decisions(self, count: int) -> None:
        """Runs of a 3-step workflow with a decision (demo/bench/branching.py)."""
        m = rolled_back(lambda: execute_decision_runs(count))
        rate = m["result"] / m["seconds"]
        paths = m["paths"]
        self._row(
            "runs",
            f"{count:,} runs with a decision (3 steps), one worker",
            m,
            f"{rate:,.0f} runs/s ({paths['pro']:,} pro, {paths['otherwise']:,} otherwise)",
            met=rate >= DECISION_RUNS_PER_SECOND,
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
            samples = [measured(lambda url=url: client.get(url)) for _ in range(15)]
            m = {
                "seconds": statistics.median(sample["seconds"] for sample in samples),
                "queries": max(sample["queries"] for sample in samples),
                "peak_mb": max(sample["peak_mb"] for sample in samples),
            }
            met = m["seconds"] <= PAGE_SECONDS and m["queries"] <= PAGE_QUERIES
            status = samples[-1]["result"].status_code
            self._row("page", f"{name} (p50 of 15)", m, f"HTTP {status}", met=met)
