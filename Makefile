# The two commands a user needs: `make run` and `make test`. Both set up
# everything they need (a pinned .venv, profiles.yml, the dbt manifest) and
# are safe to rerun.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: setup run test dev docs lint manifest bench lock clean

setup: $(STAMP) profiles.yml $(DAGSTER_HOME)/dagster.yaml

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@

profiles.yml: profiles.example.yml
	cp profiles.example.yml $@

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $@

# dagster-dbt reads target/manifest.json when the definitions are imported.
manifest: setup
	$(BIN)/dbt parse --quiet

## run: build the warehouse from the landing folder (the demo data by default)
run: manifest
	$(BIN)/python -m orchestration.run

## test: the whole test suite (what CI runs)
test: manifest
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

## dev: the Dagster UI on http://127.0.0.1:3000 with the nightly schedule
dev: manifest
	$(BIN)/dagster dev --host 127.0.0.1 --port 3000 -m orchestration.definitions

## docs: dbt docs on http://127.0.0.1:8080
docs: manifest
	$(BIN)/dbt docs generate --vars '{as_of_date: "$(or $(AS_OF_DATE),)"}'
	$(BIN)/dbt docs serve --host 127.0.0.1 --port 8080

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DBT_DUCKDB_PATH=$(CURDIR)/target/lint.duckdb $(BIN)/sqlfluff lint models tests/dbt

## bench: the MRR chain against a plain query; e.g. BENCH_ARGS="--accounts 1000000 --skip-tests"
BENCH_ARGS ?= --accounts 100000
bench: manifest
	$(BIN)/python -m cs_devtools.benchmark $(BENCH_ARGS)

## lock: re-pin constraints.txt after changing pyproject.toml
lock: setup
	$(BIN)/pip freeze --exclude-editable | grep -v '^cs-analytics' > constraints.tmp
	mv constraints.tmp constraints.txt

clean:
	rm -rf target logs $(DAGSTER_HOME) warehouse reports
