"""What a section is made of: figures, tables and notes, ready for the page template."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class Figure:
    """A chart already rendered to its HTML div (plotly.js itself is on the page once)."""

    kind: ClassVar[str] = "figure"
    name: str
    html: str
    wide: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    # A CSS class of the page: `num` right-aligns, `band-red` etc. draw the band's colour.
    css: str = ""


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    name: str
    headers: list[str]
    rows: list[list[Cell]]
    numeric_columns: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Note:
    kind: ClassVar[str] = "note"
    text: str


Block = Figure | Table | Note


def figure_block(name: str, figure: object, wide: bool = False) -> Figure:
    """A plotly figure as a div and its drawing script, without plotly.js (the page has it once)."""
    html = figure.to_html(  # type: ignore[attr-defined]
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{name}",
        # No mode bar: its buttons and tooltips are English only and offer downloads.
        config={"displayModeBar": False, "responsive": True},
    )
    return Figure(name, html, wide)
