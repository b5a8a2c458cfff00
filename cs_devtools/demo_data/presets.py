"""Named sizes of the demo company, for CI and for `make bench PRESET=...`.

Each preset fixes every argument, its end date included, so a landing
generated today is the one generated next month and benchmark runs compare
like with like. All are Parquet with month-stable event files (a closed
month keeps its bytes when the landing grows by a day), and their end date
falls mid-month, so the next day rewrites only the current month's events.

The default demo (500 accounts, CSV, up to yesterday) is not a preset: it is
what `make run` generates and publishes, and it stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cs_devtools.demo_data.generate import DEFAULT_SEED, LandingArgs


@dataclass(frozen=True)
class Preset:
    name: str
    accounts: int
    start: date
    end: date
    usage_density: float
    purpose: str
    seed: int = DEFAULT_SEED

    @property
    def args(self) -> LandingArgs:
        return LandingArgs(
            accounts=self.accounts,
            start=self.start,
            seed=self.seed,
            format="parquet",
            usage_density=self.usage_density,
            month_stable=True,
        )


_START = date(2023, 1, 1)
_END = date(2026, 6, 14)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("small", 100, date(2025, 1, 1), _END, 1.0, "what CI runs: 0.4 M usage events"),
        Preset("medium", 10_000, _START, _END, 0.33, "10 k accounts, 30 M usage events"),
        Preset("large", 30_000, _START, _END, 1.08, "30 k accounts, 300 M usage events"),
    )
}
