"""The company-phase lens (REPORT_PHASE): which sections lead and which KPIs stand out.

The orders live here once, as data. A lens lists the sections it puts first,
in its order, and emphasises them; every other section follows in the
registry's order (sections.SECTIONS), so a new section appears in every lens
without touching this file.

- launch: why customers leave, from the churned accounts, their words and
  the reasons, before any rate;
- scaling: churn and retention rates, onboarding, adoption of the core
  features, and the health of the growing book;
- mature: net revenue retention, expansion (upsell and cross-sell) and the
  health score as an operating tool (bands, its backtest, the alerts and
  theirs, renewals).
"""

from __future__ import annotations

from dataclasses import dataclass

from cs_analytics.report_html.sections import SECTIONS, Section


@dataclass(frozen=True)
class Lens:
    lead: tuple[str, ...]
    kpis: tuple[str, ...]


LENSES: dict[str, Lens] = {
    "launch": Lens(
        lead=("churned_accounts", "churn_reasons", "at_risk"),
        kpis=("logo_churn_rate", "accounts"),
    ),
    "scaling": Lens(
        lead=("retention", "onboarding", "cohorts", "health_bands"),
        kpis=("logo_churn_rate", "grr", "accounts"),
    ),
    "mature": Lens(
        lead=("retention", "expansion", "health_backtest", "alerts", "health_bands", "renewals"),
        kpis=("nrr", "arr", "quick_ratio"),
    ),
}


def arrange(phase: str, sections: tuple[Section, ...] = SECTIONS) -> list[tuple[Section, bool]]:
    """The sections in the lens's order, each with whether the lens emphasises it."""
    lens = LENSES[phase]
    by_id = {section.id: section for section in sections}
    unknown = [name for name in lens.lead if name not in by_id]
    if unknown:
        raise ValueError(f"lens {phase!r} names unknown sections {unknown}")
    led = [(by_id[name], True) for name in lens.lead]
    return led + [(section, False) for section in sections if section.id not in lens.lead]
