"""The project's own rules, checked on the dbt manifest (dbt-project-evaluator cannot be installed).

Each rule names what it found, so a failure says which model to fix.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from cs_analytics.landing.contract import TABLES
from cs_analytics.settings import PROJECT_DIR

LAYER_PREFIXES = {
    "staging": ("stg_",),
    "intermediate": ("int_",),
    "marts": ("fct_", "dim_", "rpt_"),
    "audit": ("audit_", "quarantine_"),
}


def models(manifest: dict) -> list[dict]:
    return [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "cs_analytics"
    ]


def layer(node: dict) -> str:
    return node["fqn"][1]


def test_the_landing_contract_is_the_staging_sources(manifest: dict) -> None:
    """cs_analytics/landing/contract.py reads the same meta dbt sees."""
    sources = {
        (s["source_name"], s["name"]): s
        for s in manifest["sources"].values()
        if s["original_file_path"].startswith("models/staging/")
    }
    assert set(sources) == {(t.system, t.name) for t in TABLES}
    for table in TABLES:
        source = sources[(table.system, table.name)]
        assert source["identifier"] == table.raw_relation
        assert tuple(source["meta"]["primary_key"]) == table.primary_key, table.path
        assert tuple(source["meta"]["deduplicate_order"]) == table.deduplicate_order
        documented = [c for c in source["columns"] if not c.startswith("_")]
        assert documented == list(table.column_names), table.path


def test_landing_table_names_macro_lists_the_contract_tables() -> None:
    """The names dbt needs while parsing (graph is empty then) are the contract's tables."""
    text = (PROJECT_DIR / "macros" / "landing" / "landing_tables.sql").read_text()
    body = text[text.index("macro landing_table_names") : text.index("endmacro")]
    assert re.findall(r"\('(\w+)', '(\w+)'\)", body) == [(t.system, t.name) for t in TABLES]


def _tested_key(test: dict) -> set[str] | None:
    """The columns a key test holds unique (`unique` or `unique_combination_of_columns`)."""
    metadata = test.get("test_metadata") or {}
    kwargs = metadata.get("kwargs", {})
    if metadata.get("name") == "unique":
        return set(re.findall(r"\w+", test.get("column_name") or kwargs.get("column_name") or ""))
    if metadata.get("name") == "unique_combination_of_columns":
        return set(kwargs.get("combination_of_columns") or [])
    return None


def test_staging_models_deduplicate_by_their_sources_contract(manifest: dict) -> None:
    """Each staging model keeps one row per its source's key, and tests that key unique."""
    by_name = {(t.system, t.name): t for t in TABLES}
    problems = []
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    for node in models(manifest):
        if layer(node) != "staging":
            continue
        system, name = node["name"].removeprefix("stg_").split("__")
        table = by_name[(system, name)]
        call = f"deduplicate_source('renamed', '{system}', '{name}')"
        if call not in node["raw_code"]:
            problems.append(f"{node['name']} does not call {call}")
        keys = [
            key & set(node["columns"])
            for test in tests
            if (key := _tested_key(test)) is not None
            and test["depends_on"]["nodes"] == [node["unique_id"]]
        ]
        if set(table.primary_key) not in keys:
            problems.append(f"{node['name']}: no unique test on {table.primary_key}, has {keys}")
    assert problems == []


def test_staging_unit_tests_state_their_tables_contract(manifest: dict) -> None:
    """dbt compiles unit tests without the graph: each gives its table's key and order as a var."""
    by_model = {f"stg_{t.system}__{t.name}": t for t in TABLES}
    wrong = []
    for test in manifest["unit_tests"].values():
        table = by_model.get(test["model"])
        if table is None:
            continue
        stated = (test.get("overrides") or {}).get("vars", {}).get("landing_contract_in_unit_tests")
        expected = {
            table.path: {
                "primary_key": list(table.primary_key),
                "deduplicate_order": list(table.deduplicate_order),
            }
        }
        if stated != expected:
            wrong.append(f"{test['name']}: {stated} instead of {expected}")
    assert wrong == []


def test_staging_not_null_tests_block_where_the_contract_blocks_a_blank(manifest: dict) -> None:
    """A blank the contract blocks is an error test in staging too; a warned one a warning."""
    columns = {(f"stg_{t.system}__{t.name}", c.name): c.blank for t in TABLES for c in t.columns}
    wrong = []
    for node in manifest["nodes"].values():
        if (node.get("test_metadata") or {}).get("name") != "not_null":
            continue
        model = node["depends_on"]["nodes"][0].split(".")[-1]
        blank = columns.get((model, node["column_name"]))
        if blank is None:
            continue
        expected = {"block": "error", "warn": "warn"}.get(blank, "no test")
        if node["config"]["severity"].lower() != expected:
            wrong.append(f"{model}.{node['column_name']}: blank {blank}, test {expected}?")
    assert wrong == []


def test_every_model_sits_in_a_layer_with_its_prefix(manifest: dict) -> None:
    wrong = [
        n["name"]
        for n in models(manifest)
        if not n["name"].startswith(LAYER_PREFIXES.get(layer(n), ("?",)))
    ]
    assert wrong == []


