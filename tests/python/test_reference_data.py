"""Tests that need ../shared/reference skip in a user's clone and fail in CI when it is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.python.reference_data import reference_dir


def test_present_reference_folder_is_returned(tmp_path: Path) -> None:
    (tmp_path / "mrr-playbook").mkdir()
    assert reference_dir("mrr-playbook", tmp_path, {"CI": "true"}) == tmp_path / "mrr-playbook"


def test_missing_reference_folder_skips_outside_ci_naming_it(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match=r"mrr-playbook is absent"):
        reference_dir("mrr-playbook", tmp_path, {})


def test_missing_reference_folder_fails_under_ci(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"mrr-playbook is absent.*CI=true requires it"):
        reference_dir("mrr-playbook", tmp_path, {"CI": "true"})
