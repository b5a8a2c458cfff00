"""`make docs`: generate the dbt docs site, whether or not a night has run.

The catalog (column types, row counts) is read from the working database of
the last night when there is one. A fresh clone has none, and DuckDB cannot
create a file in a folder that does not exist, so the site is then generated
against an empty scratch database in target/: every model, column
description and the lineage, without types and counts.
"""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

from cs_analytics.settings import DBT_EXECUTABLE, PROJECT_DIR, RunSettings, load_settings

SCRATCH_CATALOG_DATABASE = PROJECT_DIR / "target" / "docs_catalog.duckdb"


def catalog_database(settings: RunSettings) -> Path:
    """The database dbt reads the catalog from: the last night's, else an empty scratch one."""
    if settings.working_db_path.exists():
        return settings.working_db_path
    return SCRATCH_CATALOG_DATABASE


def generate(settings: RunSettings, target_path: Path) -> Path:
    """Run `dbt docs generate` into `target_path`; returns the site's index.html."""
    database = catalog_database(settings)
    database.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            DBT_EXECUTABLE,
            "docs",
            "generate",
            "--vars",
            settings.dbt_vars_json(),
            "--target-path",
            str(target_path),
        ],
        cwd=PROJECT_DIR,
        env={**os.environ, "DBT_DUCKDB_PATH": str(database)},
        check=True,
    )
    return target_path / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-path", type=Path, default=PROJECT_DIR / "target")
    args = parser.parse_args(argv)
    index = generate(load_settings(), args.target_path.resolve())
    print(f"dbt docs site: {index}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
