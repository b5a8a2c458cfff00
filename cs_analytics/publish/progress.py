"""What publishing did with each mart, in words a person watching the night reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[str], None]


def silent(_: str) -> None:
    """The progress callback when nobody watches."""


def rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


@dataclass(frozen=True)
class PartsWritten:
    """How much of one mart one target (the DuckDB file, the Parquet copy) wrote tonight.

    The rest of the mart's parts were reused from the previous build.
    """

    parts: int
    written: int
    rows: int

    @property
    def reused(self) -> int:
        return self.parts - self.written

    def describe(self, partitioned: bool) -> str:
        if self.written == 0:
            return "reused"
        if not partitioned:
            return "rewritten"
        if self.reused == 0:
            return f"all {self.parts} months rewritten"
        return (
            f"{self.written} of {self.parts} months rewritten ({rows(self.rows)}), the rest reused"
        )


@dataclass(frozen=True)
class MartPublished:
    name: str
    rows: int
    partitioned: bool
    file: PartsWritten
    parquet: PartsWritten
    seconds: float

    def describe(self) -> str:
        return (
            f"publish {self.name}: {rows(self.rows)}; "
            f"DuckDB file {self.file.describe(self.partitioned)}; "
            f"Parquet {self.parquet.describe(self.partitioned)}; {self.seconds:.1f} s"
        )
