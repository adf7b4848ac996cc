"""`manage.py seed_demo [--accounts N]`: a believable demo portfolio, fast."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from accounts.models import Account
from core import clock
from demo.availability import ensure_demo_availability
from demo.portfolio import build_demo_portfolio, ensure_demo_staff
from demo.work_queue import seed_signal_showcase
from health.services.backtests import record_backtest
from health.services.snapshots import score_due_accounts
from workflows.backlogs import sweep_as_handled
from workflows.models import TriggerEvent


class Command(BaseCommand):
    help = (
        "Create demo staff users and N demo accounts with contacts, tags, pipeline cards, "
        "scores and months of activity. Adds to what is there; --if-empty skips a used database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=2000, help="How many accounts.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (repeatable data).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any account exists."
        )
        parser.add_argument(
            "--signal-showcase",
            action="store_true",
            help="Add 8 accounts that each trip one work-queue detector (demo.work_queue). "
            "Off by default: their made-up histories do not yet meet the portfolio's "
            "invariants (payments, cards, contacts) that tests/demo checks.",
        )

    def handle(
        self, *args, accounts: int, seed: int, if_empty: bool, signal_showcase: bool, **options
    ) -> None:
        self.verbosity = options["verbosity"]
        if accounts < 0:
            self.stderr.write("--accounts cannot be negative.")
            raise SystemExit(2)
        staff = ensure_demo_staff(password=settings.DEMO_PASSWORD)
        # Before the --if-empty stop: an existing demo database gets booking hours too.
        ensure_demo_availability(staff)
        if if_empty and Account.objects.exists():
            self.stdout.write("Accounts exist already; no demo data added.")
            return
        started = time.perf_counter()
        counts = build_demo_portfolio(
            accounts=accounts, staff=staff, seed=seed, progress=self._progress
        )
        if signal_showcase:
            counts["work-queue signals"] = self._signal_showcase(staff)
        # Today's computed health and the churn backtest, so both pages show them at once.
        score_due_accounts()
        record_backtest()
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data in {elapsed:.1f}s: {summary}."))

    def _signal_showcase(self, staff: list) -> int:
        """The showcase accounts, their history handled as the portfolio's is: no
        playbook acts on it, and what the sweeps find due for it is recorded as handled."""
        with transaction.atomic():
            signals = seed_signal_showcase(staff)
            showcase = Account.objects.filter(external_id__startswith="demo-signal-")
            TriggerEvent.objects.filter(account__in=showcase, processed_at=None).update(
                processed_at=clock.now()
            )
            sweep_as_handled(showcase)
        return sum(signals.values())

    def _progress(self, done: int, total: int) -> None:
        if self.verbosity >= 1:
            self.stdout.write(f"  {done:,} / {total:,} accounts", ending="\r")
            self.stdout.flush()
