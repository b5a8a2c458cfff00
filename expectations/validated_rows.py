"""Which raw rows a raw suite still has to validate: those loaded since it last passed.

Raw rows never change once loaded (a changed file's rows are deleted and its
new content loaded as new rows), and every load is stamped later than all
before it (`_loaded_at`, cs_analytics/landing/loader.py). So when a raw suite
passes, every row loaded up to the newest stamp then in its table is valid
under that suite, and a later night validates only the rows loaded after it:
the night's new and changed files, and the rows of any night since whose
checks failed (they stay in `raw`, but nothing passed them). Rules that
compare rows also read the earlier rows a new row is compared with
(`compared_by`, expectations/raw_suites.py).

The stamp is kept per suite with a fingerprint of the suite's rules and
query: when either changes, the suite validates its whole table again. A
first night, a full refresh (which stamps every row anew) and a working
database without this record validate every row.

Recorded in `audit.raw_check_validations` of the working database, one row per
passing check that validated new rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from cs_analytics.sql import quote_identifier

SCHEMA = "audit"
TABLE = "raw_check_validations"
COLUMNS = """
    suite varchar, suite_fingerprint varchar, validated_through timestamp,
    rows_validated bigint, run_id varchar, validated_at timestamp
"""
# Older than any load: every row of the table is new.
EVERY_ROW = datetime(1, 1, 1)


def _qualified(relation: str) -> str:
    return ".".join(quote_identifier(part) for part in relation.split("."))


def _has_record(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute(
        "select count(*) from duckdb_tables() where schema_name = $schema and table_name = $table",
        {"schema": SCHEMA, "table": TABLE},
    ).fetchone()
    return bool(found and found[0])


def validated_through(con: duckdb.DuckDBPyConnection, suite: str, fingerprint: str) -> datetime:
    """The newest load the suite, as it is now, has passed; EVERY_ROW when none."""
    if not _has_record(con):
        return EVERY_ROW
    found = con.execute(
        f"select max(validated_through) from {SCHEMA}.{TABLE} "
        "where suite = $suite and suite_fingerprint = $fingerprint",
        {"suite": suite, "fingerprint": fingerprint},
    ).fetchone()
    return found[0] if found and found[0] is not None else EVERY_ROW


def newest_load(con: duckdb.DuckDBPyConnection, relation: str, after: datetime) -> datetime | None:
    """The newest `_loaded_at` in `relation` later than `after`; None when nothing is newer."""
    found = con.execute(
        f"select max(_loaded_at) from {_qualified(relation)} where _loaded_at > $after",
        {"after": after},
    ).fetchone()
    return found[0] if found else None


def relation_rows(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    found = con.execute(f"select count(*) from {_qualified(relation)}").fetchone()
    return int(found[0]) if found else 0


def record_validation(
    con: duckdb.DuckDBPyConnection,
    suite: str,
    fingerprint: str,
    through: datetime,
    rows: int,
    run_id: str,
) -> None:
    """Every row of the suite's table loaded up to `through` passed the suite."""
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(f"create table if not exists {SCHEMA}.{TABLE} ({COLUMNS})")
    con.execute(
        f"insert into {SCHEMA}.{TABLE} values "
        "($suite, $fingerprint, $through, $rows, $run_id, $now)",
        {
            "suite": suite,
            "fingerprint": fingerprint,
            "through": through,
            "rows": rows,
            "run_id": run_id,
            "now": datetime.now(UTC).replace(tzinfo=None),
        },
    )
