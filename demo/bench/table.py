"""The bench's table: one printed line per measured row, kept for the JSON results."""

import json
import platform
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

from accounts.models import Account

RESULTS = Path(settings.BASE_DIR) / "bench" / "results"


class Table:
    """Rows in the order measured; `path` names the path the next rows measure
    (in-process, workers, live)."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.rows: list[dict] = []
        self.path = "in-process"

    def row(
        self,
        part: str,
        what: str,
        m: dict,
        note: str,
        met: bool | None = None,
        *,
        sqlite_too: bool = False,
    ) -> None:
        """One line of the table; `met` says whether the part meets its target (if it has one).

        The in-process targets are set for PostgreSQL; on SQLite those numbers are
        shown unjudged. The worker path has targets for both (`sqlite_too`).
        """
        if connection.vendor != "postgresql" and not sqlite_too:
            met = None
        row = {
            "part": part,
            "path": self.path,
            "what": what,
            "seconds": round(m["seconds"], 4),
            "queries": m["queries"],
            "peak_mb": None if m["peak_mb"] is None else round(m["peak_mb"], 1),
            "note": note,
            "target_met": met,
        }
        self.rows.append(row)
        verdict = {True: "ok  ", False: "MISS", None: "    "}[met]
        queries = "-" if row["queries"] is None else row["queries"]
        peak = "-" if row["peak_mb"] is None else f"{row['peak_mb']:.1f}"
        self.say(
            f"{part:<7} {what:<50} {row['seconds']:>9.3f}s {queries:>7} q "
            f"{peak:>7} MB {verdict} {note}"
        )

    def write_results(self, accounts: int, figures: dict) -> Path:
        """Every row and the process parts' own figures, as JSON under bench/results/
        (named by time, database and size, so runs can be compared later)."""
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
                    **figures,
                },
                indent=2,
            )
        )
        return path
