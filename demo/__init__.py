"""A believable demo portfolio (`seed_demo`) and the benchmark (`bench`).

Demo data bypasses the services on purpose: it writes finished history
(facts, ledger lines, tags, cards and the rows that explain them) in bulk,
so 100,000 accounts take minutes rather than hours. Each account's facts are
invented first (`portfolio`) and then replayed in time order (`story`), each
with the tags, cards, score, milestone and lifecycle the default playbooks
leave. That shortcut cannot drift silently: tests/demo/test_demo_follows_the_
playbooks.py records the same facts through the real services and the engine
and compares what each leaves.
"""
