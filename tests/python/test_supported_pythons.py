"""The pinned constraints install on every Python the project supports.

pyproject.toml's requires-python says which; these machines have only one of
them, so for each pip resolves the pins as it would on that Python: a dry run
that accepts wheels only, from PyPI. It proves that every requirement of
pyproject.toml has a wheel for that Python at its pinned version, and that
nothing outside constraints.txt is needed there. `make check-pins` runs this
file alone.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from cs_analytics.settings import PROJECT_DIR

PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())
REQUIRES_PYTHON = SpecifierSet(PYPROJECT["project"]["requires-python"])
SUPPORTED = [v for v in (f"3.{minor}" for minor in range(8, 20)) if f"{v}.0" in REQUIRES_PYTHON]


def pinned_versions() -> dict[str, str]:
    pins = {}
    for line in (PROJECT_DIR / "constraints.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if version:
            pins[canonicalize_name(name)] = version.strip()
    return pins


def requirements() -> list[str]:
    project = PYPROJECT["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def test_the_makefile_offers_the_pythons_pyproject_supports() -> None:
    makefile = (PROJECT_DIR / "Makefile").read_text()
    listed = re.search(r"^SUPPORTED_PYTHONS := (.+)$", makefile, re.MULTILINE)
    assert listed and listed.group(1).split() == SUPPORTED
    assert SUPPORTED == ["3.11", "3.12", "3.13"]


@pytest.mark.parametrize("python_version", SUPPORTED)
def test_pins_resolve_from_wheels(python_version: str, tmp_path: Path) -> None:
    requirements_file = tmp_path / "requirements.txt"
    requirements_file.write_text("\n".join(requirements()) + "\n")
    report = tmp_path / "report.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--quiet",
            "--disable-pip-version-check",
            "--ignore-installed",
            "--only-binary=:all:",
            "--python-version",
            python_version,
            "--target",
            str(tmp_path / "target"),
            "--constraint",
            str(PROJECT_DIR / "constraints.txt"),
            "--requirement",
            str(requirements_file),
            "--report",
            str(report),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    resolved = {
        canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    pins = pinned_versions()
    unpinned = sorted(set(resolved) - set(pins))
    assert unpinned == [], f"Python {python_version} needs packages constraints.txt lacks"
    assert {name: resolved[name] for name in resolved} == {name: pins[name] for name in resolved}
    direct = {canonicalize_name(Requirement(r).name) for r in requirements()}
    assert direct <= set(resolved)
