"""Numbers and dates as the report's readers write them, per language.

English: 1,234,567 and 1.23M, 95.2%, 14 June 2026. Japanese: the same digit
grouping and per cent, large amounts in 万 (10^4) and 億 (10^8) as Japanese
business writing does, dates as 2026年6月14日. Money stays in the reporting
currency in both (no ¥ for USD): the currency code goes beside the amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _missing(value: object) -> bool:
    """None, NaN and pandas' NA/NaT alike (what a DataFrame holds for SQL NULL)."""
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Formatter:
    language: str
    currency: str
    none: str = "—"

    # ---------------------------------------------------------------- numbers

    def count(self, value: object) -> str:
        return self.none if _missing(value) else f"{int(value):,}"

    def money(self, value: object) -> str:
        """A whole amount with digit grouping, as in tables."""
        return self.none if _missing(value) else f"{float(value):,.0f}"

    def money_compact(self, value: object, signed: bool = False) -> str:
        """A headline amount: 1.23M (English), 123.5万 (Japanese)."""
        if _missing(value):
            return self.none
        amount = float(value)
        sign = "+" if signed and amount > 0 else ("−" if amount < 0 else "")
        size = abs(amount)
        if self.language == "ja":
            units = ((1e12, "兆"), (1e8, "億"), (1e4, "万"))
        else:
            units = ((1e9, "B"), (1e6, "M"), (1e3, "K"))
        for scale, unit in units:
            if size >= scale:
                return f"{sign}{size / scale:,.{self._compact_digits(size / scale)}f}{unit}"
        return f"{sign}{size:,.0f}"

    @staticmethod
    def _compact_digits(scaled: float) -> int:
        return 2 if scaled < 10 else 1

    def money_with_currency(self, value: object) -> str:
        text = self.money_compact(value)
        return text if text == self.none else f"{text} {self.currency}"

    def percent(self, value: object, digits: int = 1) -> str:
        return self.none if _missing(value) else f"{float(value) * 100:.{digits}f}%"

    def decimal(self, value: object, digits: int = 2) -> str:
        return self.none if _missing(value) else f"{float(value):,.{digits}f}"

    def signed_decimal(self, value: object, digits: int = 1) -> str:
        if _missing(value):
            return self.none
        number = float(value)
        text = f"{abs(number):,.{digits}f}"
        return f"+{text}" if number > 0 else (f"−{text}" if number < 0 else text)

    def points(self, value: object) -> str:
        """A change of a ratio in percentage points."""
        if _missing(value):
            return self.none
        unit = "ポイント" if self.language == "ja" else " pp"
        return f"{self.signed_decimal(float(value) * 100)}{unit}"

    def kpi_value(self, kind: str, code: str, value: object) -> str:
        """A KPI header value by its kind (rpt_report_kpis.value_kind)."""
        if kind == "money":
            return self.money_with_currency(value)
        if kind == "ratio" and code == "quick_ratio":
            return self.decimal(value)
        if kind == "ratio":
            return self.percent(value)
        return self.count(value)

    def kpi_change(self, kind: str, code: str, value: object) -> str:
        if kind == "money":
            return self.money_compact(value, signed=True)
        if kind == "ratio" and code == "quick_ratio":
            return self.signed_decimal(value, 2)
        if kind == "ratio":
            return self.points(value)
        return self.signed_decimal(value, 0)

    # ---------------------------------------------------------------- dates

    def date(self, value: date | None) -> str:
        if value is None:
            return self.none
        if self.language == "ja":
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"

    def month(self, value: date | None) -> str:
        if value is None:
            return self.none
        if self.language == "ja":
            return f"{value.year}年{value.month}月"
        return f"{MONTHS_EN[value.month - 1]} {value.year}"

    # ---------------------------------------------------------------- chart formats (d3)

    @property
    def axis_month_format(self) -> str:
        return "%Y年%-m月" if self.language == "ja" else "%b %Y"

    @property
    def hover_month_format(self) -> str:
        return "%Y年%-m月" if self.language == "ja" else "%B %Y"
