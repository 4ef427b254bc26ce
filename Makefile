# Two commands on a fresh machine: `make run` (demo end to end) and `make test`.
# Every target creates .venv itself from pinned versions; nothing is installed by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | sha256sum | cut -c1-12)
DEMO := demo
DAGSTER_HOME := $(CURDIR)/.dagster_home
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: install run test lint format validate dagster docs clean lock browser postgres bench

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	# This machine sets PYTHONDONTWRITEBYTECODE=1: compile once, or every import (and every
	# Dagster step) is about twice as slow.
	$(BIN)/python -m compileall -q -j 0 $(VENV) > /dev/null || true
	touch $@

## The demo: CERN-like exports of five platforms and comments -> warehouse -> published marts.
## Comments come from a local stand-in for the platform APIs, pseudonymised with this machine's
## own demo key (made once, kept in demo/pseudonym.key, never in the repo).
run: install $(DEMO)/pseudonym.key
	$(BIN)/socialkpi demo --exports $(DEMO)/exports --comments $(DEMO)/comments
	SOCIALKPI_PSEUDONYM_KEY=$$(cat $(DEMO)/pseudonym.key) $(BIN)/socialkpi refresh \
	  --exports $(DEMO)/exports --warehouse $(DEMO)/warehouse/socialkpi.duckdb --comments-from $(DEMO)/comments

$(DEMO)/pseudonym.key:
	mkdir -p $(DEMO)
	$(PYTHON) -c "import secrets; print(secrets.token_hex(32))" > $@

## Benchmark: socialkpi refresh on a scale demo against DuckDB alone (SCALE=cern or agency).
SCALE ?= cern
## Then a 100k-row BI extract through PostgreSQL against the same from the published DuckDB
## file, and the p95 time of every README question on the published marts (budget 100 ms).
## At cern only (the same cases at any scale): one X account with a million tweets in one export
## (target: refresh under 60 s), and one more day on top of 1, 5 and 10 years of history
## (bench/history.py).
## ENGINE=spark: the same refreshes on the Spark engine beside the DuckDB ones, nothing else.
ENGINE ?= duckdb
bench: install postgres
ifeq ($(ENGINE),spark)
	$(BIN)/python -m bench.run --scale $(SCALE) --engine spark
else
	$(BIN)/python -m bench.run --scale $(SCALE)
	$(if $(filter cern,$(SCALE)),$(BIN)/python -m bench.big_account)
	$(BIN)/python -m bench.extract --warehouse .bench/$(SCALE)/warehouse/socialkpi.duckdb
	$(BIN)/python -m bench.questions --warehouse .bench/$(SCALE)/warehouse/socialkpi.duckdb
	$(if $(filter cern,$(SCALE)),$(BIN)/python -m bench.history)
endif

## Lint, Dagster definitions, then the whole test suite (real DuckDB, dbt and Dagster runs).
test: install browser postgres lint validate
	$(BIN)/pytest -q

## Debian's Chromium for the browser tests (report, Dagster UI); from the Debian registry.
browser:
	@command -v chromium > /dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; fi; }

## Debian's PostgreSQL 15 and the real BI drivers for the PostgreSQL tests (the suite starts and
## stops its own cluster): pgjdbc, psqlODBC with unixODBC, and a JDK to compile the JDBC client
## (the same JDK runs Spark in local mode for the two-engine tests, SOCIALKPI_ENGINE=spark).
POSTGRES_PACKAGES := postgresql libpostgresql-jdbc-java odbc-postgresql unixodbc unixodbc-dev default-jdk-headless
postgres:
	@{ test -x /usr/lib/postgresql/15/bin/initdb && test -f /usr/share/java/postgresql.jar \
	  && command -v odbcinst > /dev/null && odbcinst -q -d | grep -q "PostgreSQL Unicode" && command -v javac > /dev/null; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(POSTGRES_PACKAGES) > /dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(POSTGRES_PACKAGES) > /dev/null; fi; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project --disable-progress-bar --processes 2
	# The import contracts of pyproject.toml: no upward imports, no demo in production, no cycles.
	$(BIN)/lint-imports --no-logo

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/sqlfluff fix dbt_project --disable-progress-bar

validate: install $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/socialkpi parse
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/dagster definitions validate -w workspace.yaml

# A Dagster instance inside the repo's ignored folders, with the one-writer pool limit.
$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $@

## The Dagster UI on the demo warehouse (http://127.0.0.1:3000): the nightly schedule and the
## new-file and failure-alert sensors are on; alerts go to $$SOCIALKPI_ALERT_WEBHOOK when set.
DAGSTER_PORT ?= 3000
dagster: install $(DAGSTER_HOME)/dagster.yaml $(DEMO)/pseudonym.key
	test -f $(DEMO)/warehouse/socialkpi.duckdb || $(MAKE) run
	$(BIN)/socialkpi parse
	SOCIALKPI_EXPORTS=$(DEMO)/exports SOCIALKPI_WAREHOUSE=$(DEMO)/warehouse/socialkpi.duckdb \
	SOCIALKPI_COMMENTS_FROM=$(DEMO)/comments SOCIALKPI_PSEUDONYM_KEY=$$(cat $(DEMO)/pseudonym.key) \
	SOCIALKPI_DAGSTER_URL=$${SOCIALKPI_DAGSTER_URL:-http://127.0.0.1:$(DAGSTER_PORT)} \
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p $(DAGSTER_PORT)

## The dbt docs of the marts (definitions, lineage, exposures) on http://127.0.0.1:8080, from
## the demo warehouse (`make run` first). Offline: dbt's docs site is one bundled HTML file.
docs: install
	test -f $(DEMO)/warehouse/socialkpi.duckdb || $(MAKE) run
	SOCIALKPI_WAREHOUSE=$(CURDIR)/$(DEMO)/warehouse/socialkpi.duckdb $(BIN)/dbt docs generate \
	  --project-dir dbt_project --profiles-dir dbt_project
	$(BIN)/dbt docs serve --project-dir dbt_project --profiles-dir dbt_project --host 127.0.0.1 --port 8080 --no-browser

clean:
	# publish leaves published/ folders read-only (see README, Connect a BI tool); removing a file
	# needs only its folder writable, so the published files themselves are never made writable
	find $(DEMO) warehouse -type d -exec chmod u+w {} + 2> /dev/null || true
	rm -rf $(DEMO) warehouse lake .bench .dagster_home dbt_project/target dbt_project/logs .pytest_cache

lock: install
	$(BIN)/python -m pip freeze --exclude-editable | sort -f > constraints.txt
