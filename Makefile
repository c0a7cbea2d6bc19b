# The two commands: `make run` and `make test`. Everything else is here for the curious.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTEST_ARGS ?= -n 2
# Installs are pinned by constraints.txt (the lock file, made by pip-compile: see `make lock`).
LOCK := constraints.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | sha1sum | cut -c1-12)
PIP_COMPILE := $(BIN)/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
	--no-emit-find-links --output-file $(LOCK) pyproject.toml

.PHONY: run test test-fast install lock lock-upgrade lint format migrate seed check-deploy bench load faults nodes screenshots messages clean

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## make lock: after a change to pyproject.toml, pin the new or changed packages in constraints.txt
## (every other pin stays); make lock-upgrade moves every pin to the newest release allowed.
lock: install
	$(PIP_COMPILE)

lock-upgrade: install
	$(PIP_COMPILE) --upgrade

## make run: the portal at http://127.0.0.1:8000 (or PORT: `make run PORT=8010`) with a Celery
## worker and beat (SQLite, no servers).
run: export DEBUG ?= 1
# honcho hands each process a PORT of its own (the web's, plus 100 per process): the portal's
# port goes under another name.
run: export PORTAL_PORT := $(or $(PORT),8000)
run: export PATH := $(abspath $(BIN)):$(PATH)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(BIN)/honcho start -f Procfile.dev

## make test: lint and type check, then the whole suite (PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set).
test: export SECRET_KEY ?= test-only-not-secret
# The audit key is required when DEBUG is off (makemigrations below); the suite uses its own.
test: export AUDIT_KEYS ?= test:test-only-audit-key-not-secret-0123456789
test: export SHARE_MASTER_KEYS ?= test:dGVzdC1vbmx5LXNoYXJlLW1hc3Rlci1rZXktMzJieXQ
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run > /dev/null
	$(BIN)/pytest $(PYTEST_ARGS)

## make test-fast: the edit-test loop: the suite without the browser journeys, the tests that
## start their own servers, the fault drills, the fuzzers and the slow sweeps (markers browser,
## services, faults, fuzz, slow; tests/conftest.py); no lint. `make test` stays the whole suite.
test-fast: export SECRET_KEY ?= test-only-not-secret
test-fast: install
	$(BIN)/pytest $(PYTEST_ARGS) -m "not (browser or services or faults or fuzz or slow)"

lint: export SECRET_KEY ?= test-only-not-secret
lint: export AUDIT_KEYS ?= test:test-only-audit-key-not-secret-0123456789
lint: export SHARE_MASTER_KEYS ?= test:dGVzdC1vbmx5LXNoYXJlLW1hc3Rlci1rZXktMzJieXQ
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-deploy: export SECRET_KEY ?= $(shell $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')
check-deploy: export AUDIT_KEYS ?= 1:$(shell $(PY) -c 'import secrets; print(secrets.token_urlsafe(32))')
check-deploy: export SHARE_MASTER_KEYS ?= 1:$(shell $(PY) -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')
check-deploy: install
	DEBUG=0 ALLOWED_HOSTS=portal.example.org $(PY) manage.py check --deploy --fail-level WARNING

## make load: 50 users for 60 s writing and answering shares on two web nodes, PostgreSQL and
## Redis (not part of CI): no failure, no lost write, no deadlock; see docs/LOAD.md.
load: install
	scripts/loadtest.sh

## make nodes: the portal on two web nodes and two Celery workers on the PostgreSQL and Redis
## that DATABASE_URL and REDIS_URL name (NODES_ARGS="--web 3 --ports 8101,8102,8103"); Ctrl-C stops.
nodes: install
	$(PY) scripts/nodes.py $(NODES_ARGS)

## make faults: the fault drill on its own PostgreSQL and Redis, two web nodes, a worker and beat
## (needs root); prints the table kept in docs/RELIABILITY.md.
faults: install
	$(PY) scripts/faults.py

## make bench: pages at 1,000 and 100,000 shares, the document check at 10,000 to 1,000,000 notices,
## on PostgreSQL and gunicorn; see docs/PERFORMANCE.md.
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
