from datetime import timedelta
import pytest, time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from workflows.simulation import simulate, Happening
from activity.services.logins import record_login
from core.causes import Cause
from tests.factories import ContactFactory, FeatureFactory

pytestmark = pytest.mark.django_db

def test_smoke(account, frozen_time):
    ContactFactory(account=account, email="j@x.example", is_primary=True)
    record_login(account=account, cause=Cause.by_system("t"))
    from django.test.utils import CaptureQueriesContext as C; cq=C(connection); cq.__enter__()
    if True:
        t=time.perf_counter()
        sim = simulate(account, days=30, happenings=[Happening(timedelta(days=10), "login", lambda: record_login(account=account, cause=Cause.by_system("x")))])
        print("secs", time.perf_counter()-t); print("q", len(cq)); cq.__exit__(None,None,None)
    for day in sim.days():
        print(day.date)
        for e in day.entries:
            print("  ", e.at.strftime("%H:%M"), e.kind, e.title, "|", e.detail[:100], e.conditions[:1])
    print(sim.held_tasks, sim.notes)
