# Gravl — two commands on a fresh machine:
#   make run    set up, migrate, seed and serve on SQLite at http://127.0.0.1:8000
#   make test   set up and run every check (lint, types, tests on SQLite and PostgreSQL)
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
GRAVL := $(BIN)/gravl
# Only `make run`/`make demo` see these (the tests set their own databases and ports).
GRAVL_DATABASE_URL ?= sqlite+aiosqlite:///./var/gravl.db
GRAVL_PORT ?= 8000
# A random signing key made once and kept (mode 0600): never the published development key.
GRAVL_SECRET_KEY_FILE ?= var/secret_key
RUN_ENV := GRAVL_DATABASE_URL='$(GRAVL_DATABASE_URL)' GRAVL_PORT='$(GRAVL_PORT)' \
	GRAVL_SECRET_KEY_FILE='$(GRAVL_SECRET_KEY_FILE)'

# PostgreSQL for the test suite: a throwaway database per run is created inside it.
export GRAVL_TEST_POSTGRES_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/postgres

.PHONY: help setup run demo test lint typecheck pytest postgres tools browser screenshots fuzz bench soak sign-off fmt clean

help:
	@echo "make run    - serve Gravl on SQLite with the built-in content (http://127.0.0.1:$(GRAVL_PORT))"
	@echo "make test   - lint, type-check and run every test on SQLite and PostgreSQL"
	@echo "make fmt    - format the code"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==0.13.9"

# The lock file pins every package; --inexact keeps tools the test target adds on top.
$(VENV)/.synced: $(BIN)/python pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --inexact --quiet
	@touch $@

setup: $(VENV)/.synced

run: setup
	@mkdir -p var
	$(GRAVL) secret-key --file '$(GRAVL_SECRET_KEY_FILE)'
	$(RUN_ENV) $(GRAVL) db upgrade
	$(RUN_ENV) $(GRAVL) seed
	@echo "Gravl on http://127.0.0.1:$(GRAVL_PORT)  (API docs: /docs; a lived-in demo account: make demo)"
	$(RUN_ENV) $(GRAVL) serve --port $(GRAVL_PORT)

demo: setup
	@mkdir -p var
	$(GRAVL) secret-key --file '$(GRAVL_SECRET_KEY_FILE)'
	$(RUN_ENV) $(GRAVL) db upgrade
	$(RUN_ENV) $(GRAVL) seed
	$(RUN_ENV) $(GRAVL) demo

postgres:
	@bash scripts/ensure-postgres.sh

tools: setup
	@bash scripts/install-monitoring-tools.sh
	@bash scripts/install-k8s-tools.sh
	@bash scripts/install-k6.sh

browser: setup
	@bash scripts/install-browser.sh
	@bash scripts/install-lighthouse.sh

# PNGs of every page for the README tour and docs/screenshots/.
screenshots: setup browser
	$(BIN)/python scripts/screenshots.py

# A longer schemathesis run than the one `make test` does.
fuzz: setup postgres
	GRAVL_FUZZ_EXAMPLES=$${GRAVL_FUZZ_EXAMPLES:-200} bash scripts/run-pytest.sh tests/reliability/test_schemathesis.py

lint: setup
	$(BIN)/ruff check gravl tests scripts bench
	$(BIN)/ruff format --check gravl tests scripts bench

typecheck: setup
	$(BIN)/mypy --strict gravl

pytest: setup postgres tools browser
	@bash scripts/run-pytest.sh

test: lint typecheck pytest

# Throughput and latency against a bare FastAPI ceiling, on a seeded PostgreSQL, then the
# middleware's cost layer by layer and py-spy profiles of each endpoint (< 15 minutes); every
# part writes its section of docs/PERFORMANCE.md.
bench: setup postgres
	@bash scripts/install-k6.sh
	@bash scripts/ensure-apt.sh wrk:wrk
	$(BIN)/python bench/run.py
	$(BIN)/python bench/middleware.py --write
	$(BIN)/python bench/profile.py --write

# 15 minutes of the mixed scenario on PostgreSQL, 2 workers: memory per worker every 10 s,
# latency per minute, errors; writes the "## Soak" part of docs/PERFORMANCE.md and its plot.
soak: setup postgres
	@bash scripts/ensure-apt.sh wrk:wrk
	$(BIN)/python bench/soak.py

# Rewrite docs/PRODUCTION_SIGN_OFF.md from the last full run's results (var/junit.xml).
sign-off: setup
	$(BIN)/python scripts/sign_off.py --junit var/junit.xml

fmt: setup
	$(BIN)/ruff format gravl tests
	$(BIN)/ruff check --fix gravl tests

clean:
	rm -rf $(VENV) .tools var .mypy_cache .ruff_cache .pytest_cache .hypothesis
