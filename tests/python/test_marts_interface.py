"""The public interface of docs/marts_interface.md: every relation with its columns.

BI tools and acceptance tests outside the project read these names, so a
missing relation or a renamed column is a broken contract even when every
other test passes. The relations and their required columns are read from the
docs' relations table (whose columns test_docs_match_the_project holds to the
enforced mart contracts) and checked on a published demo warehouse, in schema
`marts`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.python.docs_tables import documented_relations


@pytest.fixture(scope="module")
def published_columns(clean_warehouse: Path) -> dict[str, set[str]]:
    with duckdb.connect(str(clean_warehouse), read_only=True) as con:
        rows = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts'"
        ).fetchall()
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    return columns


@pytest.mark.parametrize("relation", sorted(documented_relations()))
def test_relation_is_published_with_its_columns(
    relation: str, published_columns: dict[str, set[str]]
) -> None:
    assert relation in published_columns, f"marts.{relation} is not published"
    missing = [c for c in documented_relations()[relation] if c not in published_columns[relation]]
    assert missing == [], f"marts.{relation} lacks {missing}"
