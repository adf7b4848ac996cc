"""The live part of `make bench` (issue 22): a message's round trip from `publish` in
another process to the socket that listens, with many sockets open.

One daphne process serves csm.asgi as the Procfile's web line does (production settings,
on the bench's database, and Redis when Q_REDIS_URL / LIVE_REDIS_URL is set; otherwise
the database relay, as `make run` alone). This process opens `connections` WebSockets,
one topic each (as many open conversations), then publishes `messages` at `rate` a
second, round-robin over the topics, from a thread of its own as a worker would. Each
message carries the time it was published; the socket's receipt time minus that is its
round trip. A message not received within TIMEOUT counts as slower than that.
"""

import asyncio
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import websockets
from django.conf import settings
from django.db import connection

from core.live import publish, ticket
from core.live.publishing import uses_relay
from demo.bench import processes
from demo.bench.latency import summarise

TIMEOUT = 10.0  # seconds after the last publish that a message may still arrive


@dataclass(frozen=True)
class LiveSizes:
    connections: int = 200
    messages: int = 1000
    rate: float = 100.0
    port: int = 8103


def measure(sizes: LiveSizes, say: Callable[[str], None]) -> dict:
    """Start daphne, open the sockets, publish, and return the round-trip figures."""
    if not processes.port_free(sizes.port):
        raise RuntimeError(f"Port {sizes.port} is in use: stop what listens there first.")
    layer = "database relay" if uses_relay() else "Redis"
    say(
        f"Live: {sizes.connections} sockets on one daphne process ({layer}), "
        f"{sizes.messages} messages at {sizes.rate:g}/s"
    )
    logs = Path(settings.BASE_DIR) / "bench" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = processes.child_environment(
        mail_dir=Path(tempfile.mkdtemp(prefix="opencsm-bench-mail-")),
        static_root=Path(settings.BASE_DIR) / "bench" / "static",
        workers=1,
    )
    collect = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"]
    subprocess.run(collect, cwd=settings.BASE_DIR, env=env, check=True, timeout=300)
    argv = [sys.executable, "-m", "daphne", "csm.asgi:application"]
    argv += ["--bind", "127.0.0.1", "--port", str(sizes.port), "--verbosity", "0"]
    web = processes.Process("web", argv, env, logs / f"{time.strftime('%Y%m%d-%H%M%S')}-live.log")
    with processes.running(web):
        processes.wait_for_port(sizes.port, web)
        seconds = asyncio.run(_round_trips(sizes))
    connection.close()  # the publisher thread's connections are its own; this one is stale
    figure = summarise(seconds, timeout=TIMEOUT)
    say(f"  round trip {figure.describe()}")
    return {"layer": layer, "sizes": sizes.__dict__, "round_trip": figure.as_dict()}


async def _round_trips(sizes: LiveSizes) -> list[float | None]:
    """Open the sockets, publish from a thread, and collect each message's round trip."""
    topics = [f"bench:conversation:{n}:{time.time_ns()}" for n in range(sizes.connections)]
    url = f"ws://127.0.0.1:{sizes.port}/ws/live/?ticket="
    sockets = []
    for topic in topics:
        client = await websockets.connect(url + ticket([topic], party="user:bench"))
        if json.loads(await client.recv()) != {"ready": True}:
            raise RuntimeError("A live socket did not say it listens.")
        sockets.append(client)
    received: dict[int, float] = {}
    publisher = threading.Thread(target=_publish_all, args=(topics, sizes), daemon=True)

    async def listen(client) -> None:
        async for frame in client:
            payload = json.loads(frame)["payload"]
            received[payload["n"]] = time.time() - payload["sent"]

    listeners = [asyncio.ensure_future(listen(client)) for client in sockets]
    publisher.start()
    await asyncio.to_thread(publisher.join)
    deadline = time.monotonic() + TIMEOUT
    while len(received) < sizes.messages and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    for client in sockets:
        await client.close()
    await asyncio.gather(*listeners, return_exceptions=True)
    return [received.get(n) for n in range(sizes.messages)]


def _publish_all(topics: list[str], sizes: LiveSizes) -> None:
    """Publish at `rate` a second, round-robin over the topics (a worker's own thread)."""
    started = time.monotonic()
    for n in range(sizes.messages):
        pause = started + n / sizes.rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        publish(topics[n % len(topics)], {"n": n, "sent": time.time()})
    connection.close()
