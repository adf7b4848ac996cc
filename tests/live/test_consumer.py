"""The /ws/live/ consumer in-process (channels' communicator): refusals, topic isolation,
and publishes that leave only after commit, on both layers."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from core.live import CLOSE_BAD_TICKET, CLOSE_EXPIRED, CLOSE_NO_TICKET, publish, ticket
from csm.asgi import application

# The relay's poller reads from its own thread and connection: only committed rows.
pytestmark = pytest.mark.django_db(transaction=True)


def socket(query: str) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/live/{query}")


async def listening(communicator: WebsocketCommunicator) -> WebsocketCommunicator:
    """Connect, and wait for the frame that says the socket listens."""
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from(timeout=3) == {"ready": True}
    return communicator


def run(scenario) -> None:
    """Run `scenario` on an event loop of its own, in a thread of its own: Playwright's
    sync API (the browser tests, maybe in this process) keeps a loop in the main thread."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(async_to_sync(scenario)).result()


async def refused_with(communicator: WebsocketCommunicator) -> int:
    """The close code of a socket the server refused; nothing may come before it."""
    connected, _ = await communicator.connect()
    assert connected  # accepted only to carry the close code
    first = await communicator.receive_output(timeout=2)
    assert first["type"] == "websocket.close", first
    await communicator.wait()
    return first["code"]


@pytest.mark.parametrize(
    ("query", "code"),
    [("", CLOSE_NO_TICKET), ("?ticket=", CLOSE_NO_TICKET), ("?ticket=forged", CLOSE_BAD_TICKET)],
)
def test_a_socket_without_a_good_ticket_is_closed_before_anything_is_sent(layer, query, code):
    async def scenario():
        assert await refused_with(socket(query)) == code

    run(scenario)


def test_an_expired_ticket_is_refused_and_an_open_socket_closes_when_its_ticket_expires(layer):
    expired = ticket(["a"], party="user:1", expires_in=timedelta(seconds=-1))
    short = ticket(["a"], party="user:1", expires_in=timedelta(seconds=3))

    async def scenario():
        assert await refused_with(socket(f"?ticket={expired}")) == CLOSE_EXPIRED
        open_socket = await listening(socket(f"?ticket={short}"))
        closed = await open_socket.receive_output(timeout=6)
        assert closed == {"type": "websocket.close", "code": CLOSE_EXPIRED}

    run(scenario)


def test_a_socket_hears_only_the_topics_its_ticket_names(layer):
    a_ticket = ticket(["account:1"], party="user:1")
    b_ticket = ticket(["account:2"], party="user:2")

    async def scenario():
        a = await listening(socket(f"?ticket={a_ticket}"))
        # Asking for another topic, in the address or in a frame, changes nothing.
        b = await listening(socket(f"?ticket={b_ticket}&topics=account:1&topic=account:1"))
        await b.send_json_to({"subscribe": ["account:1"], "topics": ["account:1"]})
        await sync_to_async(publish)("account:1", {"text": "for one"})

        assert await a.receive_json_from(timeout=3) == {
            "topic": "account:1",
            "payload": {"text": "for one"},
        }
        assert await b.receive_nothing(timeout=1)
        await sync_to_async(publish)("account:2", {"text": "for two"})
        assert (await b.receive_json_from(timeout=3))["payload"] == {"text": "for two"}
        assert await a.receive_nothing(timeout=0.5)
        await a.disconnect()
        await b.disconnect()

    run(scenario)


def test_a_publish_leaves_on_commit_and_never_on_rollback(layer):
    raw = ticket(["conversation:7"], party="contact:3")

    async def scenario():
        listener = await listening(socket(f"?ticket={raw}"))

        def commit_after_a_pause():
            with transaction.atomic():
                publish("conversation:7", {"n": 1})
                # Still in the transaction: nothing may have left yet.
                assert async_to_sync(listener.receive_nothing)(timeout=0.8)

        def roll_back():
            with transaction.atomic():
                publish("conversation:7", {"n": 2})
                transaction.set_rollback(True)  # as a view failing after publishing

        await sync_to_async(commit_after_a_pause)()
        assert (await listener.receive_json_from(timeout=3))["payload"] == {"n": 1}
        await sync_to_async(roll_back)()
        assert await listener.receive_nothing(timeout=1.5)
        await sync_to_async(publish)("conversation:7", {"n": 3})
        assert (await listener.receive_json_from(timeout=3))["payload"] == {"n": 3}
        await listener.disconnect()

    run(scenario)


def test_several_sockets_on_one_topic_each_get_every_publish_once(layer):
    raw = ticket(["board:1"], party="user:1")

    async def scenario():
        sockets = [await listening(socket(f"?ticket={raw}")) for _ in range(3)]
        for n in range(3):
            await sync_to_async(publish)("board:1", {"n": n})
        for each in sockets:
            got = [(await each.receive_json_from(timeout=3))["payload"]["n"] for _ in range(3)]
            assert got == [0, 1, 2]
            assert await each.receive_nothing(timeout=0.3)
        await asyncio.gather(*(each.disconnect() for each in sockets))

    run(scenario)


def test_publish_refuses_what_a_socket_could_not_carry():
    with pytest.raises(TypeError):
        publish("a", {"when": object()})
    with pytest.raises(TypeError):
        publish("a", ["not", "a", "dict"])
    with pytest.raises(ValueError, match="topic"):
        publish("", {})
