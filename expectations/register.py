"""Store the suites of expectations/suites.py in the file context `expectations/gx/`.

    python -m expectations.register

Raw suites also store the query dbt renders for their landing rows
(expectations/landing_rows.py). Idempotent: a suite whose stored expectations
and meta already equal the code is left untouched (so its ids and file do not
change); others are replaced, and stored suites no longer defined in code are
removed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import great_expectations as gx

from expectations.landing_rows import render_landing_rows
from expectations.suites import ALL_SUITES, SuiteDefinition
from expectations.validate import EXPECTATIONS_DIR, file_context

COMPARED_KEYS = ("type", "kwargs", "severity", "meta")


def comparable(configs: list[dict]) -> list[dict]:
    return [{k: c.get(k) for k in COMPARED_KEYS} for c in configs]


def code_configs(suite: SuiteDefinition) -> list[dict]:
    return comparable([e.configuration.to_json_dict() for e in suite.expectations()])


OWN_META_KEYS = ("relation", "landing_rows")


def own_meta(meta: dict | None) -> dict:
    """The stored meta the code defines (GX adds its own, e.g. its version)."""
    return {k: v for k, v in (meta or {}).items() if k in OWN_META_KEYS}


def code_meta(suite: SuiteDefinition, landing_rows: dict[str, str]) -> dict[str, str]:
    """What a suite stores besides its expectations: its relation and landing rows query."""
    meta = {"relation": suite.relation}
    if suite.reads_landing_rows:
        meta["landing_rows"] = landing_rows[suite.target]
    return meta


def register(root: Path = EXPECTATIONS_DIR) -> list[str]:
    """Write every suite that differs from the code; returns what it did, one line a suite."""
    context = file_context(root)
    landing_rows = render_landing_rows()
    changed = []
    stored = {s.name: s for s in context.suites.all()}
    for suite in ALL_SUITES:
        meta = code_meta(suite, landing_rows)
        current = stored.get(suite.name)
        if current is not None:
            configs = comparable([e.configuration.to_json_dict() for e in current.expectations])
            if configs == code_configs(suite) and own_meta(current.meta) == meta:
                continue
            context.suites.delete(suite.name)
        gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.name, meta=meta))
        for expectation in suite.expectations():
            gx_suite.add_expectation(expectation)
        gx_suite.save()
        changed.append(f"stored {suite.name}")
    defined = {s.name for s in ALL_SUITES}
    for name in sorted(set(stored) - defined):
        context.suites.delete(name)
        changed.append(f"removed {name}")
    return changed


if __name__ == "__main__":
    print("\n".join(register()) or "all suites up to date")
    sys.exit(0)
