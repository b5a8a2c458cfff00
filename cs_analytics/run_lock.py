"""One nightly at a time per warehouse: an advisory lock file beside WAREHOUSE_PATH.

Two nightlies on one warehouse would fight over the working database (DuckDB
allows one writer) and could publish out of order. The lock is a `flock` on
`.<warehouse>.lock`: the kernel releases it when the holder exits, even on
SIGKILL, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class NightlyAlreadyRunning(RuntimeError):
    """Another process holds the nightly lock of this warehouse."""


def lock_path(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(f".{warehouse_path.name}.lock")


@contextmanager
def nightly_lock(warehouse_path: Path) -> Iterator[Path]:
    path = lock_path(warehouse_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise NightlyAlreadyRunning(
                f"another nightly run (pid {holder}) holds {path}; "
                "this run did nothing. Wait for it to finish, then run again."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield path
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
