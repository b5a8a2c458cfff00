"""Progress lines on stderr, so a person watching a big generation sees it move.

Quiet on small runs: a step is reported only once it has taken a noticeable
time, and a loop prints at most one line every few seconds. The lines go to
stderr, so the one-line summary on stdout stays the command's answer.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

SLOW_STEP_SECONDS = 1.0  # a step taking longer than this is reported
FIRST_LINE_AFTER = 2.0  # a loop's first line comes after this many seconds
EVERY_SECONDS = 5.0  # and then at most one line this often


def duration(seconds: float) -> str:
    """`42s`, `3m05s`, `1h02m`: short enough for a progress line."""
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


class Progress:
    """Prints `<label>: ...` lines for steps and for the months of the events loop."""

    def __init__(self, label: str = "generate", stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream
        self._loop_started = 0.0
        self._last_line = 0.0
        self._expected = 0.0

    def say(self, message: str) -> None:
        print(f"{self.label}: {message}", file=self.stream or sys.stderr, flush=True)

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        """Report `what` with its seconds, when it took longer than SLOW_STEP_SECONDS."""
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        if seconds >= SLOW_STEP_SECONDS:
            self.say(f"{what} in {seconds:.1f}s")

    def start_loop(self, expected_events: float) -> None:
        """Before the first month; `expected_events` of all months makes the ETA."""
        self._loop_started = time.perf_counter()
        self._last_line = float("-inf")
        self._expected = expected_events

    def months(self, done: int, total: int, month: str, events: int, expected: float) -> None:
        """After each month of events: months done / total, events so far, rate, ETA.

        `expected` is the mean event count of the months done: later months
        hold more events than early ones, so the ETA goes by events, not months.
        """
        now = time.perf_counter()
        elapsed = now - self._loop_started
        last = done == total
        if elapsed < FIRST_LINE_AFTER or (now - self._last_line < EVERY_SECONDS and not last):
            return
        self._last_line = now
        rate = events / elapsed if elapsed > 0 else 0.0
        share = expected / self._expected if self._expected > 0 else done / total
        eta = elapsed / share * (1 - share) if share > 0 else 0.0
        self.say(
            f"usage events month {done}/{total} ({month}), {events:,} events, "
            f"{rate:,.0f} events/s, elapsed {duration(elapsed)}, ETA {duration(eta)}"
        )
