"""The dry-run simulator: one account, the real engine, a virtual clock, nothing kept.

`simulate(account, days=30)` runs the active catalogue (or one workflow) for one
account over a virtual period: the next `days` from its current state, or
(`replay_days`) its recorded history replayed. It is the real code — the
trigger recording, the sweeps, matching, the engine's steps, decisions, waits
and goals, the outbox with its caps and quiet hours — inside one transaction
that is always rolled back (runner.py):

- time is core.clock's virtual clock (a context variable: other threads keep theirs);
- the sweeps look at this account only (workflows.sweeps.only_for);
- the work a commit would wake (matching, runs, the outbox) is done in-process,
  tick by tick, and what a commit would announce (domain signals) is announced;
- e-mail and SMS go to a collector (notifications.transports.capture), and a
  task that would be enqueued is counted instead (core.queue.no_tasks_leave).

What happened is read back as plain data (trace.py) before the rollback.
"""

from .runner import Happening, simulate
from .trace import Entry, SimulatedMessage, Simulation

__all__ = ["Entry", "Happening", "SimulatedMessage", "Simulation", "simulate"]
