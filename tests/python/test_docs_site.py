"""`make docs`: the dbt docs site builds whether or not a night has run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cs_analytics.docs_site import SCRATCH_CATALOG_DATABASE, catalog_database, generate
from cs_analytics.settings import load_settings


def test_a_fresh_clone_builds_the_site_against_a_scratch_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manifest: dict
) -> None:
    monkeypatch.setenv("WAREHOUSE_PATH", str(tmp_path / "no_night_yet" / "cs.duckdb"))
    settings = load_settings()
    assert catalog_database(settings) == SCRATCH_CATALOG_DATABASE
    index = generate(settings, tmp_path / "site")
    assert index.is_file()
    site_manifest = json.loads((tmp_path / "site" / "manifest.json").read_text())
    fct_mrr = site_manifest["nodes"]["model.cs_analytics.fct_mrr"]
    assert fct_mrr["description"] and fct_mrr["columns"]["mrr"]["description"]
    assert json.loads((tmp_path / "site" / "catalog.json").read_text())["nodes"] == {}


def test_after_a_night_the_catalog_has_the_built_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_warehouse: Path
) -> None:
    monkeypatch.setenv("WAREHOUSE_PATH", str(clean_warehouse))
    settings = load_settings()
    assert catalog_database(settings) == settings.working_db_path
    generate(settings, tmp_path / "site")
    catalog = json.loads((tmp_path / "site" / "catalog.json").read_text())["nodes"]
    fct_mrr = catalog["model.cs_analytics.fct_mrr"]
    assert fct_mrr["columns"]["mrr"]["type"].upper().startswith("DECIMAL")