def test_intermediate_models_are_named_by_their_business_area(manifest: dict) -> None:
    """`int_<area>__<purpose>`, where <area> is the model's folder under intermediate/."""
    wrong = [
        f"{n['original_file_path']}: expected prefix int_{n['fqn'][2]}__"
        for n in models(manifest)
        if layer(n) == "intermediate" and not n["name"].startswith(f"int_{n['fqn'][2]}__")
    ]
    assert wrong == []


def test_unit_tests_sit_beside_the_model_they_test(manifest: dict) -> None:
    nodes = manifest["nodes"]
    misplaced = [
        f"{test['name']} in {test['original_file_path']} tests {test['model']}"
        for test in manifest["unit_tests"].values()
        if test["package_name"] == "cs_analytics"
        for model_id in test["depends_on"]["nodes"][:1]
        if Path(test["original_file_path"]).parent
        != Path(nodes[model_id]["original_file_path"]).parent
    ]
    assert misplaced == []


def test_layers_read_in_one_direction(manifest: dict) -> None:
    problems = []
    for node in models(manifest):
        upstream = node["depends_on"]["nodes"]
        if layer(node) == "staging" and any(not u.startswith("source.") for u in upstream):
            problems.append(f"{node['name']} reads a model")
        if layer(node) == "staging" and len([u for u in upstream if u.startswith("source.")]) != 1:
            problems.append(f"{node['name']} reads more than one source")
        if layer(node) == "marts" and any(u.startswith("source.") for u in upstream):
            problems.append(f"{node['name']} reads a source")
        marts_read = [u for u in upstream if u.split(".")[-1].startswith(("fct_", "dim_", "rpt_"))]
        if layer(node) in ("staging", "intermediate") and marts_read:
            problems.append(f"{node['name']} reads the marts {marts_read}")
    assert problems == []


def test_every_model_and_column_is_documented(manifest: dict) -> None:
    missing = []
    for node in models(manifest):
        if not node["description"].strip():
            missing.append(node["name"])
        missing += [
            f"{node['name']}.{c}"
            for c, spec in node["columns"].items()
            if not spec["description"].strip()
        ]
    assert missing == []


def test_every_model_has_a_primary_key_test(manifest: dict) -> None:
    tested: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("test_metadata"):
            for model in node["depends_on"]["nodes"]:
                tested.setdefault(model, set()).add(node["test_metadata"]["name"])
    key_tests = {"unique", "unique_combination_of_columns"}
    untested = [
        n["name"] for n in models(manifest) if not key_tests & tested.get(n["unique_id"], set())
    ]
    assert untested == []


def test_compound_keys_are_tested_as_columns_not_as_concatenated_text(manifest: dict) -> None:
    """A compound key is `unique_combination_of_columns`, not `unique` on a string built of it."""
    concatenated = [
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and (node.get("test_metadata") or {}).get("name") == "unique"
        and "||" in str(node.get("column_name"))
    ]
    assert concatenated == []


def test_public_marts_enforce_contracts(manifest: dict) -> None:
    loose = [
        n["name"]
        for n in models(manifest)
        if layer(n) == "marts" and not n["config"]["contract"]["enforced"]
    ]
    assert loose == []


def test_contract_enforcement_is_set_once_for_the_marts_folder() -> None:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    assert project["models"]["cs_analytics"]["marts"]["+contract"] == {"enforced": True}
    repeated = [
        str(path.relative_to(PROJECT_DIR))
        for path in (PROJECT_DIR / "models").rglob("*.yml")
        if "enforced:" in path.read_text()
    ]
    assert repeated == []


def test_no_column_description_is_written_twice() -> None:
    """A description shared by several columns is a docs block (`{{ doc(...) }}`), written once."""
    places: dict[str, list[str]] = {}
    for path in sorted((PROJECT_DIR / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        entries = list(document.get("models") or [])
        for source in document.get("sources") or []:
            entries += source.get("tables") or []
        for entry in entries:
            for column in entry.get("columns") or []:
                text = " ".join((column.get("description") or "").split())
                if text and "doc(" not in text:
                    places.setdefault(text, []).append(f"{entry['name']}.{column['name']}")
    assert {text: where for text, where in places.items() if len(where) > 1} == {}


def test_no_pii_column_reaches_a_mart(manifest: dict) -> None:
    pii = {
        c
        for s in manifest["sources"].values()
        for c, spec in s["columns"].items()
        if "pii" in spec.get("tags", []) + spec.get("config", {}).get("tags", [])
    }
    pii_names = {name for name in pii}
    assert {"email"} <= pii_names, "the contacts' PII columns must stay tagged"
    leaking = [
        f"{n['name']}.{c}"
        for n in models(manifest)
        if layer(n) == "marts"
        for c in n["columns"]
        if c in pii_names and (n["name"], c) != ("dim_csms", "full_name")
    ]
    assert leaking == []
