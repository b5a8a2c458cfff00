"""The HTML report's parts without a browser: labels, lenses, formats, settings, queries.

The browser test (test_report_browser.py) checks the page itself; these pin
what it is made of with known answers.
"""

from __future__ import annotations

import re
import string
from datetime import date

import pytest

from cs_analytics.report_html.formatting import Formatter
from cs_analytics.report_html.i18n import Labels
from cs_analytics.report_html.labels import CATALOGS
from cs_analytics.report_html.lens import LENSES, arrange
from cs_analytics.report_html.queries import DATASETS
from cs_analytics.report_html.sections import SECTIONS, Section
from cs_analytics.settings import REPORT_LANGUAGES, REPORT_PHASES, load_settings


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_label_key_has_both_languages_with_the_same_fields() -> None:
    assert set(CATALOGS) == set(REPORT_LANGUAGES)
    english, japanese = CATALOGS["en"], CATALOGS["ja"]
    assert sorted(set(english) ^ set(japanese)) == []
    different = [key for key in english if _fields(english[key]) != _fields(japanese[key])]
    assert different == []
    untranslated = [
        key
        for key in english
        if english[key] == japanese[key] and re.search(r"[a-z]{4,}", english[key])
    ]
    assert untranslated == []


def test_every_section_and_lens_has_its_labels() -> None:
    for language, catalog in CATALOGS.items():
        missing = [s.id for s in SECTIONS if f"section.{s.id}" not in catalog]
        missing += [p for p in REPORT_PHASES if f"lens.{p}" not in catalog]
        missing += [p for p in REPORT_PHASES if f"lens.{p}.note" not in catalog]
        assert missing == [], language


def test_a_mart_value_without_a_label_is_shown_as_it_is() -> None:
    labels = Labels("ja")
    assert labels.value("band", "red") == "赤"
    assert labels.value("band", "no_such_band") == "no_such_band"
    assert labels.value("band", None) == "—"
    with pytest.raises(ValueError, match="no labels"):
        Labels("fr")


def test_each_lens_leads_with_known_sections_and_keeps_every_section() -> None:
    assert set(LENSES) == set(REPORT_PHASES)
    ids = [section.id for section in SECTIONS]
    for phase, lens in LENSES.items():
        arranged = arrange(phase)
        assert sorted(section.id for section, _ in arranged) == sorted(ids), phase
        assert [section.id for section, emphasised in arranged if emphasised] == list(lens.lead)
        assert set(lens.kpis) <= {
            "mrr",
            "arr",
            "nrr",
            "grr",
            "logo_churn_rate",
            "quick_ratio",
            "accounts",
        }
    assert arrange("launch")[0][0].id == "churned_accounts"
    assert arrange("mature")[0][0].id == "retention"


def test_a_new_section_joins_every_lens_after_its_lead() -> None:
    extra = Section("new_section", lambda context: [])
    for phase in LENSES:
        arranged = [section.id for section, _ in arrange(phase, (*SECTIONS, extra))]
        assert arranged[-1] == "new_section"


def test_a_lens_naming_an_unknown_section_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from cs_analytics.report_html import lens

    monkeypatch.setitem(lens.LENSES, "launch", lens.Lens(lead=("nope",), kpis=()))
    with pytest.raises(ValueError, match="unknown sections"):
        lens.arrange("launch")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            {
                "money": "562.9K USD",
                "big": "6.75M USD",
                "change": "+3.67K",
                "loss": "−1.20K",
                "ratio": "100.4%",
                "points": "+0.1 pp",
                "quick": "1.85",
                "count": "1,234",
                "date": "14 June 2026",
                "month": "June 2026",
                "table": "1,234,568",
            },
        ),
        (
            "ja",
            {
                "money": "56.3万 USD",
                "big": "675.5万 USD",
                "change": "+3,674",
                "loss": "−1,200",
                "ratio": "100.4%",
                "points": "+0.1ポイント",
                "quick": "1.85",
                "count": "1,234",
                "date": "2026年6月14日",
                "month": "2026年6月",
                "table": "1,234,568",
            },
        ),
    ],
)
def test_numbers_and_dates_read_as_each_language_writes_them(
    language: str, expected: dict[str, str]
) -> None:
    fmt = Formatter(language, "USD")
    assert fmt.kpi_value("money", "mrr", 562891.2) == expected["money"]
    assert fmt.kpi_value("money", "arr", 6754694.4) == expected["big"]
    assert fmt.kpi_change("money", "mrr", 3674.36) == expected["change"]
    assert fmt.kpi_change("money", "mrr", -1200) == expected["loss"]
    assert fmt.kpi_value("ratio", "nrr", 1.003575) == expected["ratio"]
    assert fmt.kpi_change("ratio", "nrr", 0.001008) == expected["points"]
    assert fmt.kpi_value("ratio", "quick_ratio", 1.849) == expected["quick"]
    assert fmt.kpi_value("count", "accounts", 1234) == expected["count"]
    assert fmt.date(date(2026, 6, 14)) == expected["date"]
    assert fmt.month(date(2026, 6, 1)) == expected["month"]
    assert fmt.money(1234567.5) == expected["table"]
    assert fmt.kpi_value("ratio", "nrr", None) == "—"
    assert fmt.kpi_value("ratio", "nrr", float("nan")) == "—"


def test_japanese_amounts_group_in_man_and_oku() -> None:
    fmt = Formatter("ja", "JPY")
    assert fmt.money_compact(123_456_789) == "1.23億"
    assert fmt.money_compact(12_345) == "1.23万"
    assert fmt.money_compact(9_999) == "9,999"


def test_report_phase_and_language_are_settings() -> None:
    default = load_settings({})
    assert (default.report_phase, default.report_lang) == ("scaling", "en")
    chosen = load_settings({"REPORT_PHASE": "Mature", "REPORT_LANG": "JA"})
    assert (chosen.report_phase, chosen.report_lang) == ("mature", "ja")
    with pytest.raises(ValueError, match="REPORT_PHASE"):
        load_settings({"REPORT_PHASE": "growth"})
    with pytest.raises(ValueError, match="REPORT_LANG"):
        load_settings({"REPORT_LANG": "fr"})


def test_the_report_only_reads_the_published_marts() -> None:
    for name, sql in DATASETS.items():
        text = " ".join(sql.lower().split())
        assert text.startswith("select "), name
        assert not re.search(r"\b(create|insert|update|delete|attach|copy|install|load)\b", text)
        relations = re.findall(r"\b(?:from|join) ([a-z_.]+)", text)
        assert relations and all(r.startswith("marts.") for r in relations), (name, relations)
