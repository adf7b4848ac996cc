"""WSGI entry point (gunicorn csm.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csm.settings")
application = get_wsgi_application()

from core.checks import require_collected_static  # noqa: E402  (needs the apps loaded)

require_collected_static()  # fail at start, not with a 500 on every page
