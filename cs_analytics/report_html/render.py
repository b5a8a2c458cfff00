"""The page: the KPI header and the lens's sections into one self-contained HTML file.

plotly.js is inlined once in the page's head and every chart is a div with
its drawing script; there is no link, font or script to fetch, so the file
opens offline. Fonts are the reader's system fonts, CJK first in Japanese.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
import pandas as pd
from plotly.offline import get_plotlyjs

from cs_analytics.report_html.blocks import Block
from cs_analytics.report_html.data import ReportData
from cs_analytics.report_html.formatting import Formatter
from cs_analytics.report_html.i18n import Labels
from cs_analytics.report_html.lens import LENSES, arrange
from cs_analytics.report_html.sections import Context

# System fonts only (no web font is downloaded). Debian's fonts-noto-cjk gives
# "Noto Sans CJK JP"; macOS and Windows have Hiragino and Yu Gothic / Meiryo.
FONT_STACKS = {
    "en": '"Noto Sans", "DejaVu Sans", "Helvetica Neue", Arial, "Noto Sans CJK JP", sans-serif',
    "ja": '"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Hiragino Sans", '
    '"Yu Gothic", Meiryo, "Noto Sans", sans-serif',
}

ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("cs_analytics.report_html", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class KpiCard:
    code: str
    label: str
    value: str
    raw_value: str
    change: str
    previous: str
    trend: str
    emphasised: bool


@dataclass(frozen=True)
class RenderedSection:
    id: str
    title: str
    emphasised: bool
    blocks: list[Block]


def _kpi_cards(data: ReportData, labels: Labels, fmt: Formatter, phase: str) -> list[KpiCard]:
    cards = []
    for _, row in data.frame("kpis").iterrows():
        kind, code = row["value_kind"], row["kpi_code"]
        change, improvement = row["change_value"], row["is_improvement"]
        if pd.isna(improvement) or pd.isna(change) or change == 0:
            trend = "flat"
        else:
            trend = "good" if improvement else "bad"
        cards.append(
            KpiCard(
                code=code,
                label=labels(f"value.kpi.{code}"),
                value=fmt.kpi_value(kind, code, row["current_value"]),
                raw_value=""
                if pd.isna(row["current_value"])
                else repr(float(row["current_value"])),
                change=fmt.kpi_change(kind, code, change),
                previous=labels(
                    "kpi.previous",
                    previous_month=fmt.month(row["previous_month"]),
                    value=fmt.kpi_value(kind, code, row["previous_value"]),
                ),
                trend=trend,
                emphasised=code in LENSES[phase].kpis,
            )
        )
    return cards


def render_report(data: ReportData, phase: str, language: str) -> str:
    labels = Labels(language)
    build = data.build
    fmt = Formatter(language, build.reporting_currency, labels("value.none"))
    font = FONT_STACKS[language]
    context = Context(data, labels, fmt, font)
    sections = [
        RenderedSection(
            section.id, labels(f"section.{section.id}"), emphasised, section.build(context)
        )
        for section, emphasised in arrange(phase)
    ]
    kpis = data.frame("kpis")
    month = kpis["month"].iloc[0] if not kpis.empty else build.last_complete_month
    previous = kpis["previous_month"].iloc[0] if not kpis.empty else None
    return ENVIRONMENT.get_template("report.html.j2").render(
        labels=labels,
        language=language,
        phase=phase,
        font=font,
        build=build,
        as_of=fmt.date(build.as_of_date),
        kpi_heading=labels(
            "kpi.heading", month=fmt.month(month), previous_month=fmt.month(previous)
        ),
        kpis=_kpi_cards(data, labels, fmt, phase),
        sections=sections,
        last_complete_month=fmt.month(build.last_complete_month),
        plotly_js=get_plotlyjs(),
    )
