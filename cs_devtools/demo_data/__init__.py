"""Synthetic demo landing: a B2B SaaS company's CRM, billing, usage and support exports.

Writes the landing layout of docs/landing_contract.md and, under `_truth/`,
the ground truth (MRR, planted lifecycle events, account attributes, defects)
that tests compare the warehouse with. Deterministic and prefix-stable: the
rows of any day depend only on (seed, accounts, start), never on the end date.
"""

from cs_devtools.demo_data.catalog import GENERATOR_VERSION
from cs_devtools.demo_data.generate import (
    DEFAULT_START,
    GenerationSummary,
    ensure_demo_landing,
    generate,
)

__all__ = [
    "DEFAULT_START",
    "GENERATOR_VERSION",
    "GenerationSummary",
    "ensure_demo_landing",
    "generate",
]
