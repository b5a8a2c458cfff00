"""Running the nightly in tests the way `make run` does, and comparing what it published."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from cs_devtools.demo_data import generate

AS_OF = date(2025, 1, 1)
DEMO = {"accounts": 40, "start": date(2024, 1, 1), "end": date(2024, 12, 31), "seed": 7}


# Two demo accounts with usage events from the first months of the demo.
MERGED, SURVIVOR = "acc_000013", "acc_000000"


def generate_landing(root: Path, dirty: bool = False) -> Path:
    generate(root, dirty=dirty, **DEMO)
    return root


def landing_to(root: Path, end: date, start: date = DEMO["start"]) -> Path:
    """The demo's Parquet landing up to `end`; a later day changes only its month's files."""
    generate(root, DEMO["accounts"], start, end, DEMO["seed"], fmt="parquet")
    return root


def merge_account(landing: Path, merged: str = MERGED, survivor: str = SURVIVOR) -> None:
    """The CRM's re-export (of a Parquet landing) after `merged` was merged into `survivor`."""
    path = landing / "crm" / "accounts.parquet"
    accounts = pq.read_table(path)
    is_merged = pc.equal(accounts["account_id"], merged)
    column = accounts.schema.get_field_index("merged_into_account_id")
    merged_into = pc.if_else(is_merged, survivor, accounts["merged_into_account_id"])
    pq.write_table(accounts.set_column(column, "merged_into_account_id", merged_into), path)


def nightly_env(landing: Path, warehouse: Path, as_of: date = AS_OF) -> dict[str, str]:
    """The environment `make run` reads, in UTC and USD whatever the caller's shell says."""
    return {
        "LANDING_DIR": str(landing),
        "WAREHOUSE_PATH": str(warehouse),
        "REPORT_DIR": str(warehouse.parent / "reports"),
        "AS_OF_DATE": as_of.isoformat(),
        "REPORTING_TIMEZONE": "UTC",
        "REPORTING_CURRENCY": "USD",
    }


def run_nightly(
    monkeypatch: pytest.MonkeyPatch, landing: Path, warehouse: Path, as_of: date = AS_OF
) -> int:
    from orchestration.run import main

    for name, value in nightly_env(landing, warehouse, as_of).items():
        monkeypatch.setenv(name, value)
    return main()


def build_warehouse(
    landing: Path, tmp_path_factory: pytest.TempPathFactory, name: str, as_of: date = AS_OF
) -> Path:
    """A nightly run that must succeed, into a fresh warehouse folder."""
    path = tmp_path_factory.mktemp(name) / "cs.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        assert run_nightly(patch, landing, path, as_of) == 0, f"the nightly on {landing} failed"
    return path


def working_db(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.stem}.work.duckdb")


def copy_warehouse(warehouse: Path, target_dir: Path) -> Path:
    """The published and working databases in a new folder, for a test that runs again."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for path in (warehouse, working_db(warehouse)):
        shutil.copy2(path, target_dir / path.name)
    return target_dir / warehouse.name


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parquet_digests(warehouse: Path) -> dict[str, str]:
    """Every file of the published Parquet copies (month folders included), by relative path."""
    root = warehouse.with_name(f"{warehouse.stem}_parquet")
    return {p.relative_to(root).as_posix(): digest(p) for p in root.rglob("*") if p.is_file()}


def query(path: Path, sql: str, params: dict | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


# Which dbt invocation wrote a row (macros/tests/get_where_subquery.sql): an incremental
# night and a full refresh write the same rows from different invocations.
ROW_STAMP_COLUMNS = ("dbt_invocation_id",)


def rows_digest(database: Path, relation: str, where: str = "true") -> tuple[int, str]:
    """Row count and an order-independent digest of the selected rows of `relation`
    ("schema.table"), every column but the writer's stamp."""
    schema, name = relation.split(".")
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = $schema and table_name = $name order by ordinal_position",
            {"schema": schema, "name": name},
        ).fetchall()
        listed = ", ".join(f'"{c}"' for (c,) in columns if c not in ROW_STAMP_COLUMNS)
        # Relations and filters are the tests' own constants; columns come from the catalog.
        return con.execute(
            f"select count(*), md5(coalesce(string_agg(cast(t as varchar), chr(10) "
            f"order by cast(t as varchar)), '')) from (select {listed} from {relation} "
            f"where {where}) as t"
        ).fetchone()


def marts_content_hash(path: Path) -> str:
    """An ordered hash over every relation in schema `marts`: names, columns, types, rows."""
    return relations_content_hash(path, "marts")


def relations_content_hash(path: Path, schema: str, names: tuple[str, ...] = ()) -> str:
    """An ordered hash over the relations `names` of `schema` (all when none are named).

    Rows are compared in a total order (every column), so the hash depends on
    content only, not on the physical order a build happened to write.
    """
    digest_ = hashlib.sha256()
    with duckdb.connect(str(path), read_only=True) as con:
        relations = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = $schema order by table_name",
            {"schema": schema},
        ).fetchall()
        assert relations, f"no relations in schema {schema} of {path}"
        for (name,) in relations:
            if names and name not in names:
                continue
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = $schema and table_name = $name order by ordinal_position",
                {"schema": schema, "name": name},
            ).fetchall()
            digest_.update(repr((name, columns)).encode())
            # Names come from the catalog, quoted; no user input.
            relation = ".".join('"' + part.replace('"', '""') + '"' for part in (schema, name))
            for row in con.execute(f"select * from {relation} order by all").fetchall():
                digest_.update(repr(row).encode())
    return digest_.hexdigest()


def assert_night_fails_keeping_marts(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    landing: Path,
    warehouse: Path,
    *messages: str,
) -> str:
    """The night exits 1 saying every one of `messages`; the published file stays byte for byte.

    Returns the error output for further checks.
    """
    before = digest(warehouse)
    parquet_before = parquet_digests(warehouse)
    assert run_nightly(monkeypatch, landing, warehouse) == 1
    err = capsys.readouterr().err
    for message in messages:
        assert message in err, err
    assert digest(warehouse) == before
    assert parquet_digests(warehouse) == parquet_before
    return err
