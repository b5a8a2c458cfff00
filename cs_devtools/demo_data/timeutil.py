"""Day arithmetic on integer day numbers (days since 1970-01-01).

The simulation keeps dates as plain ints and timestamps as int seconds (UTC)
because they are cheap to compare and vectorise; conversion to text happens
once, in the writer.
"""

from __future__ import annotations

from datetime import date, timedelta

EPOCH = date(1970, 1, 1)
_EPOCH_ORD = EPOCH.toordinal()
SECONDS_PER_DAY = 86_400


def day_of(d: date) -> int:
    """Day number of a calendar date."""
    return d.toordinal() - _EPOCH_ORD


def date_of(day: int) -> date:
    """Calendar date of a day number."""
    return date.fromordinal(int(day) + _EPOCH_ORD)


def add_months(day: int, months: int) -> int:
    """Same day-of-month `months` later, clamped to the month's last day."""
    d = date_of(day)
    y, m = divmod(d.year * 12 + (d.month - 1) + months, 12)
    m += 1
    last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
    return day_of(date(y, m, min(d.day, last)))


def month_start(day: int) -> int:
    """First day of the month containing `day`."""
    d = date_of(day)
    return day_of(date(d.year, d.month, 1))


def next_month_start(day: int) -> int:
    """First day of the month after the one containing `day`."""
    d = date_of(day)
    return day_of(date(d.year + (d.month == 12), d.month % 12 + 1, 1))


def month_index(day: int) -> int:
    """Months since 1970-01 of the month containing `day`."""
    d = date_of(day)
    return d.year * 12 + d.month - 1 - 1970 * 12


def clamp_dom(day: int, max_dom: int = 28) -> int:
    """Move a day back so its day-of-month is at most `max_dom`.

    Billing anchors on the 29th-31st would drift through short months; real
    billing systems clamp too, and keeping anchors <= 28 keeps periods regular.
    """
    d = date_of(day)
    return day if d.day <= max_dom else day - (d.day - max_dom)
