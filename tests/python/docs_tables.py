"""The tables of docs/, parsed: the docs are the project's specification, and tests read them.

Tables are written to be parsed: backticked names, one row each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cs_analytics.settings import PROJECT_DIR

DOCS_DIR = PROJECT_DIR / "docs"
MARTS_INTERFACE = DOCS_DIR / "marts_interface.md"
BACKTICKED = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class MarkdownTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _cells(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def markdown_tables(text: str) -> list[MarkdownTable]:
    """Every pipe table of a markdown text: header cells (lower case) and body rows."""
    tables: list[MarkdownTable] = []
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.lstrip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2 and set(block[1].replace("|", "").strip()) <= set("-: "):
            header = tuple(cell.lower() for cell in _cells(block[0]))
            tables.append(MarkdownTable(header, tuple(_cells(row) for row in block[2:])))
        block = []
    return tables


def table_with_header(path: Path, *header: str) -> MarkdownTable:
    found = [t for t in markdown_tables(path.read_text()) if t.header[: len(header)] == header]
    assert len(found) == 1, f"{path.name}: expected one table headed {header}, found {len(found)}"
    for row in found[0].rows:
        assert len(row) == len(found[0].header), f"{path.name}: malformed row {row}"
    return found[0]


def headings(path: Path) -> list[str]:
    """Section headings of a markdown file, outside code fences."""
    titles, in_fence = [], False
    for line in path.read_text().splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and (match := re.match(r"#{1,6}\s+(.+?)\s*#*\s*$", line)):
            titles.append(match.group(1))
    return titles


def names(cell: str) -> list[str]:
    return BACKTICKED.findall(cell)


@cache
def documented_relations() -> dict[str, list[str]]:
    table = table_with_header(MARTS_INTERFACE, "relation", "grain", "required columns")
    relations: dict[str, list[str]] = {}
    for row in table.rows:
        (relation,) = names(row[0])
        assert relation not in relations, f"{relation} is listed twice"
        relations[relation] = names(row[2])
    return relations
