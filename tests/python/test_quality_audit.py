"""The audit relations are complete: every landing column's blanks and parse failures counted."""

from __future__ import annotations

from pathlib import Path

from cs_analytics.landing.contract import TABLES
from tests.python.pipeline_helpers import query, working_db


def test_every_contract_column_is_audited_with_its_rules(clean_warehouse: Path) -> None:
    audited = query(
        working_db(clean_warehouse),
        "select table_path, column_name, landing_type, blank_rule, unparsable_rule "
        "from audit.audit_landing_parse_failures order by all",
    )
    expected = sorted(
        (t.path, c.name, c.type, c.blank, c.unparsable) for t in TABLES for c in t.columns
    )
    assert audited == expected


def test_blanks_are_counted_per_table_and_column(clean_warehouse: Path) -> None:
    """The demo leaves blanks only where the contract allows them, and they are counted."""
    counted = query(
        working_db(clean_warehouse),
        "select table_path, column_name, blank_rule, values_blank, values_present, rows_read "
        "from audit.audit_landing_parse_failures where values_blank > 0 order by all",
    )
    assert counted, "the demo has blanks (e.g. open subscription items' valid_to)"
    assert {rule for _, _, rule, *_ in counted} == {"allow"}
    assert all(blank + present == rows for *_, blank, present, rows in counted)
    assert ("billing/subscription_items", "valid_to") in {(t, c) for t, c, *_ in counted}
