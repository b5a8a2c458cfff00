"""Accounts and their subscription lifecycles.

Each entity (account index *i*) draws its attributes and a latent trajectory
(healthy, declining-then-churning, contracting, expanding) from its own
generators, plans its lifecycle actions up front, and applies them over a fixed
horizon (`SIM_YEARS` after `--start`). Nothing here looks at `--end`: the
landing is cut at the end date later, which is what makes the data
prefix-stable.

The parts: `attributes` (who the account is), `draws` (every random choice of
its lifecycle, in one fixed order), `engine` (changes that keep the SCD2 item
versions consistent), `first_subscription`, `actions` (the later changes, in
day order) with `expansion`, `contraction` and `churn`, `renewals` (the
opportunities that follow), `merges`, and `simulate`, which runs them.
"""

from cs_devtools.demo_data.lifecycle.horizon import SIM_YEARS
from cs_devtools.demo_data.lifecycle.merges import survivor
from cs_devtools.demo_data.lifecycle.simulate import simulate_entities

__all__ = ["SIM_YEARS", "simulate_entities", "survivor"]
