"""The one WebSocket consumer (/ws/live/): a ticket's topics, and nothing else."""

import asyncio
import logging
import time
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from . import relay
from .publishing import group_name, uses_relay
from .tickets import CLOSE_EXPIRED, TicketRefused, read_ticket

logger = logging.getLogger(__name__)

READY = {"ready": True}


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Listens on the topics its ticket names; the client cannot add any (what it sends
    is ignored: pages write through their HTTP views, which publish)."""

    ticket = None
    joined: tuple[str, ...] = ()
    relaying = False
    expiry: asyncio.TimerHandle | None = None

    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            self.ticket = read_ticket(query.get("ticket", [""])[0])
        except TicketRefused as refused:
            # Accepted only to say why, with a close code the client can act on.
            logger.info("Live socket refused: %s", refused)
            await self.accept()
            await self.close(code=refused.code)
            return
        self.joined = tuple(group_name(topic) for topic in self.ticket.topics)
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        if uses_relay():
            await relay.listen(self.channel_layer)
            self.relaying = True
        await self.accept()
        # The first frame says the socket listens (a refused one is accepted too, only
        # to carry its close code): the client (re)loads its state on it.
        await self.send_json(READY)
        delay = max(0.0, self.ticket.expires_at - time.time())
        self.expiry = asyncio.get_running_loop().call_later(
            delay, lambda: asyncio.ensure_future(self.close(code=CLOSE_EXPIRED))
        )

    async def disconnect(self, code: int) -> None:
        if self.expiry:
            self.expiry.cancel()
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.joined = ()
        if self.relaying:
            relay.leave()
            self.relaying = False

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        """Sockets are one-way: a client's frames change nothing."""

    async def live_message(self, event: dict) -> None:
        await self.send_json({"topic": event["topic"], "payload": event["payload"]})
