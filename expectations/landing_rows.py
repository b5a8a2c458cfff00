"""The landing rows a raw suite reads, parsed by staging's own macros and rendered by dbt.

`python -m expectations.register` renders every landing table's query with
macros/landing/landing_check_query.sql (one `dbt compile --inline`) and stores
it with the suite, so a night needs no dbt to run its raw checks and never
parses a value differently from staging. A test keeps the stored queries equal
to what dbt renders now.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cs_analytics.settings import PROJECT_DIR
from expectations.definitions import LANDING_ROWS, SuiteDefinition
from expectations.raw_suites import COMPARED_BY

DBT = str(Path(sys.executable).with_name("dbt"))


class RenderError(RuntimeError):
    """dbt could not render the landing queries."""


def render_landing_rows(project_dir: Path = PROJECT_DIR) -> dict[str, str]:
    """{table path: query} as dbt renders them from the contract and the staging macros."""
    macro = (
        "{{ cs_analytics.landing_check_queries(compared_by="
        + json.dumps({path: list(columns) for path, columns in sorted(COMPARED_BY.items())})
        + ") }}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "target"
        target.mkdir()
        # The project's partial parse, when there is one, spares a full parse.
        partial = project_dir / "target" / "partial_parse.msgpack"
        if partial.exists():
            shutil.copy2(partial, target / partial.name)
        env = {
            **os.environ,
            "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", str(project_dir)),
            # Compiling opens the profile's database: a scratch one, never the warehouse.
            "DBT_DUCKDB_PATH": str(Path(scratch) / "render.duckdb"),
        }
        done = subprocess.run(
            [
                *(DBT, "compile", "--quiet", "--output", "json"),
                *("--target-path", str(target), "--inline", macro),
            ],
            cwd=project_dir,
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise RenderError(f"dbt could not render the landing queries:\n{done.stdout}{done.stderr}")
    return json.loads(json.loads(done.stdout)["compiled"])


def resolve_query(suite: SuiteDefinition, landing_rows: str | None) -> str:
    """The suite's query with the stored landing rows in place (raw suites)."""
    if not suite.reads_landing_rows:
        return suite.query
    if not landing_rows:
        raise LookupError(
            f"suite {suite.name} has no stored landing query; run `python -m expectations.register`"
        )
    return suite.query.replace(LANDING_ROWS, landing_rows)
