"""Daily FX rates: a mean-reverting random walk around realistic levels.

The walk starts at a fixed epoch (not at --start or --end) and its daily shock
is a hash of (seed, currency, day), so the rate of any day is the same whatever
range is generated.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import numpy as np

from cs_devtools.demo_data.hashing import mix, normal
from cs_devtools.demo_data.timeutil import day_of

FX_EPOCH_DAY = day_of(date(2000, 1, 1))
# currency -> (usd_per_unit level, daily volatility of log rate, decimals written)
FX_LEVELS: dict[str, tuple[float, float, int]] = {
    "EUR": (1.08, 0.0040, 6),
    "JPY": (0.0068, 0.0050, 9),
}
_REVERSION = 0.01
_CURRENCY_KEY = {"EUR": 978, "JPY": 392}


def rate_series(seed: int, currency: str, first_day: int, last_day: int) -> list[Decimal]:
    """usd_per_unit for each day of [first_day, last_day], rounded as written."""
    level, vol, digits = FX_LEVELS[currency]
    days = np.arange(FX_EPOCH_DAY, last_day + 1, dtype=np.int64)
    shocks = normal(mix(seed, _CURRENCY_KEY[currency], days)) * vol
    mu = math.log(level)
    x = mu
    out: list[Decimal] = []
    q = Decimal(1).scaleb(-digits)
    for d, eps in zip(days.tolist(), shocks.tolist(), strict=True):
        x = x + _REVERSION * (mu - x) + eps
        if d >= first_day:
            out.append(Decimal(repr(math.exp(x))).quantize(q))
    return out


def fx_table(seed: int, first_day: int, end_day: int) -> dict[str, list]:
    """billing/fx_rates: one row per day and non-USD currency (USD is implicitly 1)."""
    cols: dict[str, list] = {"rate_date": [], "currency": [], "usd_per_unit": []}
    for currency in FX_LEVELS:
        rates = rate_series(seed, currency, first_day, end_day)
        cols["rate_date"].extend(range(first_day, end_day + 1))
        cols["currency"].extend([currency] * len(rates))
        cols["usd_per_unit"].extend(rates)
    return cols
