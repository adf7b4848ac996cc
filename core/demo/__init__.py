"""A believable demo portfolio, written in bulk.

Demo data bypasses the services on purpose: it writes finished history
(facts, ledger lines, tags, cards and the rows that explain them) in bulk,
so 100,000 accounts take minutes rather than hours. To tell one story per
account, each account's facts (sign-up, invoices, logins, feature use,
feedback, health, churn) are invented first (`portfolio`) and then replayed
in time order through a small mirror of the default playbooks (`story`):
its tags, cards, score, milestone and lifecycle are what the playbooks would
have left, and each has the history row that explains it. The mirror follows
`workflows/playbooks.json`; tests/core/test_seed_demo.py checks the result.
"""

from .portfolio import build_demo_portfolio, ensure_demo_staff

__all__ = ["build_demo_portfolio", "ensure_demo_staff"]
