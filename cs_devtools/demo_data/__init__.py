"""Synthetic demo landing: a B2B SaaS company's CRM, billing, usage and support exports.

Writes the landing layout of docs/landing_contract.md and, under `_truth/`,
the ground truth (MRR, planted lifecycle events, account attributes, defects)
that tests compare the warehouse with. Deterministic and prefix-stable: the
rows of any day depend only on (seed, accounts, start, usage density), never
on the end date; `recut` moves a landing to another end date rewriting only
the files that change. `presets` names the sizes CI and `make bench` use.
"""

from cs_devtools.demo_data.catalog import GENERATOR_VERSION
from cs_devtools.demo_data.generate import (
    DEFAULT_START,
    GenerationSummary,
    LandingArgs,
    RecutSummary,
    add_day,
    ensure_demo_landing,
    generate,
    recut,
)

__all__ = [
    "DEFAULT_START",
    "GENERATOR_VERSION",
    "GenerationSummary",
    "LandingArgs",
    "RecutSummary",
    "add_day",
    "ensure_demo_landing",
    "generate",
    "recut",
]
