# Installer Ops. `make run` and `make test` work on a fresh machine: each sets
# up what it needs (virtual environment, packages, Chromium for browser tests).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The test run uses the machine's real services (ARCHITECTURE.md, tests section).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/installer_ops
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run serve test lint setup setup-test browser check-services test-postgres test-sqlite bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/base.txt requirements/dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $(VENV)/.base-installed $@

setup: $(VENV)/.base-installed

setup-test: $(VENV)/.dev-installed browser

## run: set up, migrate, load the demo organisation and serve on http://$(HOST):$(PORT)
run: setup
	mkdir -p var
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## serve: the production processes of docker-compose.yml (gunicorn, a Celery worker, one beat,
## after a one-off migrate) on this machine, against the local PostgreSQL and Redis (deploy/serve.py)
serve: setup
	$(PY) deploy/serve.py

## browser: Debian's Chromium for the Playwright tests (the Playwright download does not work here),
## and poppler-utils, whose pdftotext and pdftoppm read the PDFs the tests make
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/pdftotext ]; then \
		echo "Installing Debian's chromium and poppler-utils for the tests"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; \
	fi
	@/usr/bin/chromium --version

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=installer_ops.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=installer_ops.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

check-services: $(VENV)/.dev-installed
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) -m tests.services

## test: lint, the whole suite on PostgreSQL and Redis, then the embedded SQLite smoke run
test: setup-test lint check-services test-postgres test-sqlite

test-postgres:
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest -n 2 --dist loadgroup

test-sqlite:
	DATABASE_URL= REDIS_URL= $(BIN)/pytest -m smoke -p no:xdist

bench: $(VENV)/.dev-installed
	@ls bench/*.py >/dev/null 2>&1 && for script in bench/*.py; do DATABASE_URL=$(TEST_DATABASE_URL) $(PY) $$script || exit 1; done || echo "No benchmarks yet."

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache
