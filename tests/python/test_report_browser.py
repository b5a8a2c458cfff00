"""The morning report in a real browser: offline, every chart drawn, the KPI header = the marts.

Debian's chromium (installed by `make browser-deps` when the tests run as root
on Debian, as CI does) opens the report from disk with the network cut off:
chromium starts without background networking, the page's context is offline,
and every request that is not for the file itself is recorded and refused.
Elsewhere the tests skip and say why; under CI=true a missing browser fails.
The reports are drawn from the shared demo night (`clean_warehouse`): its own
report (lens `scaling`, English), then Japanese and the other two lenses.
A screenshot of each is kept under target/report-screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cs_analytics.report_html import write_html_report
from cs_analytics.report_html.formatting import Formatter
from cs_analytics.report_html.labels import CATALOGS
from cs_analytics.report_html.lens import LENSES, arrange
from cs_analytics.settings import PROJECT_DIR
from tests.python.ci_requirements import skip_or_fail_under_ci
from tests.python.pipeline_helpers import AS_OF, query

CHROMIUM = Path("/usr/bin/chromium")
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
SCREENSHOTS = PROJECT_DIR / "target" / "report-screenshots"
# What a page may load: the report file itself and what its scripts make in memory.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def _missing_requirement() -> str | None:
    if not CHROMIUM.is_file():
        return (
            f"the browser test needs Debian's chromium at {CHROMIUM}: `make browser-deps` "
            "installs it (with fonts-noto-cjk) when run as root on Debian"
        )
    if not CJK_FONT.is_file():
        return f"the Japanese report test needs a CJK font ({CJK_FONT}, Debian's fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the browser test needs the pinned playwright package (`make setup`)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    missing = _missing_requirement()
    if missing:
        skip_or_fail_under_ci(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # The system's chromium; playwright never downloads a browser of its own.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@dataclass
class OpenedReport:
    path: Path
    sections: list[str]
    emphasised: list[str]
    charts: list[dict]
    kpis: list[dict]
    texts: dict[str, str]
    network_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    screenshot: Path | None = None


CHARTS_JS = """
() => [...document.querySelectorAll('.plotly-graph-div')].map(div => {
    const box = div.getBoundingClientRect();
    // A trace's drawn marks (legend entries are `g.traces`, not `g.trace`); a heatmap is
    // one image, drawn on a canvas and embedded as a data URL.
    const marks = div.querySelectorAll('g.trace path, g.trace image, .heatmaplayer image');
    const drawn = [...marks].filter(el => el.tagName === 'image'
        ? (el.getAttribute('href') || '').startsWith('data:image/')
        : (el.getAttribute('d') || '').length > 2);
    return {id: div.id, svg: div.querySelectorAll('svg.main-svg').length,
            width: box.width, height: box.height, marks: drawn.length};
})
"""

KPIS_JS = """
() => [...document.querySelectorAll('.kpi[data-kpi]')].map(card => ({
    code: card.dataset.kpi, raw: card.dataset.value,
    label: card.querySelector('.label').textContent.trim(),
    value: card.querySelector('.value').textContent.trim()}))
