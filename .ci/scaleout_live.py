"""Scale-out check for the live layer: two ASGI processes (the Procfile's web line,
daphne) on the Redis channel layer. A client connects to each; a publish from a third
process (as a playbook's in a worker) must reach both within 2 s, and a client of one
process must not hear a topic its ticket does not name.

Run by .ci/run after .ci/scaleout.py, with Q_REDIS_URL set (the live layer reuses it, as
a deployment that sets only Q_REDIS_URL does) and the checkout's .env.
"""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csm.settings")
import django  # noqa: E402

django.setup()

import websockets  # noqa: E402
from django.conf import settings  # noqa: E402

from core.live import publish, ticket  # noqa: E402
from core.live.models import RelayedMessage  # noqa: E402

DEADLINE = 2.0


def say(text: str) -> None:
    print(f"[scale-out live] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_web(port: int, n: int) -> subprocess.Popen:
    argv = [sys.executable, "-m", "daphne", "csm.asgi:application", "--bind", "127.0.0.1"]
    return subprocess.Popen(
        [*argv, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(f"/tmp/scaleout-web-{n}.log", "w"),
        start_new_session=True,
    )


def wait_until_listening(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"web process on {port} ended at start")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"web process on {port} did not answer within 60 s")


async def connect(port: int, topics: list[str]):
    url = f"ws://127.0.0.1:{port}/ws/live/?ticket={ticket(topics, party='user:ci')}"
    client = await websockets.connect(url)
    ready = json.loads(await asyncio.wait_for(client.recv(), timeout=10))
    if ready != {"ready": True}:
        raise SystemExit(f"unexpected first frame {ready}")
    return client


async def check(ports: list[int]) -> list[str]:
    problems = []
    topic = f"conversation:scale-out:{time.time_ns()}"
    clients = [await connect(port, [topic]) for port in ports]
    outsider = await connect(ports[0], [topic + ":other"])
    relayed_before = await asyncio.to_thread(RelayedMessage.objects.count)
    published_at = time.monotonic()
    await asyncio.to_thread(publish, topic, {"text": "from a worker"})
    for port, client in zip(ports, clients, strict=True):
        try:
            frame = json.loads(await asyncio.wait_for(client.recv(), timeout=10))
        except TimeoutError:
            problems.append(f"the client of the process on {port} got nothing in 10 s")
            continue
        took = time.monotonic() - published_at
        say(f"process on {port}: {frame['payload']} after {took * 1000:.0f} ms")
        if frame != {"topic": topic, "payload": {"text": "from a worker"}}:
            problems.append(f"process on {port} sent {frame}")
        if took > DEADLINE:
            problems.append(f"process on {port} took {took:.2f} s (> {DEADLINE} s)")
    try:
        leaked = await asyncio.wait_for(outsider.recv(), timeout=1)
        problems.append(f"a client of another topic heard {leaked}")
    except TimeoutError:
        pass
    if await asyncio.to_thread(RelayedMessage.objects.count) != relayed_before:
        problems.append("the publish went through the database relay, not Redis")
    for client in [*clients, outsider]:
        await client.close()
    return problems


def main() -> int:
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if "redis" not in layer:
        raise SystemExit(f"Set Q_REDIS_URL (or LIVE_REDIS_URL): the layer is {layer}")
    ports = [free_port(), free_port()]
    webs = [start_web(port, n) for n, port in enumerate(ports, start=1)]
    try:
        for port, web in zip(ports, webs, strict=True):
            wait_until_listening(port, web)
        say(f"two daphne processes on ports {ports}, layer {layer}")
        problems = asyncio.run(check(ports))
    finally:
        for web in webs:
            os.killpg(web.pid, signal.SIGTERM)
        for web in webs:
            try:
                web.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(web.pid, signal.SIGKILL)
    for problem in problems:
        say(f"PROBLEM: {problem}")
    if not problems:
        say("a publish from a third process reached the clients of both web processes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
