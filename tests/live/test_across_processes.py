"""A publish made in another process (as a playbook's in a django-q2 worker) reaches a
client of a real ASGI server (daphne) within 2 s: once without Redis (the database
relay, as `make run` alone) and once on the Redis layer."""

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets
from django.conf import settings

from core.live import CLOSE_BAD_TICKET, ticket
from tests.asgi_server import database_url
from tests.live.conftest import REDIS_URL

pytestmark = pytest.mark.django_db(transaction=True)


# What a worker does: set Django up, publish in a transaction, commit.
def run(scenario):
    """asyncio.run in a thread of its own: Playwright's sync API (the browser tests, maybe
    in this process) keeps an event loop in the main thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, scenario()).result()


PUBLISHER = """
import json, sys, time, django
django.setup()
from django.db import transaction
from core.live import publish
with transaction.atomic():
    publish(sys.argv[1], {"text": "from a worker"})
print(json.dumps({"committed_at": time.time()}), flush=True)
"""


def publish_from_another_process(topic: str, layer: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "Q_REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="csm.test_settings",
        DATABASE_URL=database_url(),
        LIVE_REDIS_URL=REDIS_URL if layer == "redis" else "",
    )
    return subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, topic],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_publish_from_another_process_reaches_a_client_within_2_s(layer, asgi_servers):
    server = asgi_servers(layer)
    topic = f"conversation:{layer}:{time.monotonic_ns()}"
    raw = ticket([topic], party="contact:1")

    async def scenario():
        async with websockets.connect(f"{server.ws_url}?ticket={raw}") as client:
            assert json.loads(await asyncio.wait_for(client.recv(), timeout=10)) == {"ready": True}
            publisher = publish_from_another_process(topic, layer)
            frame = json.loads(await asyncio.wait_for(client.recv(), timeout=60))
            received_at = time.time()
            return frame, received_at, publisher

    frame, received_at, publisher = run(scenario)
    out, _ = publisher.communicate(timeout=30)
    committed_at = json.loads(out.strip().splitlines()[-1])["committed_at"]

    assert frame == {"topic": topic, "payload": {"text": "from a worker"}}
    assert received_at - committed_at < 2.0


def test_the_real_server_refuses_a_forged_ticket_and_serves_the_client_script(asgi_servers):
    server = asgi_servers("relay")

    async def scenario():
        async with websockets.connect(f"{server.ws_url}?ticket=forged") as client:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(client.recv(), timeout=10)
            return closed.value.rcvd.code

    assert run(scenario) == CLOSE_BAD_TICKET
    with urllib.request.urlopen(f"{server.url}/static/js/live.js", timeout=10) as script:
        assert "OpenCSMLive" in script.read().decode()
