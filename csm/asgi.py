"""ASGI entry point: HTTP to Django, WebSockets to the live consumer (core.live).

Served by daphne: `manage.py runserver` in development (daphne's, with the static files
in DEBUG) and the Procfile's web line in production.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csm.settings")
# Django first: the consumer's imports need the apps loaded.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from core.checks import require_collected_static  # noqa: E402
from core.live.routing import websocket_urlpatterns  # noqa: E402

require_collected_static()  # fail at start, not with a 500 on every page (as csm.wsgi)

# No Origin check: a socket is authorised by its signed ticket, never by a cookie, and
# the chat widget connects from the customers' own sites.
application = ProtocolTypeRouter(
    {"http": django_application, "websocket": URLRouter(websocket_urlpatterns)}
)
