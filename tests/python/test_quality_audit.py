"""The audit relations are complete: every typed landing column is parse-audited."""

from __future__ import annotations

import re

from cs_analytics.landing.contract import TABLES
from cs_analytics.settings import PROJECT_DIR
from expectations.suites import BLOCKING_PARSE_COLUMNS


def test_parse_audit_covers_every_typed_contract_column() -> None:
    text = (PROJECT_DIR / "macros" / "landing" / "landing_typed_columns.sql").read_text()
    listed = {
        table: re.findall(r"\('(\w+)', '(\w+)'\)", columns)
        for table, columns in re.findall(r"'(\w+/\w+)': \[([^\]]*)\]", text)
    }
    expected = {
        t.path: [(c.name, c.type) for c in t.columns if c.type != "string"]
        for t in TABLES
        if any(c.type != "string" for c in t.columns)
    }
    assert listed == expected


def test_blocking_parse_columns_are_typed_contract_columns() -> None:
    by_path = {t.path: {c.name for c in t.columns if c.type != "string"} for t in TABLES}
    unknown = {
        f"{table}.{column}"
        for table, columns in BLOCKING_PARSE_COLUMNS.items()
        for column in columns
        if column not in by_path.get(table, set())
    }
    assert unknown == set()
