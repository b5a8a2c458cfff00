"""Finding each contract table's files in a landing folder and checking their columns.

Everything here runs before a single row is loaded, so a landing that breaks
the contract fails the run with every problem named at once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyarrow.parquet as pq

from cs_analytics.landing.contract import TABLES, Table

FileFormat = Literal["csv", "parquet"]
SUFFIXES: dict[str, FileFormat] = {".csv": "csv", ".parquet": "parquet"}


class LandingError(Exception):
    """The landing breaks the contract; the message names every path and column."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "landing does not match docs/landing_contract.md:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


@dataclass(frozen=True)
class LandingFile:
    path: Path
    format: FileFormat
    # Position in the file of each contract column present (None = absent optional column).
    column_positions: dict[str, int | None]
    header: tuple[str, ...]


@dataclass(frozen=True)
class LandingTable:
    table: Table
    files: tuple[LandingFile, ...]

    @property
    def is_absent(self) -> bool:
        return not self.files


def _table_files(landing_dir: Path, table: Table) -> list[Path]:
    base = landing_dir / table.system
    files = [base / f"{table.name}{suffix}" for suffix in SUFFIXES]
    found = [f for f in files if f.is_file()]
    folder = base / table.name
    if folder.is_dir():
        found += [
            f
            for f in folder.rglob("*")
            if f.is_file()
            and f.suffix.lower() in SUFFIXES
            and not any(part.startswith((".", "_")) for part in f.relative_to(folder).parts)
        ]
    # Later file = later load (docs/landing_contract.md), so the order is the sorted path.
    return sorted(found, key=lambda f: f.relative_to(landing_dir).as_posix())


def read_header(path: Path, file_format: FileFormat) -> tuple[str, ...]:
    if file_format == "parquet":
        return tuple(pq.read_schema(path).names)
    # utf-8-sig drops a byte-order mark, which spreadsheet exports often add.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        row = next(csv.reader(handle), None)
    return tuple(row or ())


def _inspect_file(landing_dir: Path, table: Table, path: Path, problems: list[str]) -> LandingFile:
    file_format = SUFFIXES[path.suffix.lower()]
    relative = path.relative_to(landing_dir).as_posix()
    try:
        header = read_header(path, file_format)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        problems.append(f"{relative}: cannot read the header ({error})")
        return LandingFile(path, file_format, {}, ())
    if not header:
        problems.append(f"{relative}: file is empty (no header row)")
        return LandingFile(path, file_format, {}, ())
    normalised = [name.strip().lower() for name in header]
    positions: dict[str, int | None] = {}
    for column in table.columns:
        if column.name in normalised:
            positions[column.name] = normalised.index(column.name)
        elif column.optional:
            positions[column.name] = None
        else:
            problems.append(
                f"{relative}: required column '{column.name}' of table {table.path} is missing"
            )
    return LandingFile(path, file_format, positions, header)


def discover_landing(landing_dir: Path) -> tuple[list[LandingTable], list[str]]:
    """Locate and check every contract table; returns the tables and warnings.

    Raises LandingError naming each missing required table or column.
    """
    if not landing_dir.is_dir():
        raise LandingError([f"landing folder {landing_dir} does not exist"])
    problems: list[str] = []
    warnings: list[str] = []
    tables: list[LandingTable] = []
    for table in TABLES:
        paths = _table_files(landing_dir, table)
        if not paths:
            where = f"{landing_dir / table.path}.csv|.parquet or folder {table.path}/"
            if table.required:
                problems.append(f"required table {table.path} is missing (looked for {where})")
            else:
                warnings.append(f"optional table {table.path} is absent: treated as empty")
        files = tuple(_inspect_file(landing_dir, table, path, problems) for path in paths)
        tables.append(LandingTable(table, files))
    if problems:
        raise LandingError(problems)
    return tables, warnings
