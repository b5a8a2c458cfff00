# The two commands a user needs: `make run` and `make test`. Both set up
# everything they need (a pinned .venv, profiles.yml, the dbt manifest) and
# are safe to rerun.

# Python 3.11, 3.12 or 3.13 (the first found, preferring 3.11, what CI runs);
# PYTHON=/path/to/python chooses another.
SUPPORTED_PYTHONS := 3.11 3.12 3.13
PYTHON ?= $(firstword $(foreach v,$(SUPPORTED_PYTHONS),$(shell command -v python$(v) 2>/dev/null)) \
	$(shell command -v python3 2>/dev/null))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_PORT ?= 3000
DOCS_PORT ?= 8080
export DBT_PROFILES_DIR := $(CURDIR)
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: setup run test dev docs docs-site lint manifest bench bench-mrr lock check-pins clean \
	browser-deps setup-spark java-spark java-spark-deps spark-smoke-deps lock-spark \
	test-spark test-spark-smoke

setup: $(STAMP) profiles.yml $(DAGSTER_HOME)/dagster.yaml

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "No Python found: install Python 3.11, 3.12 or 3.13"; exit 1; }
	$(PYTHON) -c 'import sys; v = sys.version_info[:2]; assert (3, 11) <= v <= (3, 13), \
		"Python 3.11, 3.12 or 3.13 is required, %s is %d.%d" % (sys.executable, *v)'
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

## run: build the warehouse from the landing folder (the demo data by default); DBT_TARGET=spark
## runs the same nightly on Spark and publishes the marts as Parquet (README, Spark)
run: manifest $(if $(filter spark,$(DBT_TARGET)),setup-spark)
	$(BIN)/python -m orchestration.run

## test: lint, then the whole test suite (what CI runs) in TEST_WORKERS processes (2, one
## per core of CI; each worker builds the shared demo warehouse once for its test files),
## the Spark smoke included (test-spark-smoke; it skips, saying why, where Java 17 cannot
## be installed); the 25 slowest tests are listed at the end, to keep CI inside its budget
TEST_WORKERS ?= 2
test: manifest lint browser-deps spark-smoke-deps
	$(BIN)/python -m pytest --numprocesses $(TEST_WORKERS) --dist loadfile --durations 25

## browser-deps: Debian's chromium and a CJK font for the report's browser test
## (tests/python/test_report_browser.py), installed when running as root on Debian, as CI
## does; elsewhere nothing is installed and that test skips, saying why
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
browser-deps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& { [ ! -x /usr/bin/chromium ] || [ ! -f $(CJK_FONT) ]; }; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends chromium fonts-noto-cjk; \
	fi

## dev: the Dagster UI on http://127.0.0.1:3000 (DEV_PORT) with the nightly schedule
dev: manifest
	$(BIN)/dagster dev --host 127.0.0.1 --port $(DEV_PORT) -m orchestration.definitions

## docs: dbt docs on http://127.0.0.1:8080 (DOCS_PORT), with or without a night behind them
docs: docs-site
	$(BIN)/dbt docs serve --host 127.0.0.1 --port $(DOCS_PORT) --no-browser

docs-site: manifest
	$(BIN)/python -m cs_analytics.docs_site

## lint: ruff, and sqlfluff over the models, snapshots and singular tests (macros are
## linted where they render: sqlfluff's dbt templater skips macro files themselves)
lint: manifest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DBT_DUCKDB_PATH=$(CURDIR)/target/lint.duckdb $(BIN)/sqlfluff lint models snapshots tests/dbt

## bench: a full night and the next one at a demo preset: PRESET=small|medium|large;
## a table on stdout, one JSON object appended to BENCH_RESULTS (README, Benchmarks)
PRESET ?= small
BENCH_DIR ?= bench
BENCH_RESULTS ?= bench_results.json
bench: manifest
	$(BIN)/python -m cs_devtools.benchmark --preset $(PRESET) --bench-dir $(BENCH_DIR) \
		--results $(BENCH_RESULTS)

## bench-mrr: the MRR chain against a plain query; e.g. BENCH_ARGS="--accounts 1000000 --skip-tests"
BENCH_ARGS ?= --accounts 100000
bench-mrr: manifest
	$(BIN)/python -m cs_devtools.benchmark $(BENCH_ARGS)

