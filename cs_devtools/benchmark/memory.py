"""Peak resident memory of a process and everything it starts (dbt runs as a child).

Sampled from /proc (Linux): the sum of the resident sets of the process tree,
a few times a second, and the highest sum kept. Shared pages count once per
process that maps them, so the figure errs high, never low. Without /proc
the fallback is getrusage of the finished children: the largest single
process, a lower bound.
"""

from __future__ import annotations

import os
import resource
import sys
import threading
from pathlib import Path

PROC = Path("/proc")
SAMPLE_SECONDS = 0.25
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process still there."""
    parents = {}
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        # the command name may hold spaces and parentheses: the fields follow the last ')'
        fields = text[text.rindex(")") + 2 :].split()
        parents[int(stat.parent.name)] = int(fields[1])
    return parents


def _resident_bytes(pid: int) -> int:
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_resident_bytes(root: int) -> int:
    """Resident bytes of `root` and all its descendants now."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _resident_bytes(pid)
        todo.extend(children.get(pid, []))
    return total


class PeakMemory:
    """Samples a process tree in a background thread until stopped.

    `current` and `peak` are bytes; use as a context manager around the wait.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.current = 0
        self.peak = 0
        self.sampled = PROC.is_dir() and sys.platform.startswith("linux")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.current = tree_resident_bytes(self.pid)
            self.peak = max(self.peak, self.current)
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> PeakMemory:
        if self.sampled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.sampled:
            self._stop.set()
            self._thread.join()
        else:
            # ru_maxrss is in kilobytes on Linux, bytes on macOS
            unit = 1 if sys.platform == "darwin" else 1024
            self.peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * unit
