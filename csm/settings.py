"""OpenCSM settings, read from the environment (and an optional `.env` file).

Every variable is documented in README.md ("Configuration"). The embedded
defaults run on one machine with nothing else installed: SQLite under the
project and django-q2's ORM broker on the same database.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# No default outside DEBUG: a production deployment must bring its own key,
# and web and workers must share it (django-q2 signs task payloads with it).
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    "insecure-dev-key-only-for-debug" if DEBUG else None
)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set SECRET_KEY in the environment (or .env).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First, so that `runserver` is daphne's: it serves the ASGI app (HTTP and the
    # live WebSockets, core.live) with the static files in DEBUG, as Django's did.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_q",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "ninja",
    "axes",
    "channels",
    "core",
    "core.live",
    "accounts",
    "pipelines",
    "scoring",
    "activity",
    "workflows",
    "notifications",
    "workqueue",
    "health",
    "booking",
    "surveys",
    "conversations",
    "portal",
    "api",
    "imports",
    "insights",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csm.urls"
WSGI_APPLICATION = "csm.wsgi.application"
ASGI_APPLICATION = "csm.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.inbox",
                "portal.context_processors.company",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and workers write the same file: IMMEDIATE transactions take the
    # write lock up front (no "database is locked" mid-transaction), WAL lets
    # readers go on meanwhile, and a long busy timeout waits out a sweep.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://opencsm")}

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes), for the staff login and the admin's alike: after
# AXES_FAILURE_LIMIT wrong passwords a username is refused, even with the right one,
# until the cool-off passes or an admin lifts it (Admin → Access attempts, or
# `manage.py axes_reset_username`). Locked per username by default: behind a proxy (or a
# botnet) the address says little, and a spoofable one would let a guesser reset the
# count; "username_and_ip" locks a username only from the address that failed, for
# installs whose client address is trustworthy (TRUSTED_PROXY_HEADER, below).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked usernames
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# 0: no cool-off, a locked username waits for an admin.
_cool_off_minutes = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=_cool_off_minutes) if _cool_off_minutes else None
AXES_LOCKOUT_PARAMETERS = {
    "username": ["username"],
    "username_and_ip": [["username", "ip_address"]],
}.get(env.str("AXES_LOCKOUT_BY", default="username"))
if AXES_LOCKOUT_PARAMETERS is None:
    raise environ.ImproperlyConfigured("AXES_LOCKOUT_BY is 'username' or 'username_and_ip'.")
# axes warns when the address is not part of the lock; leaving it out is the choice above.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True  # a good login forgets earlier typos
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts are in the admin
# The client address as the forms' rate limits read it (TRUSTED_PROXY_HEADER below):
# one rule for which proxy to believe, wherever an address is counted.
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address"

# --- Time -------------------------------------------------------------------
USE_TZ = True
# The team's working timezone: how dates are shown and what "today" means for
# staff. Customers' own timezones live on their accounts.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
LANGUAGE_CODE = "en-us"
USE_I18N = True

# --- Static files -------------------------------------------------------------
# Front-end libraries come from the npm registry (package.json + lock) and are
# served from node_modules under /static/vendor/; nothing is copied into the repo.
NODE_MODULES = BASE_DIR / "node_modules"
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -----------------------------------------------------------------
# EMAIL_URL such as smtp+tls://user:password@smtp.example.com:587. Without one nothing is
# sent: each message is written to DEV_MAIL_DIR (readable on the Development mail page),
# and so is each SMS while SMS_BACKEND is "console" (notifications/mail_folder.py).
DEV_MAIL_DIR = env.path("DEV_MAIL_DIR", default=BASE_DIR / "var" / "mail")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "notifications.transports.folder_email.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OpenCSM <cs@localhost>")
# An SMTP server that hangs must not hold a worker past its task timeout.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Task queue (django-q2) ---------------------------------------------------
# See ../shared/DJANGO-Q2.md: the ORM broker lives on the default alias; retry
# stays well above the longest a task can wait in a worker's queue plus run.
Q_WORKERS = env.int("Q_WORKERS", default=2)
Q_TIMEOUT = env.int("Q_TIMEOUT", default=60)
Q_CLUSTER = {
    "name": "opencsm",
    "workers": Q_WORKERS,
    "timeout": Q_TIMEOUT,
    "retry": env.int("Q_RETRY", default=(-(-(Q_WORKERS + 1) // Q_WORKERS) + 2) * (Q_TIMEOUT + 3)),
    "max_attempts": env.int("Q_MAX_ATTEMPTS", default=3),
    "queue_limit": Q_WORKERS,
    "bulk": 1,
    "recycle": 500,
    "max_rss": 250_000,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    "label": "Task queue",
}
Q_REDIS_URL = env.str("Q_REDIS_URL", default="")
if Q_REDIS_URL:
    Q_CLUSTER["redis"] = Q_REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- Real time (core.live: Django Channels) ------------------------------------
# LIVE_REDIS_URL (default: Q_REDIS_URL, the one Redis a scaled deployment already has)
# makes channels_redis the layer, so a publish reaches the sockets of every web process.
# Without it the layer is in-memory (one process, nothing to install) and publishes from
# other processes (the worker, a second web process) travel through the database
# (core.live.relay), which works on the embedded SQLite default too.
LIVE_REDIS_URL = env.str("LIVE_REDIS_URL", default=Q_REDIS_URL)
if LIVE_REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A socket's receive blocks on Redis for 5 s at a time (channels_redis), and
            # redis-py 8 times reads out after 5 s by default: give reads more.
            "CONFIG": {
                "hosts": [{"address": LIVE_REDIS_URL, "socket_timeout": 15}],
                "prefix": "opencsm-live",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# How long a page's live ticket (core.live.ticket) stays good, by default.
LIVE_TICKET_HOURS = env.int("LIVE_TICKET_HOURS", default=12)

# --- Security ---------------------------------------------------------------
# Secure by default outside DEBUG; a TLS-terminating proxy sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Demo -------------------------------------------------------------------
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="opencsm-demo")
# A sweep's first run that finds more due facts than this holds them for a manager's
# choice on the workflows page instead of messaging a whole history (workflows.backlogs).
SWEEP_BACKLOG_THRESHOLD = env.int("SWEEP_BACKLOG_THRESHOLD", default=1000)

# WARNING by default: the console shows what needs a person, not a line per task
# (django-q2's "Enqueued …", "Processed …") or per message; LOG_LEVEL=INFO shows those.
# The handler has the level too: records that loggers with their own level pass up
# (Django's "django" logger is at INFO) are not printed a second time here.
LOG_LEVEL = env.str("LOG_LEVEL", default="WARNING").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "level": LOG_LEVEL}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# --- Notifications ----------------------------------------------------------
# Links in messages point here (unsubscribe, forms, the account page for staff).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Who the customers know: the SaaS company running OpenCSM.
COMPANY_NAME = env.str("COMPANY_NAME", default="Example SaaS")
COMPANY_SUPPORT_EMAIL = env.str("COMPANY_SUPPORT_EMAIL", default="support@example.com")
COMPANY_URL = env.str("COMPANY_URL", default="https://example.com")
# The company's logo beside its name on the customer forms: an https:// address, or a path
# under STATIC_ROOT's sources (e.g. "brand/logo.svg" in static/); empty shows the name alone.
COMPANY_LOGO_URL = env.str("COMPANY_LOGO_URL", default="")
# A sentence or two for the re-engagement e-mail's "What's new"; empty leaves it out.
COMPANY_WHATS_NEW = env.str("COMPANY_WHATS_NEW", default="")
# SMS: "console" writes them to DEV_MAIL_DIR; Twilio sends them when its credentials are set.
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
SMS_BACKEND = env.str("SMS_BACKEND", default="twilio" if TWILIO_ACCOUNT_SID else "console")
# Delivery attempts before a message is marked failed (back-off 1 min → 6 h).
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=6)
# Outbound webhooks are retried with back-off until this many hours after they were
# queued (receivers de-duplicate by delivery id), then given up with the last reason.
WEBHOOK_DEADLINE_HOURS = env.int("WEBHOOK_DEADLINE_HOURS", default=24)
# The only URLs Slack alerts are posted to (a user's alert settings, a team channel).
SLACK_WEBHOOK_URL_PREFIX = env.str(
    "SLACK_WEBHOOK_URL_PREFIX", default="https://hooks.slack.com/services/"
)
# The outbox's caps and quiet hours (notifications.policy; their limits are edited in the
# admin). Off only where a test is about something else and must not depend on the hour.
NOTIFY_POLICY = env.bool("NOTIFY_POLICY", default=True)
# Links customers follow out of messages, into your own systems.
RESCHEDULE_URL = env.str(
    "RESCHEDULE_URL", default=COMPANY_URL.rstrip("/") + "/appointments/{external_id}/reschedule"
)
BILLING_URL = env.str("BILLING_URL", default=COMPANY_URL.rstrip("/") + "/billing")
AFFILIATE_URL = env.str("AFFILIATE_URL", default=COMPANY_URL.rstrip("/") + "/affiliates")
# How long a feedback or request link in a message stays valid.
PORTAL_LINK_DAYS = env.int("PORTAL_LINK_DAYS", default=30)
# Behind a reverse proxy: the header it writes the client's address into (e.g.
# X-Forwarded-For) and how many proxies append to it; empty trusts REMOTE_ADDR only.
TRUSTED_PROXY_HEADER = env.str("TRUSTED_PROXY_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
TESTIMONIAL_URL = env.str("TESTIMONIAL_URL", default=COMPANY_URL.rstrip("/") + "/testimonial")

# --- API and webhooks ----------------------------------------------------------
# Requests per minute per API token; a batch of events is one request.
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
API_MAX_BATCH = 1000
# Largest API request body: a full batch of long, JSON-escaped events fits (a batch
# of 1,000 sign-ups with 199-character Japanese names is 2.7 MB). API only: forms
# keep Django's DATA_UPLOAD_MAX_MEMORY_SIZE.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=10 * 1024 * 1024)
# Stripe's webhook signing secret (whsec_…); webhooks are refused without it.
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
# A paid $0.00 invoice (a trial, a 100 % coupon) is no payment: no receipt, no points.
STRIPE_RECORD_ZERO_INVOICES = env.bool("STRIPE_RECORD_ZERO_INVOICES", default=False)

# --- Conversations (chat) ------------------------------------------------------
# The secret the SaaS product signs each contact's id with for the chat widget
# (conversations.identity); required in production (conversations.E001).
CHAT_IDENTITY_SECRET = env.str("CHAT_IDENTITY_SECRET", default="") or (
    "insecure-dev-chat-secret-only-for-debug" if DEBUG else ""
)
# The first-response time-out: no staff reply within this many business hours alerts
# the owner, within the second the manager; business hours in TIME_ZONE.
CHAT_FIRST_RESPONSE_HOURS = env.float("CHAT_FIRST_RESPONSE_HOURS", default=4)
CHAT_ESCALATION_HOURS = env.float("CHAT_ESCALATION_HOURS", default=8)
CHAT_BUSINESS_HOURS = env.str("CHAT_BUSINESS_HOURS", default="09:00-17:00")
CHAT_BUSINESS_DAYS = env.str("CHAT_BUSINESS_DAYS", default="1-5")
# A team message the contact has not read for this long is also e-mailed to them.
CHAT_EMAIL_UNREAD_AFTER_MINUTES = env.int("CHAT_EMAIL_UNREAD_AFTER_MINUTES", default=10)
