"""docs/ is the project's own specification, so it must say what the code does.

Cheap checks, no dbt build: the landing tables of docs/landing_contract.md
against the contract in code, the relations table of docs/marts_interface.md
against the mart contracts, the vars, seeds and models docs/metrics.md names
against the project, the engine-specific macros of docs/engines.md against
macros/, and every docs path and section cited in the repository.
The docs' tables are written to be parsed: backticked names, one row each.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import pytest
import yaml

from cs_analytics.landing.contract import TABLES
from cs_analytics.settings import PROJECT_DIR
from tests.python.docs_tables import (
    BACKTICKED,
    DOCS_DIR,
    documented_relations,
    headings,
    markdown_tables,
    names,
    table_with_header,
)

if TYPE_CHECKING:
    from cs_analytics.landing.contract import Table

# ---------------------------------------------------------------- landing contract

LANDING = DOCS_DIR / "landing_contract.md"
# `name` (type) or `name` (type, optional); text columns carry no type.
DOC_COLUMN = re.compile(r"`([a-z0-9_]+)`(?:\s*\(([^)]*)\))?")
COLUMN_TYPES = {"timestamp", "date", "decimal", "integer", "boolean"}


@dataclass(frozen=True)
class DocColumn:
    name: str
    type: str
    optional: bool


@dataclass(frozen=True)
class DocLandingTable:
    required: bool
    primary_key: tuple[str, ...]
    columns: tuple[DocColumn, ...]


def _doc_column(name: str, annotation: str) -> DocColumn:
    words = [w.strip() for w in annotation.split(",") if w.strip()]
    unknown = [w for w in words if w not in COLUMN_TYPES | {"optional"}]
    assert unknown == [], f"column {name}: unknown annotation {unknown}"
    types = [w for w in words if w in COLUMN_TYPES]
    assert len(types) <= 1, f"column {name}: several types {types}"
    return DocColumn(name, types[0] if types else "string", "optional" in words)


@cache
def documented_landing_tables() -> dict[str, DocLandingTable]:
    tables: dict[str, DocLandingTable] = {}
    for table in markdown_tables(LANDING.read_text()):
        if table.header[:4] != ("table", "required", "primary key", "columns"):
            continue
        for row in table.rows:
            (path,) = names(row[0])
            assert row[1] in ("yes", "no"), f"{path}: required must be yes or no, not {row[1]!r}"
            assert path not in tables, f"{path} is listed twice"
            tables[path] = DocLandingTable(
                required=row[1] == "yes",
                primary_key=tuple(names(row[2])),
                columns=tuple(_doc_column(n, a) for n, a in DOC_COLUMN.findall(row[3])),
            )
    return tables


def test_landing_contract_lists_every_contract_table() -> None:
    assert sorted(documented_landing_tables()) == sorted(t.path for t in TABLES)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.path)
def test_landing_contract_table_matches_the_code(table: Table) -> None:
    documented = documented_landing_tables().get(table.path)
    assert documented is not None, f"{table.path} is not in docs/landing_contract.md"
    assert documented.required == table.required, "required table?"
    assert documented.primary_key == tuple(table.primary_key), "primary key"
    in_code = [DocColumn(c.name, c.type, c.optional) for c in table.columns]
    assert list(documented.columns) == in_code, "columns (name, type, optional), in order"


def test_landing_contract_blocking_parse_columns_match_the_raw_suites() -> None:
    from expectations.suites import CRITICAL, RAW_SUITES

    unparsable = re.compile(r"^(?:(\w+)__unparsable|unparsable_(\w+))$")
    blocking: dict[str, set[str]] = {}
    for suite in RAW_SUITES:
        for expectation in suite.expectations():
            severity = getattr(expectation.severity, "value", expectation.severity)
            match = unparsable.match(getattr(expectation, "column", None) or "")
            if match and severity == CRITICAL:
                blocking.setdefault(suite.target, set()).add(match.group(1) or match.group(2))
    table = table_with_header(LANDING, "table", "columns where an unparsable value blocks")
    documented = {names(row[0])[0]: set(names(row[1])) for row in table.rows}
    assert documented == blocking


# ---------------------------------------------------------------- marts interface


def public_marts(manifest: dict) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["original_file_path"].startswith("models/marts/")
    }


def test_marts_interface_lists_every_public_mart(manifest: dict) -> None:
    assert sorted(documented_relations()) == sorted(public_marts(manifest))


def test_marts_interface_columns_are_under_contract(manifest: dict) -> None:
    marts = public_marts(manifest)
    problems = []
    for relation, columns in documented_relations().items():
        node = marts.get(relation)
        if node is None:
            problems.append(f"{relation}: no such mart")
            continue
        if not node["config"]["contract"]["enforced"]:
            problems.append(f"{relation}: contract not enforced")
        problems += [
            f"{relation}.{column}: not a contracted column"
            for column in columns
            if not node["columns"].get(column, {}).get("data_type")
        ]
        assert columns, f"{relation}: no required columns listed"
    assert problems == []


# ---------------------------------------------------------------- metrics configuration

METRICS = DOCS_DIR / "metrics.md"


def test_metrics_vars_match_dbt_project() -> None:
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    table = table_with_header(METRICS, "var", "default", "meaning")
    documented = {names(row[0])[0]: names(row[1])[0] for row in table.rows}
    in_project = {name: '""' if value == "" else str(value) for name, value in project_vars.items()}
    assert documented == in_project


def test_metrics_seeds_match_the_project(manifest: dict) -> None:
    seeds = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "seed"}
    table = table_with_header(METRICS, "seed", "configures")
    assert sorted(names(row[0])[0] for row in table.rows) == sorted(seeds)


# Backticked words that name a dbt node, optionally schema- or column-qualified.
NODE_NAME = re.compile(r"^(?:stg|int|fct|dim|rpt|audit|quarantine|snap|assert)_[a-z0-9_]+$")


def test_docs_name_only_existing_models_columns_and_tests(manifest: dict) -> None:
    nodes = {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] in ("model", "snapshot", "seed", "test")
    }
    problems = []
    for path in sorted(DOCS_DIR.glob("*.md")):
        for token in sorted(set(BACKTICKED.findall(path.read_text()))):
            parts = token.split(".")
            for i, part in enumerate(parts):
                if not NODE_NAME.match(part):
                    continue
                if part not in nodes:
                    problems.append(f"{path.name}: `{token}` names no model, snapshot or test")
                elif i + 1 < len(parts) and parts[i + 1] not in nodes[part].get("columns", {}):
                    problems.append(f"{path.name}: `{token}` names no documented column")
    assert problems == []


# ---------------------------------------------------------------- engines

ENGINES = DOCS_DIR / "engines.md"
MACRO_FORM = re.compile(r"\{%-?\s*macro\s+(default|duckdb|spark)__(\w+)\s*\(")
ENGINE_MATERIALIZATION = re.compile(
    r"\{%-?\s*materialization\s+(\w+)\s*,\s*adapter\s*=\s*['\"](duckdb|spark)['\"]"
)
# The words of the doc's `variants` column: "default" is the project's default__ form,
# "dbt's default" dbt's own (the project has none).
VARIANT_WORD = re.compile(r"dbt's default|\bdefault\b|\bduckdb\b|\bspark\b")


@dataclass(frozen=True)
class EngineForms:
    files: frozenset[str]
    variants: frozenset[str]


def engine_specific_macros() -> dict[str, EngineForms]:
    """Every macro X of macros/ with a duckdb__X or spark__X form, and every materialization
    for one of the two adapters: the files of its engine forms, and its variants."""
    files: dict[str, set[str]] = {}
    variants: dict[str, set[str]] = {}
    for path in sorted((PROJECT_DIR / "macros").rglob("*.sql")):
        text = path.read_text()
        forms = MACRO_FORM.findall(text)
        forms += [(engine, name) for name, engine in ENGINE_MATERIALIZATION.findall(text)]
        for form, name in forms:
            variants.setdefault(name, set()).add(form)
            if form != "default":
                files.setdefault(name, set()).add(path.relative_to(PROJECT_DIR).as_posix())
    engine_specific = {}
    for name in files:
        own_default = "default" in variants[name]
        words = variants[name] if own_default else variants[name] | {"dbt's default"}
        engine_specific[name] = EngineForms(frozenset(files[name]), frozenset(words))
    return engine_specific


def test_every_engine_specific_macro_is_in_docs_engines() -> None:
    in_code = engine_specific_macros()
    assert in_code, "no duckdb__ or spark__ macro found: the pattern is wrong"
    table = table_with_header(ENGINES, "macro", "file", "variants", "why the engines differ")
    rows: dict[str, tuple[str, ...]] = {}
    for row in table.rows:
        assert len(names(row[0])) == 1, f"one backticked macro per row, not {row[0]!r}"
        assert names(row[0])[0] not in rows, f"{row[0]} is listed twice"
        rows[names(row[0])[0]] = row
    missing = sorted(set(in_code) - set(rows))
    stale = sorted(set(rows) - set(in_code))
    assert (missing, stale) == ([], []), (
        f"missing from docs/engines.md: {missing}; stale rows (no duckdb__/spark__ form): {stale}"
    )
    problems = []
    for name, forms in sorted(in_code.items()):
        if set(names(rows[name][1])) != forms.files:
            problems.append(f"{name}: file {names(rows[name][1])}, in code {sorted(forms.files)}")
        if set(VARIANT_WORD.findall(rows[name][2])) != forms.variants:
            problems.append(f"{name}: variants {rows[name][2]!r}, in code {sorted(forms.variants)}")
    assert problems == []


# ---------------------------------------------------------------- references in the repository


@cache
def repository_texts() -> dict[str, str]:
    """Every tracked (or new, not ignored) text file of the repository."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    texts = {}
    for name in listed:
        try:
            texts[name] = (PROJECT_DIR / name).read_text(encoding="utf-8")
        except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
            continue
    assert texts, "git listed no files"
    return texts


