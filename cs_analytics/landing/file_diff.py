"""Bringing the raw rows of a changed file up to its new content, row by row.

A file that changed is usually the same export grown or corrected: a month of
events with one more day, a dimension re-exported whole with a few rows
updated. Its rows are paired with those already loaded from it by content
(the n-th copy of identical rows with the n-th copy): a row present in both
keeps its load stamp and position, a row only in the old version is deleted,
and a row only in the new one is inserted with tonight's stamp. So `raw` ends
up holding exactly the file's new content, and staging sees as new only the
rows that are (docs/landing_contract.md, "Nightly ingestion").
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from cs_analytics.sql import quote_identifier

INCOMING = "landing_incoming"


def _numbered(source: str, columns: list[str]) -> str:
    """`source` with `_copy`: the n-th of the rows identical on every contract column."""
    partition = ", ".join(columns)
    return (
        f"select *, row_number() over (partition by {partition} order by _source_row) as _copy "
        f"from {source}"
    )


def _same_row(left: str, right: str, columns: list[str]) -> str:
    pairs = [f"{left}.{c} is not distinct from {right}.{c}" for c in columns]
    return " and ".join([*pairs, f"{left}._copy = {right}._copy"])


def apply_changed_file(
    con: duckdb.DuckDBPyConnection,
    raw_relation: str,
    column_names: tuple[str, ...],
    file_path: str,
    loaded_at: datetime,
) -> tuple[int, int]:
    """Replace the rows of `file_path` in `raw_relation` by those of temp table INCOMING.

    INCOMING holds the file's rows (contract columns and `_source_row`).
    Returns (rows deleted, rows inserted).
    """
    columns = [quote_identifier(c) for c in column_names]
    con.execute(
        "create or replace temp table landing_previous as "
        + _numbered(
            f"(select rowid as _row_ref, * from {raw_relation} where _source_file = $file)", columns
        ),
        {"file": file_path},
    )
    con.execute(f"create or replace temp table landing_current as {_numbered(INCOMING, columns)}")
    deleted = con.execute(
        f"""
        delete from {raw_relation}
        where rowid in (
            select previous._row_ref from landing_previous as previous
            where not exists (
                select 1 from landing_current as current
                where {_same_row("current", "previous", columns)}
            )
        )
        """
    ).fetchone()
    listed = ", ".join(columns)
    inserted = con.execute(
        f"""
        insert into {raw_relation} ({listed}, _loaded_at, _source_file, _source_row)
        select {", ".join(f"current.{c}" for c in columns)}, $loaded_at, $file, current._source_row
        from landing_current as current
        where not exists (
            select 1 from landing_previous as previous
            where {_same_row("previous", "current", columns)}
        )
        """,
        {"loaded_at": loaded_at, "file": file_path},
    ).fetchone()
    for table in ("landing_previous", "landing_current", INCOMING):
        con.execute(f"drop table if exists {table}")
    return int(deleted[0]) if deleted else 0, int(inserted[0]) if inserted else 0
