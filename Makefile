# OpenCSM: `make run` serves the app with its worker; `make test` runs the whole suite.
SHELL := /bin/bash
# Python 3.11 (Django 5.2 LTS is pinned to it); python3 where that is 3.11.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
DEMO_ACCOUNTS ?= 2000

.PHONY: run test install lint check pytest seed bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# A private key per checkout, made once; the environment overrides it.
.env:
	@echo "DJANGO_DEBUG=true" > .env
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env
	@echo "Wrote .env (DJANGO_DEBUG=true and a fresh SECRET_KEY)."

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "Could not install chromium: the browser tests will be skipped."; \
	else echo "Not root: install Debian's chromium to run the browser tests."; fi

install: $(VENV)/.installed node_modules/.installed .env

# Where `make run` serves; PORT from the environment, as the Procfile's web line reads it.
PORT ?= 8000

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --accounts $(DEMO_ACCOUNTS) --if-empty
# Each in its own process group (set -m); Ctrl-C, a TERM or either one ending
# stops both: the worker finishes the item in hand and exits within 10 s.
# The banner (log-in, address, mail folder) waits until the server answers, so
# it comes after runserver's own lines; only warnings follow it (LOG_LEVEL).
# runserver is daphne's (first in INSTALLED_APPS): the ASGI app, HTTP and the live
# WebSockets, with the static files in DEBUG; the worker's live publishes reach it
# through the database relay (core/live/relay.py), so no Redis is needed.
	@set -m; trap 'trap - INT TERM EXIT; kill -TERM -- -$$worker -$$web 2>/dev/null; wait' INT TERM EXIT; \
	$(PY) manage.py worker & worker=$$!; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT) & web=$$!; \
	until (exec 3<>/dev/tcp/127.0.0.1/$(PORT)) 2>/dev/null || ! kill -0 $$web 2>/dev/null; do sleep 0.5; done; \
	kill -0 $$web 2>/dev/null && $(PY) manage.py dev_banner --url http://127.0.0.1:$(PORT); \
	wait -n

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: install
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=false SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=opencsm.example.com EMAIL_URL=smtp+tls://cs@smtp.example.com:587 \
	  CHAT_IDENTITY_SECRET=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))') \
	  $(PY) manage.py check --deploy --fail-level WARNING

# One worker process per core, each with its own test database (PYTEST_WORKERS=0: one process).
PYTEST_WORKERS ?= auto
pytest: install $(CHROMIUM)
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)

test: lint check pytest

# `make bench` measures on a database of its own (SQLite file, or BENCH_DATABASE_URL);
# the worker part starts `manage.py worker` and gunicorn on BENCH_PORT (Q_REDIS_URL: Redis).
# Quick (< 2 min): make bench BENCH_ACCOUNTS=2000 BENCH_ARGS="--only workers --backlog 5000
#   --interactive 5 --window 10 --timeout 30"; in-process parts only: BENCH_ARGS=--skip-workers.
BENCH_ACCOUNTS ?= 100000
BENCH_BACKLOG ?= 100000
BENCH_PORT ?= 8102
BENCH_ARGS ?=
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/bench/bench.sqlite3
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py migrate --no-input -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench --accounts $(BENCH_ACCOUNTS) \
	  --backlog $(BENCH_BACKLOG) --port $(BENCH_PORT) $(BENCH_ARGS)

seed: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --accounts $(DEMO_ACCOUNTS)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