DOCS_PATH = re.compile(r"(?<![\w/.-])docs/([A-Za-z0-9_-]+\.md)")
# A cited section: a docs path, a comma and the section inside parentheses (or after
# a ";" within them), or a docs path followed by sections in parentheses. Comment
# markers at line starts are folded away first, so a citation may wrap lines.
CITATION = re.compile(r"[(;]\s*docs/([a-z_]+\.md),\s*([^)]*)\)|docs/([a-z_]+\.md)\s+\(([^)]*)\)")
LINE_BREAK = re.compile(r"\s*\n[ \t]*(?:#+|--|//|\*)?[ \t]*")


def test_every_docs_path_in_the_repository_exists() -> None:
    missing = sorted(
        f"{name}: docs/{doc}"
        for name, text in repository_texts().items()
        for doc in set(DOCS_PATH.findall(text))
        if not (DOCS_DIR / doc).is_file()
    )
    assert missing == []


def unmatched_sections(section_text: str, titles: list[str]) -> list[str]:
    """What of a cited section list ("A, B and C: prose") names no heading."""
    text = section_text.replace('"', "").split(":")[0].strip()
    by_length = sorted(titles, key=len, reverse=True)
    while text:
        title = next(
            (
                t
                for t in by_length
                if text.lower().startswith(t.lower())
                and (len(text) == len(t) or not text[len(t)].isalnum())
            ),
            None,
        )
        if title is None:
            return [text]
        text = text[len(title) :].lstrip(" ,")
        text = text[4:] if text.lower().startswith("and ") else text
    return []


