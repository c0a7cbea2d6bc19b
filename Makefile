# The two commands: `make run` and `make test`. Everything else is here for the curious.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTEST_ARGS ?= -n 2
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test test-fast install lint format migrate seed check-deploy bench load faults screenshots messages clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## make run: the portal at http://127.0.0.1:8000 with a Celery worker and beat (SQLite, no servers).
run: export DEBUG ?= 1
run: export PATH := $(abspath $(BIN)):$(PATH)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(BIN)/honcho start -f Procfile.dev

## make test: lint, then the whole suite (PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set).
test: export SECRET_KEY ?= test-only-not-secret
# The audit key is required when DEBUG is off (makemigrations below); the suite uses its own.
test: export AUDIT_KEYS ?= test:test-only-audit-key-not-secret-0123456789
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run > /dev/null
	$(BIN)/pytest $(PYTEST_ARGS)

## make test-fast: the same without the API fuzzing and the browser journeys (minutes less).
test-fast: export SECRET_KEY ?= test-only-not-secret
test-fast: export AUDIT_KEYS ?= test:test-only-audit-key-not-secret-0123456789
test-fast: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest $(PYTEST_ARGS) -m "not fuzz and not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-deploy: export SECRET_KEY ?= $(shell $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')
check-deploy: export AUDIT_KEYS ?= 1:$(shell $(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')
check-deploy: install
	DEBUG=0 ALLOWED_HOSTS=portal.example.org $(PY) manage.py check --deploy --fail-level WARNING

## make load: 50 users for 60 s against gunicorn on PostgreSQL (not part of CI); see docs/LOAD.md.
load: install
	scripts/loadtest.sh

## make faults: the fault drill on its own PostgreSQL and Redis, two web nodes, a worker and beat
## (needs root); prints the table kept in docs/RELIABILITY.md.
faults: install
	$(PY) scripts/faults.py

## make bench: pages at 1,000 and 100,000 shares on PostgreSQL and gunicorn; see docs/PERFORMANCE.md.
bench: install
	bench/run.sh

## make screenshots: the browser journeys save the main pages to docs/screenshots/.
screenshots: install
	scripts/screenshots.sh

## make messages: collect the interface's strings and compile the Russian catalogue.
messages: export DEBUG ?= 1
messages: install
	$(PY) manage.py makemessages -l ru --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=loadtest
	$(PY) manage.py compilemessages -l ru --ignore=.venv --ignore=var

clean:
	rm -rf $(VENV) var