## check-pins: resolve constraints.txt for every supported Python (wheels only, from PyPI)
check-pins: setup
	$(BIN)/python -m pytest tests/python/test_supported_pythons.py

## lock: re-pin constraints.txt after changing pyproject.toml
lock: setup
	$(BIN)/pip freeze --exclude-editable | grep -v '^cs-analytics' > constraints.tmp
	mv constraints.tmp constraints.txt

## setup-spark: the Spark environment (.venv-spark: dbt-spark's session method on PySpark,
## pinned in constraints-spark.txt) and Java 17, which Spark runs on; installed with apt-get
## when running as root on Debian, as CI does, otherwise an error says what to install
SPARK_VENV := .venv-spark
SPARK_BIN := $(SPARK_VENV)/bin
SPARK_STAMP := $(SPARK_VENV)/.installed
# Spark's scratch (metastore_db, spark-warehouse, derby.log, shuffle files): profiles.yml
# reads it, so nothing Spark writes lands in the repository root.
export SPARK_SCRATCH_DIR ?= $(CURDIR)/.spark
setup-spark: $(SPARK_STAMP) profiles.yml java-spark

$(SPARK_STAMP): requirements-spark.txt constraints-spark.txt
	@test -n "$(PYTHON)" || { echo "No Python found: install Python 3.11, 3.12 or 3.13"; exit 1; }
	test -x $(SPARK_BIN)/python || $(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements-spark.txt -c constraints-spark.txt
	touch $@

# Spark 4 runs on Java 17 or 21: java-spark-deps installs Debian's when running as root on
# Debian and is silent otherwise; java-spark then fails, naming what to install.
JAVA_MAJOR = $$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
java-spark-deps:
	@major=$(JAVA_MAJOR); \
	if [ "$$major" != 17 ] && [ "$$major" != 21 ] \
		&& [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends openjdk-17-jre-headless; \
	fi

java-spark: java-spark-deps
	@major=$(JAVA_MAJOR); \
	if [ "$$major" != 17 ] && [ "$$major" != 21 ]; then \
		echo "Spark needs Java 17 (or 21) as 'java' on PATH, found: $${major:-none}." \
			"Install a Java 17 runtime, e.g. 'apt-get install openjdk-17-jre-headless'" \
			"on Debian/Ubuntu or 'brew install openjdk@17' on macOS."; \
		exit 1; \
	fi

# What `make test` needs for its Spark smoke: the Spark environment, and Java where it can
# be installed (tests/python/test_spark_mrr.py skips without it, saying why, except on CI).
spark-smoke-deps: $(SPARK_STAMP) profiles.yml java-spark-deps

## test-spark: the whole small demo built on Spark (every seed, model, snapshot, unit and data
## test) and every mart equal to DuckDB's, the snapshot's history over several nights equal
## to DuckDB's, incremental nights on Spark equal to a full refresh, and the nightly job on
## Spark publishing the DuckDB night's marts as Parquet (tests/python/test_spark_project.py,
## test_spark_snapshot.py, test_spark_incremental.py, test_spark_nightly.py; not in `make test`)
test-spark: manifest setup-spark
	CS_SPARK_TESTS=1 $(BIN)/python -m pytest tests/python/test_spark_project.py \
		tests/python/test_spark_snapshot.py tests/python/test_spark_incremental.py \
		tests/python/test_spark_nightly.py

## test-spark-smoke: the MRR chain with its unit and data tests on Spark, and fct_mrr equal to
## DuckDB's (tests/python/test_spark_mrr.py, about four minutes: the Spark part of `make test`)
test-spark-smoke: manifest setup-spark
	$(BIN)/python -m pytest tests/python/test_spark_mrr.py

## lock-spark: re-pin constraints-spark.txt after changing requirements-spark.txt
lock-spark: $(SPARK_STAMP)
	{ sed -n '/^#/p' constraints-spark.txt; $(SPARK_BIN)/pip freeze; } > constraints-spark.tmp
	mv constraints-spark.tmp constraints-spark.txt

clean:
	rm -rf target logs $(DAGSTER_HOME) warehouse reports .spark
