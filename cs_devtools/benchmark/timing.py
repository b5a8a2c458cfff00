"""Wall-clock and CPU seconds of one step of the benchmark."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Seconds:
    """Wall-clock and CPU seconds (user + system, all threads) of one step.

    CPU seconds barely move when other work shares the machine, so their
    ratio is the figure to trust on a busy machine; wall seconds are what a
    user waits on an idle one.
    """

    wall: float
    cpu: float

    @staticmethod
    def best(runs: Sequence[Seconds]) -> Seconds:
        """The fastest wall and the fewest CPU seconds among `runs`."""
        return Seconds(min(r.wall for r in runs), min(r.cpu for r in runs))


def timed(action: Callable[[], object]) -> Seconds:
    """Seconds of `action` run in this process (the plain query runs in-process)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    action()
    return Seconds(time.perf_counter() - started, time.process_time() - cpu_started)


def children_cpu() -> float:
    """CPU seconds of this process's finished children so far (dbt runs as one)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
