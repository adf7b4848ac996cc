"""Live-layer fixtures: the Redis layer on the test Redis, and real ASGI servers."""

import os

import pytest
import redis

from tests.asgi_server import start_asgi_server

# The suite's Redis for the channels_redis cases; they are skipped where none answers.
REDIS_URL = os.environ.get("TEST_LIVE_REDIS_URL", "redis://127.0.0.1:6379/10")
REDIS_LAYER = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],  # as csm/settings.py
            "prefix": "opencsm-live",  # the servers read csm/settings.py
        },
    }
}
MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["relay", "redis"])
def layer(request, settings):
    """Each test once on the in-memory layer with the database relay (`make run` alone)
    and once on channels_redis (a scaled deployment)."""
    if request.param == "redis":
        if not redis_answers():
            pytest.skip(f"No Redis at {REDIS_URL} for the channels_redis layer.")
        settings.CHANNEL_LAYERS = REDIS_LAYER
    else:
        settings.CHANNEL_LAYERS = MEMORY_LAYER
    return request.param


@pytest.fixture(scope="session")
def asgi_servers(django_db_setup):
    """One daphne process per layer, started on first use, for the whole session."""
    servers = {}

    def server(layer: str):
        if layer not in servers:
            servers[layer] = start_asgi_server(redis_url=REDIS_URL if layer == "redis" else "")
        return servers[layer]

    yield server
    for started in servers.values():
        started.stop()
