# Installer Ops. `make run` and `make test` work on a fresh machine: each sets
# up what it needs (virtual environment, packages, Debian's Chromium, poppler
# and redis-server for the tests, throwaway PostgreSQL/Redis when none answers).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The test run uses the machine's real services where they answer at these
# URLs; where one does not, tests/services.py starts a throwaway one for the run.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/installer_ops
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# Inside `make test` the URLs actually in use (tests/services.py sets these).
SUITE_DATABASE_URL = $${SERVICES_DATABASE_URL:-$(TEST_DATABASE_URL)}
SUITE_REDIS_URL = $${SERVICES_REDIS_URL:-$(TEST_REDIS_URL)}

.PHONY: run serve test test-suites lint setup setup-test system-packages messages messages-extract test-postgres test-sqlite screenshots bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.base-installed $@

setup: $(VENV)/.base-installed messages

setup-test: $(VENV)/.dev-installed system-packages messages

## messages: compile the translation catalogues (locale/<language>/LC_MESSAGES/*.po into the
## git-ignored .mo files Django reads), so `make run` and `make test` serve the current wording.
## compilemessages calls msgfmt from Debian's gettext, installed with apt only when missing.
messages: $(VENV)/.base-installed
	@command -v msgfmt >/dev/null || { \
		echo "Installing Debian package for the translations: gettext"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; }
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

## messages-extract: gather the strings marked for translation into every catalogue under locale/
## (django: Python and templates; djangojs: the tablet app's static JS, not the vendored libraries).
## Existing translations are kept; new strings arrive empty, changed ones marked fuzzy.
MESSAGE_LANGUAGES := $(patsubst locale/%/LC_MESSAGES,%,$(wildcard locale/*/LC_MESSAGES))
messages-extract: $(VENV)/.base-installed
	$(PY) manage.py makemessages $(addprefix -l ,$(MESSAGE_LANGUAGES)) \
		--ignore=.venv --ignore=var --ignore=node_modules --ignore=tests
	$(PY) manage.py makemessages -d djangojs $(addprefix -l ,$(MESSAGE_LANGUAGES)) \
		--ignore=.venv --ignore=var --ignore=node_modules --ignore=tests --ignore=static/vendor --ignore=staticfiles

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

## system-packages: what the tests use from Debian: chromium for Playwright (its own browser download
## does not work here), poppler-utils (pdftotext, pdftoppm read the PDFs the tests make), redis-server
## (the broker-outage test runs one of its own) and fonts-ipaexfont-gothic (the Japanese glyphs of the
## PDFs, as in the Docker image). Installed with apt only when missing.
system-packages:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/pdftotext ] || missing="$$missing poppler-utils"; \
	command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || missing="$$missing redis-server"; \
	[ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] || missing="$$missing fonts-ipaexfont-gothic"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages for the tests:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@/usr/bin/chromium --version 2>/dev/null

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=installer_ops.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=installer_ops.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

## test: lint, then (with PostgreSQL and Redis: the configured ones, or throwaway ones) the whole
## suite on PostgreSQL and the embedded SQLite smoke run. Each pytest run fails if it executes
## fewer tests than it collected (tests/run_counts.py).
test: setup-test lint
	$(PY) -m tests.services --database-url '$(TEST_DATABASE_URL)' --redis-url '$(TEST_REDIS_URL)' \
		-- $(MAKE) --no-print-directory test-suites

test-suites: test-postgres test-sqlite

test-postgres:
	DATABASE_URL=$(SUITE_DATABASE_URL) REDIS_URL=$(SUITE_REDIS_URL) $(BIN)/pytest -n 2 --dist loadgroup

test-sqlite:
	DATABASE_URL= REDIS_URL= $(BIN)/pytest -m smoke -p no:xdist

## screenshots: walk every page of every role at 390, 820 and 1280 px (the browser test) and
## replace docs/screenshots/ with what it saw
screenshots: setup-test
	EVERY_PAGE_SCREENSHOTS=1 DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest -p no:xdist tests/e2e/test_every_page.py
	$(PY) -m tests.e2e.screenshots

## bench: the performance figures of docs/scaling.md, each against a floor measured in the same run
## (bench/kpis.py: KPI rebuild, incremental refresh, workers; bench/load.py: sync under 200 tablets;
## bench/pages.py: the dashboard, queue and board at scale). Takes about half an hour.
BENCHES := bench/kpis.py bench/load.py bench/pages.py
bench: $(VENV)/.dev-installed messages
	@for script in $(BENCHES); do DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache
