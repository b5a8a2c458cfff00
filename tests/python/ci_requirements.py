"""A test whose requirement pip cannot install: skipped where it is missing, failed on CI."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NoReturn

import pytest


def skip_or_fail_under_ci(reason: str, environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Skip, saying why; under CI=true fail instead, since CI's layout always has it."""
    if environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true requires it", pytrace=False)
    pytest.skip(reason)
