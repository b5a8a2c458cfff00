"""Expectation suites, written as code so they are reviewed and versioned like the models.

Raw suites (expectations/raw_suites.py) check each landing table before dbt
runs, from the contract in the staging sources' meta; mart suites
(expectations/mart_suites.py) check what dbt's tests do not on the public marts,
after dbt and before publish. `python -m expectations.register` stores them in
the file context `expectations/gx/`; the checks run the stored suites, and a
test keeps the stored JSON equal to this code.
"""

from __future__ import annotations

from expectations.definitions import CRITICAL, WARNING, SuiteDefinition
from expectations.mart_suites import MART_SUITES, mart_suite
from expectations.raw_suites import RAW_SUITES

ALL_SUITES: tuple[SuiteDefinition, ...] = RAW_SUITES + MART_SUITES
SUITES_BY_NAME: dict[str, SuiteDefinition] = {s.name: s for s in ALL_SUITES}

__all__ = [
    "ALL_SUITES",
    "CRITICAL",
    "MART_SUITES",
    "RAW_SUITES",
    "SUITES_BY_NAME",
    "WARNING",
    "SuiteDefinition",
    "mart_suite",
]
