"""The live bench's measurement (demo/bench/live.py) against a real daphne, small: every
message published is received by its socket, and each gets a round trip. No timing is
asserted here; `make bench` measures."""

import pytest

from tests.live.test_across_processes import run

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_published_message_comes_back_with_its_round_trip(layer, asgi_servers):
    from demo.bench.live import LiveSizes, _round_trips

    server = asgi_servers(layer)
    sizes = LiveSizes(connections=5, messages=20, rate=50, port=server.port)

    seconds = run(lambda: _round_trips(sizes))

    assert len(seconds) == 20
    assert all(value is not None and value >= 0 for value in seconds)
