"""How far lifecycles run, and months as days."""

from __future__ import annotations

from cs_devtools.demo_data.timeutil import add_months

SIM_YEARS = 12
"""Lifecycles are simulated this many years past --start, whatever --end says."""

MONTH_DAYS = 30.44


def horizon_of(start_day: int) -> int:
    """The last day a lifecycle is simulated to: SIM_YEARS after `start_day`."""
    return add_months(start_day, 12 * SIM_YEARS)


def months_after(day: int, months: float) -> int:
    """The day `months` average months after `day` (a fractional month is fine)."""
    return day + round(months * MONTH_DAYS)
