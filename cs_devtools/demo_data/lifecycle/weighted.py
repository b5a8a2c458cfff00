"""Weighted choices from an entity's own generator."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def pick(rng: np.random.Generator, weighted: Sequence[tuple[object, float]]) -> object:
    """One value of `weighted` ((value, weight) pairs), with one draw from `rng`."""
    u = rng.random() * sum(weight for _, weight in weighted)
    for value, weight in weighted:
        u -= weight
        if u < 0:
            return value
    return weighted[-1][0]
