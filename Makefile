# Alignment dashboard: run, test and lint from a fresh checkout.
# The virtualenv lives in .venv; stamp files inside it record which requirements
# file was last installed, so pip only runs again when that file changes.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
PYTEST_ARGS ?=

RUNTIME_STAMP := $(VENV)/.requirements.stamp
DEV_STAMP := $(VENV)/.requirements-dev.stamp

.DEFAULT_GOAL := help
.PHONY: help run test lint bench pg

help: ## Show the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-6s %s\n", $$1, $$2}'
	@echo "  Variables: PORT=$(PORT) PYTHON=$(PYTHON) PYTEST_ARGS='-n auto' (parallel, optional)"

run: $(RUNTIME_STAMP) ## Migrate, seed demo data if empty, serve on http://localhost:8501 (PORT=...)
	$(PY) -m data_access.setup_db
	$(PY) serve.py --server.port=$(PORT)

test: $(DEV_STAMP) ## Run the whole test suite (browser and PostgreSQL tiers included)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP) ## ruff check and ruff format --check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(DEV_STAMP) ## Benchmark at production scale (bench/; about 10 min, writes bench/results.md)
	@test -d bench || { echo "make bench: there is no bench/ package yet"; exit 1; }
	$(PY) -m bench

pg: ## Start a local PostgreSQL (needs root or sudo) and print TEST_DATABASE_URL
	$(if $(filter 0,$(shell id -u)),,sudo) bash .ci/run --postgres-only

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install -r requirements.txt
	touch $@

$(DEV_STAMP): requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)
