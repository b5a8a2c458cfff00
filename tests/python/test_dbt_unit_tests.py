"""The dbt unit tests (known answers for every metric rule), run the way CI should run them.

They are left out of the nightly build: they test the SQL, not the night's data.
dbt needs the input relations to exist to read their column types, so the
project is built empty (`--empty`) on a tiny landing first. They run twice: with
the defaults, and with a run in Tokyo reporting in EUR. A unit test whose answer
depends on the run's timezone, currency or date must say so in its own
`overrides: vars:`; otherwise the second run fails and names it.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cs_analytics.landing.loader import ingest_landing
from cs_analytics.settings import PROJECT_DIR
from cs_devtools.demo_data import generate
from tests.python.conftest import DBT, dbt_env

AS_OF = "2024-04-01"


@pytest.fixture(scope="module")
def empty_warehouse(manifest: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unit")
    landing = folder / "landing"
    generate(landing, accounts=5, start=date(2024, 1, 1), end=date(2024, 3, 31), seed=3)
    database = folder / "unit.duckdb"
    ingest_landing(database, landing, run_id="unit", started_at=datetime.now(UTC))
    dbt(
        database,
        folder,
        [
            "build",
            "--empty",
            "--exclude-resource-type",
            "test",
            "--exclude-resource-type",
            "unit_test",
        ],
        {"as_of_date": AS_OF},
    )
    return database


def dbt(database: Path, folder: Path, args: list[str], vars_: dict[str, str]) -> str:
    done = subprocess.run(
        [DBT, *args, "--vars", json.dumps(vars_), "--target-path", str(folder / "target")],
        cwd=PROJECT_DIR,
        env=dbt_env(DBT_DUCKDB_PATH=str(database)),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, (
        "\n".join(line for line in done.stdout.splitlines() if "FAIL" in line or "ERROR" in line)
        or done.stdout[-3000:]
    )
    return done.stdout


@pytest.mark.parametrize(
    "settings",
    [
        {"as_of_date": AS_OF},
        {
            "as_of_date": "2025-07-15",
            "reporting_timezone": "Asia/Tokyo",
            "reporting_currency": "EUR",
        },
    ],
    ids=["defaults", "tokyo_eur"],
)
def test_every_unit_test_passes(
    empty_warehouse: Path, settings: dict[str, str], manifest: dict
) -> None:
    unit_tests = [n for n in manifest.get("unit_tests", {}).values()]
    assert len(unit_tests) >= 40
    output = dbt(
        empty_warehouse, empty_warehouse.parent, ["test", "--select", "test_type:unit"], settings
    )
    assert f"PASS={len(unit_tests)}" in output
