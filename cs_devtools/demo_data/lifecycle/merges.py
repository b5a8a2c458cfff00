"""CRM merges between accounts, and the account a merged one survives as."""

from __future__ import annotations

from cs_devtools.demo_data.hashing import STREAM_MERGE, entity_rng, hash_unit
from cs_devtools.demo_data.model import Entity, LifecycleEvent

MERGED_SHARE = 0.035
_TARGET_TRIES = 40


def plan_merges(seed: int, entities: list[Entity]) -> None:
    """CRM merges: into an older account, chains of at most two, never cycles.

    Targets always have a smaller index, so a cycle is impossible; entity i's
    merge depends only on entities j < i, so it does not change with --accounts.
    Candidates are sampled (a bounded number of tries), which keeps this linear
    in the number of accounts.
    """
    merged: list[Entity] = []
    for entity in entities:
        if (
            entity.kind != "crm"
            or entity.index < 4
            or hash_unit(seed, entity.index, STREAM_MERGE) >= MERGED_SHARE
        ):
            continue
        rng = entity_rng(seed, entity.index, STREAM_MERGE)
        day = entity.created_day + int(rng.integers(20, 700))
        into_merged_u = rng.random()
        tries = rng.integers(0, entity.index, size=_TARGET_TRIES)
        # Accounts merged later whose own target is not merged: merging into one
        # makes a chain of two.
        chain_heads = [
            other
            for other in merged
            if other.merge_day > day  # type: ignore[operator]
            and entities[other.merge_target].merge_day is None  # type: ignore[index]
            and other.created_day < day - 14
        ]
        target = None
        if chain_heads and into_merged_u < 0.6:
            target = chain_heads[int(rng.integers(0, len(chain_heads)))]
        else:
            for j in tries.tolist():
                other = entities[j]
                if other.kind == "crm" and other.merge_day is None and other.created_day < day - 14:
                    target = other
                    break
        if target is None:
            continue
        entity.merge_day, entity.merge_target = day, target.index
        entity.events.append(LifecycleEvent(day, "merge", None, f"merged into {target.account_id}"))
        merged.append(entity)


def survivor(entities: list[Entity], index: int, end_day: int) -> int:
    """Final surviving account of `index` following merges known by `end_day`."""
    seen = set()
    while True:
        entity = entities[index]
        if entity.merge_day is None or entity.merge_day > end_day or index in seen:
            return index
        seen.add(index)
        index = entity.merge_target  # type: ignore[assignment]
