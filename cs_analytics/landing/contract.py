"""The landing contract of docs/landing_contract.md, read from its one home: the dbt sources.

Each `models/staging/<system>/_<system>__sources.yml` declares the raw tables of
one source system. Their `config.meta` is the contract:

table meta
    primary_key        columns identifying a row; staging keeps one row per key
    deduplicate_order  the order whose first row wins among rows of one key
    required           true for a table whose absence stops the run (default false)

column meta (all optional)
    type        string (default), timestamp, date, decimal, integer or boolean
    optional    true for a column a file may lack (it lands as null)
    blank       block: an empty value stops the night (a number depends on it);
                warn: counted in the audit and reported;
                allow: the contract expects empties here (counted only).
                Default: block for primary key columns, warn for the others.
    unparsable  block or warn (default) for a typed value that does not parse

Ingestion (before dbt runs) and the GX raw suites read it here; the dbt macros
read the same meta from `graph.sources`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from cs_analytics.settings import PROJECT_DIR

ColumnType = Literal["string", "timestamp", "date", "decimal", "integer", "boolean"]
BlankRule = Literal["block", "warn", "allow"]
UnparsableRule = Literal["block", "warn"]

STAGING_DIR = PROJECT_DIR / "models" / "staging"
COLUMN_TYPES = ("string", "timestamp", "date", "decimal", "integer", "boolean")
BLANK_RULES = ("block", "warn", "allow")
UNPARSABLE_RULES = ("block", "warn")


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "string"
    optional: bool = False
    blank: BlankRule = "warn"
    unparsable: UnparsableRule = "warn"

    @property
    def is_typed(self) -> bool:
        return self.type != "string"


@dataclass(frozen=True)
class Table:
    system: str
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    required: bool = False
    deduplicate_order: tuple[str, ...] = ("_loaded_at desc", "_source_row desc")

    @property
    def path(self) -> str:
        """Path of the table inside a landing folder, without extension."""
        return f"{self.system}/{self.name}"

    @property
    def raw_relation(self) -> str:
        """Name of the table in the warehouse's `raw` schema."""
        return f"{self.system}__{self.name}"

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.optional)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


class ContractError(ValueError):
    """The sources YAML does not state a valid contract."""


def _meta(entry: dict[str, Any]) -> dict[str, Any]:
    return (entry.get("config") or {}).get("meta") or {}


def _choice(where: str, key: str, value: Any, allowed: tuple[str, ...]) -> Any:
    if value not in allowed:
        raise ContractError(f"{where}: meta {key} must be one of {allowed}, got {value!r}")
    return value


def _column(where: str, entry: dict[str, Any], primary_key: tuple[str, ...]) -> Column:
    meta = _meta(entry)
    name = entry["name"]
    where = f"{where}.{name}"
    default_blank = "block" if name in primary_key else "warn"
    return Column(
        name=name,
        type=_choice(where, "type", meta.get("type", "string"), COLUMN_TYPES),
        optional=bool(meta.get("optional", False)),
        blank=_choice(where, "blank", meta.get("blank", default_blank), BLANK_RULES),
        unparsable=_choice(where, "unparsable", meta.get("unparsable", "warn"), UNPARSABLE_RULES),
    )


def _table(system: str, entry: dict[str, Any]) -> Table:
    where = f"{system}/{entry['name']}"
    meta = _meta(entry)
    if "primary_key" not in meta or "deduplicate_order" not in meta:
        raise ContractError(f"{where}: meta primary_key and deduplicate_order are required")
    primary_key = tuple(meta["primary_key"])
    columns = tuple(
        _column(where, c, primary_key)
        for c in entry.get("columns", [])
        # `_loaded_at`, `_source_file`, `_source_row` are written by ingestion.
        if not c["name"].startswith("_")
    )
    unknown = set(primary_key) - {c.name for c in columns}
    if unknown:
        raise ContractError(f"{where}: primary key column(s) {sorted(unknown)} are not columns")
    if entry.get("identifier", f"{system}__{entry['name']}") != f"{system}__{entry['name']}":
        raise ContractError(f"{where}: identifier must be {system}__{entry['name']}")
    return Table(
        system=system,
        name=entry["name"],
        columns=columns,
        primary_key=primary_key,
        required=bool(meta.get("required", False)),
        deduplicate_order=tuple(meta["deduplicate_order"]),
    )


def source_files(staging_dir: Path = STAGING_DIR) -> list[Path]:
    return sorted(staging_dir.glob("*/_*__sources.yml"))


@cache
def load_tables(staging_dir: Path = STAGING_DIR) -> tuple[Table, ...]:
    """Every landing table declared in the staging sources, in file then declaration order."""
    tables = []
    for path in source_files(staging_dir):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in document.get("sources", []):
            tables += [_table(source["name"], entry) for entry in source.get("tables", [])]
    if not tables:
        raise ContractError(f"no landing tables declared under {staging_dir}")
    return tuple(tables)


# The order of the systems as docs/landing_contract.md lists them.
_SYSTEM_ORDER = ("crm", "billing", "usage", "support")

TABLES: tuple[Table, ...] = tuple(
    sorted(
        load_tables(),
        key=lambda t: _SYSTEM_ORDER.index(t.system) if t.system in _SYSTEM_ORDER else 99,
    )
)
TABLES_BY_PATH: dict[str, Table] = {t.path: t for t in TABLES}
