"""Shared fixtures: the dbt manifest, and environment isolation for pipeline runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cs_analytics.settings import PROJECT_DIR

DBT = str(Path(sys.executable).with_name("dbt"))


def dbt_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def manifest() -> dict:
    path = PROJECT_DIR / "target" / "manifest.json"
    if not path.exists():
        subprocess.run([DBT, "parse", "--quiet"], cwd=PROJECT_DIR, env=dbt_env(), check=True)
    return json.loads(path.read_text())