def citation_problems(doc: str, cited: str) -> list[str]:
    """Problems of one citation of docs/<doc> with its section text (maybe several, ;-separated)."""
    problems = []
    for part in cited.split(";"):
        part = part.strip()
        if part.startswith("docs/"):
            inner, _, rest = part.partition(",")
            inner_doc = inner.removeprefix("docs/").strip()
            problems += citation_problems(inner_doc, rest) if rest.strip() else []
            continue
        if not (DOCS_DIR / doc).is_file():
            return [f"docs/{doc} does not exist"]
        problems += [
            f"docs/{doc} has no section {text!r}"
            for text in unmatched_sections(part, headings(DOCS_DIR / doc))
        ]
    return problems


def test_every_cited_docs_section_exists() -> None:
    problems = []
    for name, text in repository_texts().items():
        folded = LINE_BREAK.sub(" ", text)
        for match in CITATION.finditer(folded):
            if match.group(1):
                doc, cited = match.group(1), match.group(2)
            else:
                doc, cited = match.group(3), match.group(4)
            problems += [f"{name}: {p}" for p in citation_problems(doc, cited)]
    assert problems == []


def test_no_file_refers_to_the_external_spec() -> None:
    # Built from parts so that this file does not match itself.
    needle = "/".join(("shared", "spec"))
    offenders = sorted(name for name, text in repository_texts().items() if needle in text)
    assert offenders == []


def test_citation_checks_catch_a_wrong_section() -> None:
    """The section matcher is strict enough to fail: a check that cannot fail checks nothing."""
    titles = ["MRR", "MRR movements", "Time", "Onboarding, adoption, time to value"]
    assert unmatched_sections("MRR movements: fx", titles) == []
    assert unmatched_sections("MRR, Time and MRR movements", titles) == []
    assert unmatched_sections('"Onboarding, adoption, time to value"', titles) == []
    assert unmatched_sections("MRR bridges", titles) == ["bridges"]
    assert unmatched_sections("Retention", titles) == ["Retention"]
