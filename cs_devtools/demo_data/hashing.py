"""Randomness that does not depend on how much data is generated.

Two sources, both keyed by entity rather than drawn from one long stream, so that
the history of account *i* up to day *d* is the same whatever `--end` or
`--accounts` say (prefix stability):

* `entity_rng(seed, index, stream)`: a numpy Generator per account and purpose,
  used for a whole account lifecycle simulated over a fixed horizon.
* `mix` / `unit`: a vectorised splitmix64 counter-based hash, used where the
  volume grows with the date range (usage events, billing periods): the draws
  of a day are a function of that day's key only.
"""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / float(1 << 53)

# Stream ids for entity_rng: one per purpose so adding draws to one purpose
# never shifts another's.
STREAM_ATTRIBUTES = 1
STREAM_LIFECYCLE = 2
STREAM_MERGE = 3
STREAM_USAGE_USERS = 4
STREAM_ACTIVITIES = 5
STREAM_TICKETS = 6
STREAM_NPS = 7
STREAM_CONTACTS = 8
STREAM_ONBOARDING = 9
STREAM_USAGE_PROFILE = 10
STREAM_OPPORTUNITIES = 11
STREAM_DIRTY = 99


def splitmix64(x: np.ndarray) -> np.ndarray:
    """One splitmix64 round on a uint64 array (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + GOLDEN
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
        return z ^ (z >> _S31)


def mix(*keys: int | np.ndarray) -> np.ndarray:
    """Hash a tuple of integer keys (scalars or broadcastable arrays) to uint64."""
    h = np.zeros((), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in keys:
            h = splitmix64(h ^ np.asarray(k).astype(np.uint64))
    return np.asarray(h)


def unit(h: np.ndarray) -> np.ndarray:
    """Map uint64 hashes to floats uniform in [0, 1)."""
    return (h >> _S11).astype(np.float64) * _INV53


def normal(h: np.ndarray) -> np.ndarray:
    """Standard normal draws from uint64 hashes (Box-Muller on two 32-bit halves)."""
    u1 = ((h >> np.uint64(32)).astype(np.float64) + 0.5) / 4294967296.0
    u2 = ((h & np.uint64(0xFFFFFFFF)).astype(np.float64) + 0.5) / 4294967296.0
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


_MASK = (1 << 64) - 1


def _splitmix_int(x: int) -> int:
    z = (x + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def hash_unit(*keys: int) -> float:
    """A single uniform draw in [0, 1) keyed by integers.

    Pure-Python twin of `unit(mix(...))` (same values), cheap for scalar keys.
    """
    h = 0
    for k in keys:
        h = _splitmix_int(h ^ (int(k) & _MASK))
    return (h >> 11) * _INV53


def entity_rng(seed: int, index: int, stream: int) -> np.random.Generator:
    """Generator for one entity and one purpose, independent of everything else."""
    return np.random.default_rng([seed, index, stream])
