"""Real-time updates for pages: a generic layer on Django Channels (issue 22).

The API (what features such as conversations use; nothing else here is public):

``ticket(topics, *, party, expires_in=None) -> str``
    A signed (django.core.signing), expiring ticket naming the topics a page may listen
    to; ``party`` says who holds it (``"user:12"``, ``"contact:34"``). A view checks
    permissions, then puts the ticket in the page. Default lifetime: LIVE_TICKET_HOURS.
    Topics are any strings up to 200 characters, e.g. ``"conversation:42"``; choose
    names that cannot be guessed into, since the ticket is the only check.

``publish(topic, payload) -> None``
    Sends the JSON-able dict ``payload`` to every socket whose ticket names ``topic``,
    once the current transaction commits (nothing on rollback). Works from a request, a
    django-q2 worker or a command: with Redis (LIVE_REDIS_URL, default Q_REDIS_URL) it
    goes through channels_redis and reaches every web process; without it, through a
    relay table that each web process polls (core.live.relay), so `make run` alone
    delivers a worker's publish too. Best effort: the database stays the record, and a
    page reloads its state when its socket (re)opens.

The socket: ``ws[s]://<host>/ws/live/?ticket=<ticket>``. Once listening, the server sends
``{"ready": true}``, then one text frame per publish, ``{"topic": "...", "payload": {...}}``;
it ignores what the client sends. A
missing ticket is closed with 4400, a forged or malformed one with 4401, an expired one
with 4403 (also when a ticket expires on an open socket); nothing is sent before.

The browser client, ``static/js/live.js`` (no dependencies)::

    <script src="{% static 'js/live.js' %}"></script>
    <script>
      const live = OpenCSMLive.connect({
        ticket: "{{ live_ticket }}",
        onMessage: (payload, topic) => { ... },   // one call per publish
        onOpen: () => { ... },      // optional: on each "ready", (re)load the state
        onExpired: () => { ... },   // optional: 4403; default reloads the page
        url: "wss://crm.example.com/ws/live/",  // optional: default is this page's host
      });
      live.close();  // stops for good
    </script>

It reconnects with exponential back-off (0.5 s doubling to 30 s, with jitter) after a
lost connection, and stops on 4400 / 4401 / 4403.
"""

from .publishing import publish
from .tickets import (
    CLOSE_BAD_TICKET,
    CLOSE_EXPIRED,
    CLOSE_NO_TICKET,
    Ticket,
    TicketRefused,
    read_ticket,
    ticket,
)

__all__ = [
    "CLOSE_BAD_TICKET",
    "CLOSE_EXPIRED",
    "CLOSE_NO_TICKET",
    "Ticket",
    "TicketRefused",
    "publish",
    "read_ticket",
    "ticket",
]
