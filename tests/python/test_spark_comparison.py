"""The Spark tests' comparison of a relation with its Spark copy fails where it should.

relation_differences (spark_helpers.py) decides whether a mart built on Spark
equals DuckDB's; this checks it without Spark, on a Parquet file written the
way Spark writes one (timestamps as instants adjusted to UTC).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.python.spark_helpers import relation_differences

ROWS = """
    select * from (values
        ('a', 10.010000000::decimal(38, 9), 0.1::double, timestamp '2026-06-14 15:00:00'),
        ('a', 10.010000000::decimal(38, 9), 0.3::double, timestamp '2026-06-14 15:00:00'),
        ('b', null::decimal(38, 9), null::double, null::timestamp)
    ) as t(account_id, mrr, ratio, created_at)
"""


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"create table duck as {ROWS}")
        yield con


def spark_copy(con: duckdb.DuckDBPyConnection, folder: Path, change: str = "") -> str:
    """The rows as Spark would export them, with `change` (an update) applied first."""
    con.execute(f"create or replace table copied as {ROWS}")
    if change:
        con.execute(change)
    path = folder / "copy.parquet"
    con.execute(
        "copy (select * replace (cast(created_at as timestamptz) as created_at) from copied) "
        f"to '{path}' (format parquet)"
    )
    return f"read_parquet('{path}')"


def test_the_same_rows_are_equal(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    assert relation_differences(con, "duck", spark_copy(con, tmp_path)) == (3, [])


def test_floats_may_differ_in_their_last_bits(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    noisy = spark_copy(con, tmp_path, "update copied set ratio = ratio + 1e-12")
    assert relation_differences(con, "duck", noisy) == (3, [])


@pytest.mark.parametrize(
    "change",
    [
        "update copied set mrr = mrr + 0.000000001 where ratio = 0.1",
        "update copied set ratio = ratio + 1e-8 where ratio = 0.3",
        "update copied set created_at = created_at + interval 1 second where ratio = 0.1",
        "update copied set account_id = 'c' where account_id = 'b'",
        "delete from copied where ratio = 0.3",
        "insert into copied select * from copied where account_id = 'b'",
    ],
)
def test_any_other_difference_is_found(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, change: str
) -> None:
    rows, differences = relation_differences(con, "duck", spark_copy(con, tmp_path, change))
    assert rows == 3
    assert len(differences) >= 1


def test_a_changed_decimal_type_is_a_difference(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = tmp_path / "rounded.parquet"
    con.execute(
        f"copy (select * replace (cast(mrr as decimal(38, 8)) as mrr) from duck) "
        f"to '{path}' (format parquet)"
    )
    _, differences = relation_differences(con, "duck", f"read_parquet('{path}')")
    assert differences and differences[0].startswith("columns differ")
