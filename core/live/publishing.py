"""`publish`: a payload to every socket listening on a topic, once the caller commits."""

import hashlib
import json
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from .tickets import MAX_TOPIC_LENGTH

MESSAGE_TYPE = "live.message"  # the consumer's live_message handler
IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"


def group_name(topic: str) -> str:
    """The channel-layer group of `topic`: groups allow only a few characters and 100 of
    them, topics any string, so the group is named by a digest."""
    return "live." + hashlib.sha256(topic.encode()).hexdigest()[:40]


def uses_relay() -> bool:
    """True when the layer is in-memory: it reaches only its own process, so publishes
    go through the database relay (core.live.relay) to every web process."""
    return settings.CHANNEL_LAYERS["default"]["BACKEND"] == IN_MEMORY_LAYER


def publish(topic: str, payload: dict) -> None:
    """Send `payload` to every socket whose ticket names `topic`, after the current
    transaction commits (at once outside one); nothing is sent if it rolls back.

    Safe from a web request, a django-q2 worker or a command, in any process: with the
    Redis layer it goes through Redis; with the in-memory layer it is written to the
    relay table in the caller's transaction and each web process polls for it.
    A socket gets what is published while it is open: pages reload their state when a
    socket (re)opens. Call it from synchronous code (views, services, tasks).
    """
    if not isinstance(topic, str) or not topic or len(topic) > MAX_TOPIC_LENGTH:
        raise ValueError(f"A topic is a non-empty string of at most {MAX_TOPIC_LENGTH}.")
    if not isinstance(payload, dict):
        raise TypeError("A live payload is a dict.")
    payload = json.loads(json.dumps(payload))  # refuses what the socket could not carry
    if uses_relay():
        from .relay import write  # the model module loads once the apps are ready

        write(topic=topic, payload=payload)
    else:
        transaction.on_commit(partial(send_now, topic, payload), robust=True)


def send_now(topic: str, payload: dict) -> None:
    """Send at once through the channel layer, ignoring any transaction (publish waits
    for the commit, then calls this)."""
    async_to_sync(get_channel_layer().group_send)(
        group_name(topic), {"type": MESSAGE_TYPE, "topic": topic, "payload": payload}
    )
