"""The simulator part of the bench (#19): 30 days of the full catalogue for one account.

The account is the book's most active one (most logins); the simulation rolls itself
back, so the book is unchanged. Median of three runs, after one to warm the caches.
"""

import statistics
import time

from django.db.models import Count

from accounts.models import Account
from workflows.simulation import simulate

DAYS = 30


def measure_simulation(repeats: int = 3) -> dict:
    """Median seconds of a 30-day simulation of the active catalogue for one account."""
    account = Account.objects.annotate(login_count=Count("logins")).order_by("-login_count").first()
    simulate(account, days=DAYS)
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = simulate(account, days=DAYS)
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times), "account": account, "result": result}
