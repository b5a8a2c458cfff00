"""Reading the published warehouse: each dataset of queries.py as a DataFrame, read once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from cs_analytics.report_html.queries import BUILD, DATASETS


@dataclass(frozen=True)
class Build:
    as_of_date: date
    reporting_timezone: str
    reporting_currency: str
    weights_version: str
    last_complete_month: date


class ReportData:
    """The marts the report draws, read from one read-only connection to WAREHOUSE_PATH."""

    def __init__(self, warehouse_path: Path) -> None:
        # External access off: the report reads the warehouse and nothing else.
        self._con = duckdb.connect(
            str(warehouse_path), read_only=True, config={"enable_external_access": False}
        )
        row = self._con.execute(BUILD).fetchone()
        if row is None:
            raise ValueError(f"{warehouse_path}: marts.dim_build is empty")
        self.build = Build(*row)
        self._frames: dict[str, pd.DataFrame] = {}

    def frame(self, name: str) -> pd.DataFrame:
        """Rows of dataset `name`; exact decimals become floats, which is what charts draw."""
        if name not in self._frames:
            frame = self._con.execute(DATASETS[name]).df()
            for column in frame.columns:
                values = frame[column]
                if values.dtype == object and values.map(lambda v: isinstance(v, Decimal)).any():
                    frame[column] = values.map(lambda v: None if v is None else float(v)).astype(
                        "float64"
                    )
            self._frames[name] = frame
        return self._frames[name]

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> ReportData:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