"""

# Two different CJK glyphs drawn in the page's font: with a CJK font they differ and are
# full-width; without one both are the same .notdef box.
GLYPHS_JS = """
() => {
    const font = getComputedStyle(document.body).fontFamily;
    const draw = ch => {
        const canvas = document.createElement('canvas');
        canvas.width = 48; canvas.height = 48;
        const g = canvas.getContext('2d');
        g.font = `32px ${font}`; g.fillStyle = '#000'; g.textBaseline = 'top';
        g.fillText(ch, 4, 4);
        return {width: g.measureText(ch).width, pixels: canvas.toDataURL()};
    };
    return {kai: draw('解'), yaku: draw('約'), latin: draw('i')};
}
"""


def open_report(browser: object, path: Path, name: str) -> OpenedReport:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1400, "height": 900}, offline=True
    )
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []

    def refuse_network(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()  # type: ignore[attr-defined]
        else:
            requests.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", refuse_network)
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(LOCAL_SCHEMES) else requests.append(request.url)
        ),
    )
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d._fullLayout)"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    screenshot = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(screenshot))
    page.screenshot(path=str(SCREENSHOTS / f"{name}_full.png"), full_page=True)
    print(f"\nscreenshot of the {name} report: {screenshot}")
    opened = OpenedReport(
        path=path,
        sections=page.eval_on_selector_all(
            "[data-section]", "els => els.map(e => e.dataset.section)"
        ),
        emphasised=page.eval_on_selector_all(
            "section.emphasised", "els => els.map(e => e.dataset.section)"
        ),
        charts=page.evaluate(CHARTS_JS),
        kpis=page.evaluate(KPIS_JS),
        texts={
            "title": page.inner_text("h1"),
            "lens": page.inner_text("#lens"),
            "as_of": page.inner_text("#as-of"),
            "language": page.inner_text("#language"),
            "body": page.inner_text("body"),
            "html_lang": page.get_attribute("html", "lang") or "",
        },
        network_requests=requests,
        console_errors=errors,
        screenshot=screenshot,
    )
    if name.startswith("ja"):
        opened.texts["glyphs"] = page.evaluate(GLYPHS_JS)  # type: ignore[assignment]
    context.close()
    return opened


@pytest.fixture(scope="module")
def reports(
    browser: object, clean_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, OpenedReport]:
    """The night's own report (scaling, English), and the others drawn from the same marts."""
    nightly = clean_warehouse.parent / "reports" / f"nightly_{AS_OF}.html"
    assert nightly.is_file(), "the nightly wrote no HTML report"
    opened = {"en_scaling": open_report(browser, nightly, "en_scaling")}
    for name, phase, language in (
        ("ja_scaling", "scaling", "ja"),
        ("en_launch", "launch", "en"),
        ("en_mature", "mature", "en"),
    ):
        path = write_html_report(clean_warehouse, tmp_path_factory.mktemp(name), phase, language)
        opened[name] = open_report(browser, path, name)
    return opened


REPORT_NAMES = ["en_scaling", "ja_scaling", "en_launch", "en_mature"]


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_the_report_opens_offline_without_a_request_or_an_error(
    reports: dict[str, OpenedReport], name: str
) -> None:
    report = reports[name]
    assert report.network_requests == []
    assert report.console_errors == []
    assert report.screenshot is not None and report.screenshot.stat().st_size > 10_000


@pytest.mark.parametrize("name", REPORT_NAMES)
def test_every_chart_is_drawn(reports: dict[str, OpenedReport], name: str) -> None:
    charts = reports[name].charts
    assert len(charts) >= 15, [chart["id"] for chart in charts]
    undrawn = [
        chart["id"]
        for chart in charts
        if chart["svg"] == 0 or chart["width"] < 200 or chart["height"] < 200 or chart["marks"] == 0
    ]
    assert undrawn == []


# The sections that list rows of one report mart, and say so when it has none (the
# small demo night has no account at risk and no recent churn; `make run`'s has both).
LISTED_MART = {
    "at_risk": "rpt_report_at_risk_accounts",
    "churned_accounts": "rpt_report_recent_churns",
    "renewals": "rpt_report_renewals_due",
}


def test_every_section_is_filled_or_says_its_mart_is_empty(
    reports: dict[str, OpenedReport], clean_warehouse: Path
) -> None:
    html = reports["en_scaling"].path.read_text(encoding="utf-8")
    empty = CATALOGS["en"]["page.empty"]
    bodies = {
        body.split('"', 1)[0]: body.split("</section>", 1)[0]
        for body in html.split('data-section="')[1:]
    }
    assert list(bodies) == reports["en_scaling"].sections
    unfilled = {
        section
        for section, body in bodies.items()
        if not any(mark in body for mark in ("data-chart=", "<td"))
    }
    assert all(empty in bodies[section] for section in unfilled)
    assert unfilled <= set(LISTED_MART), unfilled
    for section in unfilled:
        assert query(clean_warehouse, f"select count(*) from marts.{LISTED_MART[section]}") == [
            (0,)
        ]


