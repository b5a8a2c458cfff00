"""Store the suites of expectations/suites.py in the file context `expectations/gx/`.

    python -m expectations.register

Idempotent: a suite whose stored expectations already equal the code is left
untouched (so its ids and file do not change); others are replaced, and
stored suites no longer defined in code are removed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import great_expectations as gx

from expectations.suites import ALL_SUITES, SuiteDefinition
from expectations.validate import EXPECTATIONS_DIR, file_context

COMPARED_KEYS = ("type", "kwargs", "severity", "meta")


def comparable(configs: list[dict]) -> list[dict]:
    return [{k: c.get(k) for k in COMPARED_KEYS} for c in configs]


def code_configs(suite: SuiteDefinition) -> list[dict]:
    return comparable([e.configuration.to_json_dict() for e in suite.expectations()])


def register(root: Path = EXPECTATIONS_DIR) -> list[str]:
    """Write every suite that differs from the code; returns the names written or removed."""
    context = file_context(root)
    changed = []
    stored = {s.name: s for s in context.suites.all()}
    for suite in ALL_SUITES:
        current = stored.get(suite.name)
        if current is not None:
            configs = comparable([e.configuration.to_json_dict() for e in current.expectations])
            if configs == code_configs(suite):
                continue
            context.suites.delete(suite.name)
        gx_suite = context.suites.add(
            gx.ExpectationSuite(name=suite.name, meta={"relation": suite.relation})
        )
        for expectation in suite.expectations():
            gx_suite.add_expectation(expectation)
        gx_suite.save()
        changed.append(suite.name)
    defined = {s.name for s in ALL_SUITES}
    for name in sorted(set(stored) - defined):
        context.suites.delete(name)
        changed.append(name)
    return changed


if __name__ == "__main__":
    written = register()
    print("\n".join(f"stored {name}" for name in written) or "all suites up to date")
    sys.exit(0)
