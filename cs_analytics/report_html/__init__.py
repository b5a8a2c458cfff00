"""The morning report as one self-contained HTML file (README, "The morning report").

Reads the published marts only (data.py, queries.py), draws them with plotly
(figures.py) into the sections of a registry (sections.py), ordered by the
company-phase lens (lens.py), labelled in English or Japanese (i18n.py,
labels/, formatting.py), and renders one page (render.py, templates/).
"""

from __future__ import annotations

from pathlib import Path

from cs_analytics.report_html.data import ReportData
from cs_analytics.report_html.render import render_report


def write_html_report(
    warehouse_path: Path, report_dir: Path, phase: str = "scaling", language: str = "en"
) -> Path:
    """Write `nightly_<AS_OF_DATE>.html` into report_dir and return its path."""
    with ReportData(warehouse_path) as data:
        html = render_report(data, phase, language)
        as_of = data.build.as_of_date
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / f"nightly_{as_of}.html"
    # Written beside, then renamed: a reader never opens half a report.
    staged = path.with_suffix(".html.tmp")
    staged.write_text(html, encoding="utf-8")
    staged.replace(path)
    return path