@pytest.mark.parametrize("name", ["en_scaling", "ja_scaling"])
def test_the_kpi_header_shows_the_marts(
    reports: dict[str, OpenedReport], clean_warehouse: Path, name: str
) -> None:
    language = name.split("_", 1)[0]
    [(currency, last_month)] = query(
        clean_warehouse, "select reporting_currency, last_complete_month from marts.dim_build"
    )
    marts = {
        code: (kind, value)
        for code, kind, value in query(
            clean_warehouse,
            "select kpi_code, value_kind, current_value from marts.rpt_report_kpis "
            "order by kpi_order",
        )
    }
    shown = reports[name].kpis
    assert [card["code"] for card in shown] == list(marts)
    fmt = Formatter(language, currency, CATALOGS[language]["value.none"])
    for card in shown:
        kind, value = marts[card["code"]]
        assert card["label"] == CATALOGS[language][f"value.kpi.{card['code']}"]
        assert card["value"] == fmt.kpi_value(kind, card["code"], value), card
        if value is None:
            assert card["raw"] == ""
        else:
            assert float(card["raw"]) == pytest.approx(float(value), abs=1e-9)
    # The header's marts agree with the marts they come from.
    [(closing_mrr, closing_accounts)] = query(
        clean_warehouse,
        "select closing_mrr, closing_accounts from marts.rpt_mrr_bridge where month = $month",
        {"month": last_month},
    )
    [(nrr, grr)] = query(
        clean_warehouse,
        "select nrr, grr from marts.rpt_retention_kpis where month = $month "
        "and slice_dimension = 'all' and window_months = 1",
        {"month": last_month},
    )
    assert marts["mrr"][1] == closing_mrr and marts["arr"][1] == 12 * closing_mrr
    assert marts["accounts"][1] == closing_accounts
    assert marts["nrr"][1] == nrr and marts["grr"][1] == grr


def test_the_report_says_its_lens_language_and_date(reports: dict[str, OpenedReport]) -> None:
    english, japanese = reports["en_scaling"], reports["ja_scaling"]
    assert english.texts["html_lang"] == "en" and japanese.texts["html_lang"] == "ja"
    assert CATALOGS["en"]["lens.scaling"] in english.texts["lens"]
    assert CATALOGS["ja"]["lens.scaling"] in japanese.texts["lens"]
    assert english.texts["language"] == CATALOGS["en"]["page.language"]
    assert japanese.texts["language"] == CATALOGS["ja"]["page.language"]
    assert english.texts["as_of"] == f"As of {AS_OF.day} January {AS_OF.year}"
    assert japanese.texts["as_of"] == f"基準日 {AS_OF.year}年{AS_OF.month}月{AS_OF.day}日"


def test_the_japanese_report_is_japanese_and_renders_its_glyphs(
    reports: dict[str, OpenedReport],
) -> None:
    report = reports["ja_scaling"]
    body = report.texts["body"]
    assert report.texts["title"] == CATALOGS["ja"]["page.title"]
    for section in report.sections:
        assert CATALOGS["ja"][f"section.{section}"] in body
        assert CATALOGS["en"][f"section.{section}"] not in body
    for term in (
        "解約率",
        "売上継続率",
        "ヘルススコア",
        "オンボーディング",
        "アップセル",
        "クロスセル",
    ):
        assert term in body, term
    glyphs = report.texts["glyphs"]
    # Full-width glyphs of their own, not one missing-glyph box for both.
    assert glyphs["kai"]["pixels"] != glyphs["yaku"]["pixels"]  # type: ignore[index]
    for glyph in ("kai", "yaku"):
        assert 28 <= glyphs[glyph]["width"] <= 36, glyphs  # type: ignore[index]
    assert glyphs["latin"]["width"] < 16  # type: ignore[index]


@pytest.mark.parametrize("phase", sorted(LENSES))
def test_each_lens_orders_and_emphasises_its_sections(
    reports: dict[str, OpenedReport], phase: str
) -> None:
    report = reports[f"en_{phase}"]
    assert report.sections == [section.id for section, _ in arrange(phase)]
    assert report.emphasised == list(LENSES[phase].lead)
    assert report.sections[: len(LENSES[phase].lead)] == list(LENSES[phase].lead)
    assert CATALOGS["en"][f"lens.{phase}"] in report.texts["lens"]
