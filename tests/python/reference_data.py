"""Third-party reference data for cross-checks, kept beside the project in ../shared/reference/.

A clone of the repository alone has no ../shared: a test that needs the data
skips and says which folder is missing. CI's layout always has it, so there
(CI=true) a missing folder fails the run instead of silently skipping it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from cs_analytics.settings import PROJECT_DIR
from tests.python.ci_requirements import skip_or_fail_under_ci

REFERENCE_ROOT = PROJECT_DIR.parent / "shared" / "reference"


def reference_dir(
    name: str, root: Path = REFERENCE_ROOT, environ: Mapping[str, str] = os.environ
) -> Path:
    """The folder `name` of the reference data; skips (or, under CI, fails) when it is absent."""
    path = root / name
    if path.is_dir():
        return path
    reason = f"third-party reference data {path} is absent (CI keeps it in ../shared/reference/)"
    skip_or_fail_under_ci(reason, environ)
