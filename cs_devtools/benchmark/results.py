"""`bench_results.json` (one JSON object per line, one line per run) and the printed table.

The table shows this run and the latest earlier run of each other preset in
the same results file, so small, medium and large read side by side, and the
scaling exponent from medium to large when both are there.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

# Every object has at least these fields (README, "Benchmarks").
REQUIRED_FIELDS: tuple[str, ...] = (
    "preset",
    "accounts",
    "usage_events",
    "generate_s",
    "full_build_s",
    "incremental_s",
    "incremental_over_full",
    "mrr_chain_over_reference",
    "usage_rollup_over_raw",
    "peak_rss_mb",
    "largest_steps",
    "working_db_bytes",
    "published_bytes",
)
PRESET_ORDER = ("small", "medium", "large")

_COLUMNS: tuple[tuple[str, str], ...] = (
    ("preset", "preset"),
    ("accounts", "accounts"),
    ("usage_events", "usage events"),
    ("generate_s", "generate s"),
    ("full_build_s", "full night s"),
    ("incremental_s", "next night s"),
    ("incremental_over_full", "next/full"),
    ("mrr_chain_over_reference", "MRR chain/ref"),
    ("usage_rollup_over_raw", "rollup/raw"),
    ("peak_rss_mb", "peak MB"),
    ("working_db_bytes", "working DB MB"),
    ("published_bytes", "published MB"),
    ("recorded_at", "run at (UTC)"),
)


def append_result(path: Path, record: dict) -> None:
    with path.open("a") as out:
        out.write(json.dumps(record, sort_keys=True) + "\n")


def read_results(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# The night whose time each key is, in the order a run goes: a run that failed
# in a night has no time for it or for any later night.
_NIGHTS = {"full_build_s": "full night", "incremental_s": "incremental night"}


def completed_time(record: dict, key: str) -> float | None:
    """The seconds of a night that completed; None when it failed or came after a failure."""
    failed = record.get("failed")
    nights = list(_NIGHTS.values())
    if failed in nights and nights.index(failed) <= nights.index(_NIGHTS[key]):
        return None
    return record.get(key)


def _cell(key: str, value: object, failed: bool = False) -> str:
    if failed:
        return f"failed after {value:,.0f}" if isinstance(value, float) else "-"
    if value is None:
        return "-"
    if key.endswith("_bytes"):
        return f"{value / 2**20:,.0f}"
    if key in ("incremental_over_full", "mrr_chain_over_reference", "usage_rollup_over_raw"):
        return f"{value:.2f}"
    if key == "recorded_at":
        return str(value)[:16].replace("T", " ")
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def latest_per_preset(results: list[dict], current: dict) -> list[dict]:
    """This run and the latest successful earlier run of each other preset, small to large."""
    latest = {r["preset"]: r for r in results if not r.get("failed")}
    latest[current["preset"]] = current
    return sorted(
        latest.values(),
        key=lambda r: PRESET_ORDER.index(r["preset"]) if r["preset"] in PRESET_ORDER else 9,
    )


def format_table(rows: list[dict], current: dict) -> str:
    cells = [[title for _, title in _COLUMNS]]
    for row in rows:
        line = [
            _cell(key, row.get(key), key in _NIGHTS and completed_time(row, key) is None)
            for key, _ in _COLUMNS
        ]
        if row is current:
            line[0] += " *"
        cells.append(line)
    widths = [max(len(line[i]) for line in cells) for i in range(len(_COLUMNS))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def scaling_exponent(rows: list[dict], key: str = "full_build_s") -> str | None:
    """`key` ~ events^k from medium to large: k = log(time ratio) / log(events ratio)."""
    by_preset = {r["preset"]: r for r in rows}
    medium, large = by_preset.get("medium"), by_preset.get("large")
    if not medium or not large:
        return None
    medium_s, large_s = completed_time(medium, key), completed_time(large, key)
    if not medium_s or not large_s:
        return None
    events = large["usage_events"] / medium["usage_events"]
    cost = large_s / medium_s
    if events <= 1:
        return None
    return (
        f"scaling medium -> large: usage events x{events:.1f}, {key} x{cost:.2f}, "
        f"exponent {math.log(cost) / math.log(events):.2f} (1 = linear)"
    )


def format_steps(record: dict, key: str, title: str) -> str:
    steps = record.get(key) or []
    return f"{title}: " + ", ".join(f"{s['step']} {s['seconds']:.1f}s" for s in steps)


def format_report(record: dict, results: list[dict], results_path: Path) -> str:
    """What a run prints at its end."""
    rows = latest_per_preset(results, record)
    parts = [format_table(rows, record)]
    for key in ("full_build_s", "incremental_s"):
        exponent = scaling_exponent(rows, key)
        if exponent:
            parts.append(exponent)
    parts.append(format_steps(record, "largest_steps", "\nlargest steps of the full night"))
    parts.append(format_steps(record, "incremental_largest_steps", "of the incremental night"))
    agree = (
        f"MRR chain agrees with its plain query to the cent: {record.get('mrr_chain_agrees')}; "
        f"usage rollup equals the plain GROUP BY: {record.get('usage_rollup_agrees')}"
    )
    parts.append(agree)
    if record.get("failed"):
        parts.append(f"FAILED: the {record['failed']} did not complete")
    parts.append(
        f"\n* this run (the others: the latest earlier run of each preset in {results_path}). "
        "full night = `python -m orchestration.run` from an empty working database, publish "
        "included; next night = one new day on the kept working database; peak MB = resident "
        "memory of the full night's process tree, dbt included; MRR chain/ref = best of "
        f"{record.get('repeats')} dbt builds of the MRR chain over the best plain query "
        f"({record.get('mrr_accounts', '-')} synthetic accounts); rollup/raw = median of "
        f"{record.get('repeats')} dedicated builds of the usage rollup (dbt node seconds) "
        f"over the median of {record.get('repeats')} plain GROUP BYs on the landing files."
    )
    return "\n".join(parts)
