"""Unit-test your own playbooks on a virtual clock (see the README, "Testing playbooks").

    from datetime import timedelta
    from workflows.simulation.testing import at, simulate

    def test_a_quiet_week_brings_the_reengagement_email(account, contact):
        result = simulate(account, days=10, happenings=[
            at(days=2, what="a login", do=lambda: record_login(account=account, cause=cause)),
        ])
        assert [m.subject for m in result.sent()] == ["We miss you"]

Each call runs the real engine for that one account in a transaction that is
rolled back: the test's own data is left as it was, so several scenarios can be
tried on the same account in one test.
"""

from collections.abc import Callable, Iterable
from datetime import timedelta

from accounts.models import Account

from ..models import Workflow
from .runner import Happening
from .runner import simulate as _simulate
from .trace import Simulation


def at(
    *,
    days: float = 0,
    hours: float = 0,
    minutes: float = 0,
    what: str = "",
    do: Callable[[], object],
) -> Happening:
    """Something that happens this long after the simulation starts (`do` calls a service)."""
    return Happening(timedelta(days=days, hours=hours, minutes=minutes), what or "happening", do)


def simulate(
    account: Account,
    *,
    days: int = 30,
    workflow: str | Workflow | None = None,
    happenings: Iterable[Happening] = (),
    draft: dict | None = None,
    replay_days: int | None = None,
) -> Simulation:
    """workflows.simulation.simulate, with the workflow given by its key if you like."""
    if isinstance(workflow, str):
        workflow = Workflow.objects.get(key=workflow)
    return _simulate(
        account,
        days=days,
        workflow=workflow,
        draft=draft,
        replay_days=replay_days,
        happenings=happenings,
    )
