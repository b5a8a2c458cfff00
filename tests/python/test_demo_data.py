"""Tests of the synthetic demo landing generator (cs_devtools.demo_data).

Small runs (40 accounts, one year) in temporary folders keep the file fast; the
MRR truth is checked against an independent pandas + Decimal implementation of
docs/metrics.md read back from the written CSVs.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cs_analytics.landing.contract import TABLES, TABLES_BY_PATH
from cs_devtools.demo_data import (
    GENERATOR_VERSION,
    LandingArgs,
    add_day,
    ensure_demo_landing,
    generate,
    recut,
)
from cs_devtools.demo_data import catalog as cat
from cs_devtools.demo_data import progress as progress_module
from cs_devtools.demo_data.cli import main as cli_main
from cs_devtools.demo_data.lifecycle import simulate_entities, survivor
from cs_devtools.demo_data.presets import PRESETS
from cs_devtools.demo_data.timeutil import day_of

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
START = date(2024, 1, 1)
END = date(2024, 12, 31)
EARLY_END = date(2024, 8, 14)
ACCOUNTS = 40
SEED = 42
EVENTS = "usage/events"


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "landing"
    generate(out, ACCOUNTS, START, END, SEED)
    return out


@pytest.fixture(scope="module")
def early_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo_early") / "landing"
    generate(out, ACCOUNTS, START, EARLY_END, SEED)
    return out


@pytest.fixture(scope="module")
def dirty_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo_dirty") / "landing"
    generate(out, ACCOUNTS, START, END, SEED, dirty=True)
    return out


def read_table(landing: Path, path: str) -> pd.DataFrame:
    """A CSV table with every value as text (NULL as NaN)."""
    return pd.read_csv(landing / f"{path}.csv", dtype=str, keep_default_na=False, na_values=[""])


def read_events(landing: Path) -> pd.DataFrame:
    files = sorted((landing / EVENTS).glob("month=*/*.parquet"))
    return pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)


def iso(d: date) -> str:
    return d.isoformat()


# ---------------------------------------------------------------- reference data
def test_constants_agree_with_seeds() -> None:
    features = pd.read_csv(SEEDS / "feature_catalog.csv", dtype=str)
    ours = [
        (f.event_name, f.product_id, f.feature, str(f.is_core).lower(), str(f.min_tier))
        for f in cat.FEATURES
    ]
    assert ours == list(features.itertuples(index=False, name=None))
    assert set(features["product_id"]) == set(cat.PRODUCT_IDS)

    reasons = pd.read_csv(SEEDS / "churn_reason_taxonomy.csv", dtype=str)
    assert set(cat.REASON_CODES) == set(reasons["reason_code"]) - {"unknown"}
    used = {c for c, _ in cat.VOLUNTARY_REASONS + cat.UNAVOIDABLE_REASONS}
    assert used | {cat.INVOLUNTARY_REASON} <= set(cat.REASON_CODES)

    cutoffs = pd.read_csv(SEEDS / "segment_cutoffs.csv", dtype=str, keep_default_na=False)
    assert {
        r.segment: (
            int(r.min_employee_count),
            int(r.max_employee_count) if r.max_employee_count else None,
            r.default_touch_model,
        )
        for r in cutoffs.itertuples()
    } == cat.SEGMENT_CUTOFFS

    cadence = pd.read_csv(SEEDS / "touch_model_cadence.csv", dtype=str, keep_default_na=False)
    assert {
        r.touch_model: (
            int(r.expected_days_between_touches),
            r.requires_qbr == "true",
            int(r.qbr_interval_days) if r.qbr_interval_days else None,
        )
        for r in cadence.itertuples()
    } == cat.TOUCH_CADENCE


# ---------------------------------------------------------------- shape of the landing
def test_every_table_has_exactly_the_contract_columns(landing: Path) -> None:
    for table in TABLES:
        if table.path == EVENTS:
            files = sorted((landing / EVENTS).glob("month=*/part-0.parquet"))
            assert files, "no usage event files"
            for f in files:
                assert pq.read_schema(f).names == list(table.column_names), f
            continue
        with open(landing / f"{table.path}.csv", newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header == list(table.column_names), table.path


def test_primary_keys_unique_in_clean_mode(landing: Path) -> None:
    for table in TABLES:
        df = read_events(landing) if table.path == EVENTS else read_table(landing, table.path)
        pk = list(table.primary_key)
        assert not df.duplicated(pk).any(), f"{table.path}: duplicate {pk}"
        assert not df.duplicated().any(), f"{table.path}: exact duplicate rows"
        assert df[pk].notna().all().all(), f"{table.path}: NULL in {pk}"


def test_item_versions_never_overlap(landing: Path) -> None:
    items = read_table(landing, "billing/subscription_items")
    assert len(items) > 0
    for item_id, g in items.groupby("subscription_item_id"):
        g = g.sort_values("valid_from")
        rows = list(g.itertuples())
        for prev, nxt in pairwise(rows):
            assert isinstance(prev.valid_to, str), f"{item_id}: open version before another"
            assert prev.valid_to == nxt.valid_from, f"{item_id}: gap or overlap"
        for r in rows:
            assert not isinstance(r.valid_to, str) or r.valid_from < r.valid_to


def test_event_names_come_from_the_feature_catalog(landing: Path) -> None:
    seed_names = set(pd.read_csv(SEEDS / "feature_catalog.csv")["event_name"])
    events = read_events(landing)
    assert len(events) > 10_000
    assert set(events["event_name"]) <= seed_names


def test_value_formats(landing: Path) -> None:
    lines = read_table(landing, "billing/invoice_lines")
    negative = lines["amount"].map(Decimal) < 0
    assert (lines.loc[negative, "is_proration"] == "true").all()
    assert set(lines["is_proration"]) <= {"true", "false"}
    invoices = read_table(landing, "billing/invoices")
    jpy = invoices[invoices["currency"] == "JPY"]["amount_due"]
    assert all("." not in v for v in jpy)
    other = invoices[invoices["currency"] != "JPY"]["amount_due"]
    assert all(len(v.split(".")[1]) == 2 for v in other if "." in v)
    assert invoices["issued_at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()
    items = read_table(landing, "billing/subscription_items")
    assert items["valid_from"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    subs = read_table(landing, "billing/subscriptions")
    assert subs["trial_end_at"].dropna().str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    accounts = read_table(landing, "crm/accounts")
    assert set(accounts["segment"].dropna()) <= {"smb", "mid_market", "enterprise"}
    customers = read_table(landing, "billing/customers")
    assert (customers["is_test"] == "true").any()
    assert customers["account_id"].isna().any()  # a billing customer without CRM account


def test_signals_follow_the_latent_trajectory() -> None:
    """Declining accounts churn; expanding ones grow; the truth says which."""
    entities = simulate_entities(SEED, 300, day_of(START))
    declining = [e for e in entities if e.trajectory == "declining" and e.churn]
    assert len(declining) > 20
    assert all(any(p.kind == "decline" for p in e.phases) for e in declining)
    expanding = [e for e in entities if e.trajectory == "expanding"]
    assert any(ev.event_type in ("upgrade", "cross_sell") for e in expanding for ev in e.events)


def test_merges_have_no_cycles_and_chains_of_at_most_two() -> None:
    entities = simulate_entities(SEED, 500, day_of(START))
    merged = [e for e in entities if e.merge_day is not None]
    assert len(merged) >= 5
    far = day_of(date(2040, 1, 1))
    chains = 0
    for e in merged:
        target = entities[e.merge_target]  # type: ignore[index]
        assert target.index < e.index and target.created_day < e.merge_day
        hops = 0
        i = e.index
        while entities[i].merge_day is not None:
            i = entities[i].merge_target  # type: ignore[assignment]
            hops += 1
        assert hops <= 2 and survivor(entities, e.index, far) == i
        chains += hops == 2
    assert chains >= 1


# ---------------------------------------------------------------- determinism & prefix
def _all_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_arguments_give_identical_bytes(landing: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, ACCOUNTS, START, END, SEED)
    a, b = _all_files(landing), _all_files(again)
    manifest = "_truth/generator_manifest.json"
    assert a.keys() == b.keys()
    for name in a:
        if name != manifest:
            assert a[name] == b[name], name
    ma, mb = json.loads(a[manifest]), json.loads(b[manifest])
    for m in (ma, mb):  # timings are the only run-dependent content
        m.pop("seconds")
        m.pop("events_per_second")
    assert ma == mb


# table -> (column giving the row's event time, or None; mutable date/time columns)
_PREFIX: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "crm/accounts": ("created_at", ("updated_at",)),
    "crm/users": (None, ()),
    "crm/contacts": ("created_at", ()),
    "crm/opportunities": ("created_at", ("contract_start_date", "contract_end_date")),
    "crm/activities": ("occurred_at", ()),
    "crm/nps_responses": ("responded_at", ()),
    "crm/churn_reasons": ("notice_at", ()),
    "billing/customers": ("created_at", ()),
    "billing/products": (None, ()),
    "billing/plans": (None, ()),
    "billing/subscriptions": ("created_at", ("canceled_at", "ended_at")),
    "billing/invoices": ("issued_at", ("paid_at",)),
    "billing/payments": ("attempted_at", ()),
    "billing/refunds": ("created_at", ()),
    "billing/fx_rates": ("rate_date", ()),
    "usage/users": ("created_at", ("deactivated_at",)),
    "support/tickets": ("created_at", ("first_response_at", "solved_at")),
}
# columns whose value legitimately changes after the row first appears
_STATE = {
    "crm/accounts": {"merged_into_account_id", "csm_owner_id"},
    "crm/opportunities": {"stage", "is_won", "is_closed"},
    "billing/subscriptions": {"status"},
    "billing/invoices": {"status", "amount_paid"},
    "support/tickets": {"status", "csat_score"},
}


def _check_mutable(e1: pd.DataFrame, e2: pd.DataFrame, col: str, cutoff: str, name: str) -> None:
    a, b = e1[col], e2[col]
    known = a.notna()
    assert (a[known] == b[known]).all(), f"{name}.{col}: a known value changed later"
    happened = b.notna() & (b < cutoff)
    assert (a[happened] == b[happened]).all(), f"{name}.{col}: missing in the earlier export"


def test_prefix_stability(landing: Path, early_landing: Path) -> None:
    """Everything up to EARLY_END is the same whether we generate to EARLY_END or END."""
    cutoff = iso(EARLY_END + timedelta(days=1))
    for name, (time_col, mutable) in _PREFIX.items():
        pk = list(TABLES_BY_PATH[name].primary_key)
        e1 = read_table(early_landing, name)
        e2 = read_table(landing, name)
        if time_col is not None:
            assert (e1[time_col] < cutoff).all(), f"{name}: row after the end date"
            e2 = e2[e2[time_col] < cutoff]
        e1 = e1.sort_values(pk).reset_index(drop=True)
        e2 = e2.sort_values(pk).reset_index(drop=True)
        assert e1[pk].equals(e2[pk]), f"{name}: different rows up to the earlier end"
        stable = [c for c in e1.columns if c not in set(mutable) | _STATE.get(name, set())]
        pd.testing.assert_frame_equal(e1[stable], e2[stable], obj=name)
        for col in mutable:
            _check_mutable(e1, e2, col, cutoff, name)

    # SCD2 items: what was known at the earlier end
    i1 = read_table(early_landing, "billing/subscription_items")
    i2 = read_table(landing, "billing/subscription_items")
    key = ["subscription_item_id", "valid_from"]
    merged = i1.merge(i2, on=key, how="left", suffixes=("", "_2"), indicator=True)
    assert (merged["_merge"] == "both").all(), "a version known earlier disappeared"
    for col in ("subscription_id", "plan_id", "quantity", "unit_amount", "discount_percent"):
        assert merged[col].fillna("").eq(merged[f"{col}_2"].fillna("")).all(), col
    _check_mutable(
        merged,
        merged.rename(columns={"valid_to": "x", "valid_to_2": "valid_to"}),
        "valid_to",
        cutoff,
        "billing/subscription_items",
    )
    started = i2[i2["valid_from"] < cutoff]
    assert len(started.merge(i1, on=key)) == len(started), "a started version is missing"

    # invoice lines of the invoices known earlier
    l1 = read_table(early_landing, "billing/invoice_lines")
    l2 = read_table(landing, "billing/invoice_lines")
    inv1 = set(read_table(early_landing, "billing/invoices")["invoice_id"])
    l2 = l2[l2["invoice_id"].isin(inv1)]
    pd.testing.assert_frame_equal(
        l1.sort_values("invoice_line_id").reset_index(drop=True),
        l2.sort_values("invoice_line_id").reset_index(drop=True),
    )

    # milestones: same plan, completions up to the earlier end
    m1 = read_table(early_landing, "crm/onboarding_milestones")
    m2 = read_table(landing, "crm/onboarding_milestones")
    mm = m1.merge(m2, on=["account_id", "milestone"], suffixes=("", "_2"))
    assert len(mm) == len(m1) and (mm["due_at"] == mm["due_at_2"]).all()
    _check_mutable(
        mm,
        mm.rename(columns={"completed_at": "x", "completed_at_2": "completed_at"}),
        "completed_at",
        cutoff,
        "crm/onboarding_milestones",
    )

    # usage events: what had been received by the earlier end
    ev1 = read_events(early_landing).sort_values("event_id").reset_index(drop=True)
    ev2 = read_events(landing)
    ev2 = ev2[ev2["received_at"] < pd.Timestamp(cutoff, tz="UTC")]
    ev2 = ev2.sort_values("event_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(ev1, ev2)

    # MRR truth of the complete months before the earlier end's month (merges restate
    # account ids, so compare per month x product x currency)
    def totals(root: Path) -> pd.Series:
        t = pq.read_table(root / "_truth" / "mrr.parquet").to_pandas()
        t = t[t["month"] < date(EARLY_END.year, EARLY_END.month, 1)]
        return t.groupby(["month", "product_id", "currency"])["mrr_original"].sum()

    pd.testing.assert_series_equal(totals(early_landing), totals(landing))


# ---------------------------------------------------------------- ground truth
def _independent_mrr(landing: Path, start: date, end: date) -> dict[tuple, Decimal]:
    """docs/metrics.md MRR recomputed from the CSVs with pandas and Decimal."""
    items = read_table(landing, "billing/subscription_items")
    subs = read_table(landing, "billing/subscriptions").set_index("subscription_id")
    plans = read_table(landing, "billing/plans").set_index("plan_id")
    customers = read_table(landing, "billing/customers").set_index("customer_id")
    accounts = read_table(landing, "crm/accounts").set_index("account_id")
    merged_into = accounts["merged_into_account_id"].dropna().to_dict()

    def final(account: str) -> str:
        seen = set()
        while account in merged_into and account not in seen:
            seen.add(account)
            account = merged_into[account]
        return account

    snaps = []  # (month start, snapshot date S) -- S = start(m+1), or end + 1 day
    m = date(start.year, start.month, 1)
    while m <= end:
        nxt = date(m.year + m.month // 12, m.month % 12 + 1, 1)
        snaps.append((m, min(nxt, end + timedelta(days=1))))
        m = nxt
    out: dict[tuple, Decimal] = defaultdict(Decimal)
    with localcontext() as ctx:
        ctx.prec = 60
        for it in items.itertuples():
            sub = subs.loc[it.subscription_id]
            cus = customers.loc[sub["customer_id"]]
            if cus["is_test"] == "true":
                continue
            plan = plans.loc[it.plan_id]
            unit = Decimal(
                it.unit_amount if isinstance(it.unit_amount, str) else plan["unit_amount"]
            )
            base = unit * int(it.quantity) if plan["pricing_model"] == "per_seat" else unit
            mrr = (
                base
                * (1 - Decimal(it.discount_percent) / 100)
                / int(plan["billing_interval_months"])
            )
            acc = cus["account_id"]
            account = (
                final(acc)
                if isinstance(acc, str) and acc in accounts.index
                else f"billing:{sub['customer_id']}"
            )
            vf = date.fromisoformat(it.valid_from)
            vt = date.fromisoformat(it.valid_to) if isinstance(it.valid_to, str) else None
            trial = sub["trial_end_at"]
            trial_end = date.fromisoformat(trial) if isinstance(trial, str) else None
            for month, snap in snaps:
                if (
                    vf < snap
                    and (vt is None or vt >= snap)
                    and not (trial_end is not None and trial_end >= snap)
                ):
                    out[(month, account, plan["product_id"], plan["currency"])] += mrr
    q = Decimal("0.000000001")
    return {k: v.quantize(q, ROUND_HALF_UP) for k, v in out.items() if v != 0}


def test_mrr_truth_matches_independent_recomputation(landing: Path, early_landing: Path) -> None:
    for root, end in ((landing, END), (early_landing, EARLY_END)):
        truth = pq.read_table(root / "_truth" / "mrr.parquet").to_pandas()
        got = {
            (r.month, r.account_id, r.product_id, r.currency): r.mrr_original
            for r in truth.itertuples()
        }
        expected = _independent_mrr(root, START, end)
        assert len(expected) > 100
        assert got == expected
        assert {m for m, *_ in got} == {date(2024, k, 1) for k in range(1, end.month + 1)}


def test_truth_tables_are_consistent(landing: Path) -> None:
    accounts = pq.read_table(landing / "_truth" / "accounts.parquet").to_pandas()
    crm_accounts = read_table(landing, "crm/accounts")
    assert set(accounts["account_id"]) == set(crm_accounts["account_id"])
    assert set(accounts["trajectory"]) <= {"healthy", "declining", "contracting", "expanding"}
    events = pq.read_table(landing / "_truth" / "lifecycle_events.parquet").to_pandas()
    allowed = {
        "trial_start",
        "new",
        "upgrade",
        "downgrade",
        "cross_sell",
        "discount_end",
        "churn_notice",
        "churn",
        "reactivation",
        "merge",
        "payment_failure",
    }
    assert set(events["event_type"]) <= allowed
    assert (events["event_date"] <= END).all()
    churned = accounts.dropna(subset=["churned_on"])
    churn_events = events[events["event_type"] == "churn"]
    for r in churned.itertuples():
        assert (
            (churn_events["account_id"] == r.account_id)
            & (churn_events["event_date"] == r.churned_on)
        ).any()
    reasons = read_table(landing, "crm/churn_reasons")
    assert (reasons["notice_at"] < reasons["effective_at"]).all()
    mrr = pq.read_table(landing / "_truth" / "mrr.parquet").to_pandas()
    surviving = set(crm_accounts.loc[crm_accounts["merged_into_account_id"].isna(), "account_id"])
    assert all(a in surviving or a.startswith("billing:") for a in mrr["account_id"])


# ---------------------------------------------------------------- dirty mode
def test_clean_landing_has_no_planted_defects(landing: Path) -> None:
    events = read_events(landing)
    lag = events["received_at"] - events["occurred_at"]
    assert (lag <= pd.Timedelta(days=3)).all() and (lag >= pd.Timedelta(0)).all()
    known = set(read_table(landing, "crm/accounts")["account_id"])
    assert events["account_id"].isin(known).all()
    assert not (landing / "_truth" / "defects.json").exists()
    assert not list((landing / EVENTS).glob("*/part-1*"))


def test_dirty_counts_match_the_files(dirty_landing: Path) -> None:
    defects = json.loads((dirty_landing / "_truth" / "defects.json").read_text())
    assert set(defects) == {
        "exact_duplicate_rows",
        "conflicting_duplicate_rows",
        "orphan_usage_events",
        "late_events",
        "missing_fx_days",
        "malformed_csv_lines",
    }
    events = read_events(dirty_landing)
    dup = defects["exact_duplicate_rows"]
    assert dup["usage/events"] == int(events.duplicated().sum()) > 0
    assert list((dirty_landing / EVENTS).glob("*/part-1-resent.parquet"))
    activities = read_table(dirty_landing, "crm/activities")
    assert dup["crm/activities"] == int(activities.duplicated().sum()) > 0

    accounts = read_table(dirty_landing, "crm/accounts")
    n_conflicts = int(accounts.duplicated("account_id").sum())
    assert defects["conflicting_duplicate_rows"] == {"crm/accounts": n_conflicts}
    assert n_conflicts > 0 and not accounts.duplicated().any()

    known = set(accounts["account_id"])
    assert defects["orphan_usage_events"] == int((~events["account_id"].isin(known)).sum()) > 0
    late = (events["received_at"] - events["occurred_at"]) > pd.Timedelta(days=3)
    assert defects["late_events"] == int(late.sum()) > 0

    fx = read_table(dirty_landing, "billing/fx_rates")
    assert len(defects["missing_fx_days"]) == 1
    for gap in defects["missing_fx_days"]:
        rows = fx[fx["currency"] == gap["currency"]]
        assert gap["date"] not in set(rows["rate_date"])
        day = date.fromisoformat(gap["date"])
        assert {iso(day - timedelta(days=1)), iso(day + timedelta(days=1))} <= set(
            rows["rate_date"]
        )

    with open(dirty_landing / "support" / "tickets.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    bad = sum(len(r) != len(rows[0]) for r in rows[1:])
    assert defects["malformed_csv_lines"] == {"support/tickets": bad} and bad == 1


# ---------------------------------------------------------------- formats, CLI, ensure
def test_parquet_format_has_same_rows_and_typed_columns(landing: Path, tmp_path: Path) -> None:
    out = tmp_path / "pq"
    summary = generate(out, ACCOUNTS, START, END, SEED, fmt="parquet")
    csv_counts = json.loads((landing / "_truth" / "generator_manifest.json").read_text())
    assert summary.rows == csv_counts["row_counts"]
    items = pq.read_table(out / "billing" / "subscription_items.parquet")
    assert str(items.schema.field("valid_from").type) == "date32[day]"
    assert not list(out.rglob("*.csv"))


def test_cli_prints_events_per_second(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cli"
    assert (
        cli_main(
            [
                "--accounts",
                "12",
                "--start",
                "2024-01-01",
                "--end",
                "2024-03-31",
                "--seed",
                "3",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "events/s" in printed and printed.count("\n") == 1
    manifest = json.loads((out / "_truth" / "generator_manifest.json").read_text())
    assert manifest["arguments"]["end"] == "2024-03-31"
    assert manifest["generator_version"] == GENERATOR_VERSION


def test_generate_refuses_to_replace_a_foreign_folder(tmp_path: Path) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        generate(foreign, 5, START, date(2024, 1, 31), SEED)
    assert (foreign / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_ensure_demo_landing_regenerates_skips_and_extends(tmp_path: Path) -> None:
    out = tmp_path / "landing"
    kw = {"accounts": 15, "seed": SEED, "start": START}

    def recorded_end() -> str:
        return json.loads((out / "_truth" / "generator_manifest.json").read_text())["arguments"][
            "end"
        ]

    assert ensure_demo_landing(out, date(2024, 3, 1), **kw) is True
    assert recorded_end() == "2024-02-29"
    assert ensure_demo_landing(out, date(2024, 3, 1), **kw) is False
    assert ensure_demo_landing(out, date(2024, 2, 10), **kw) is False  # already covered
    assert ensure_demo_landing(out, date(2024, 4, 2), **kw) is True  # extend
    assert recorded_end() == "2024-04-01"
    assert ensure_demo_landing(out, date(2024, 4, 2), **{**kw, "seed": 7}) is True
    manifest_path = out / "_truth" / "generator_manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["generator_version"] = "0.0.0-old"
    manifest_path.write_text(json.dumps(manifest))
    assert ensure_demo_landing(out, date(2024, 4, 2), **{**kw, "seed": 7}) is True
    assert json.loads(manifest_path.read_text())["generator_version"] == GENERATOR_VERSION
    assert sorted(p.name for p in tmp_path.iterdir()) == ["landing"]  # no temp leftovers


# ---------------------------------------------------------------- sizes, the next day, progress
STABLE_END = date(2024, 6, 14)  # mid-month, as the presets end
MANIFEST_NAME = "generator_manifest.json"


def _stable(out: Path, end: date, **kw: object) -> Path:
    generate(out, ACCOUNTS, START, end, SEED, fmt="parquet", month_stable=True, **kw)
    return out


def _stamps(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every file: a file rewritten in place or replaced changes one."""
    return {
        str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def _bytes_but_manifest(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in _all_files(root).items() if not k.endswith(MANIFEST_NAME)}


def _manifest(root: Path) -> dict:
    return json.loads((root / "_truth" / MANIFEST_NAME).read_text())


def test_add_day_is_tomorrows_export_and_rewrites_only_what_changed(tmp_path: Path) -> None:
    landing = _stable(tmp_path / "landing", STABLE_END)
    before = _stamps(landing)
    summary = add_day(landing)
    fresh = _stable(tmp_path / "fresh", STABLE_END + timedelta(days=1))
    assert _bytes_but_manifest(landing) == _bytes_but_manifest(fresh)
    after = _stamps(landing)
    touched = sorted(k for k in after if after[k] != before.get(k))
    assert touched == sorted([*summary.rewritten, "_truth/" + MANIFEST_NAME])
    months = sorted(k for k in before if k.startswith(EVENTS + "/month="))
    assert months[-1] == f"{EVENTS}/month=2024-06/part-0.parquet"
    assert months[-1] in touched, "the current month has the new day's events"
    assert not set(months[:-1]) & set(touched), "closed months are left as they were"
    manifest = json.loads((landing / "_truth" / MANIFEST_NAME).read_text())
    assert manifest["arguments"]["end"] == "2024-06-15"
    assert (
        manifest["events"]
        == summary.events
        == json.loads((fresh / "_truth" / MANIFEST_NAME).read_text())["events"]
    )


def test_month_stable_files_keep_closed_months_as_accounts_appear(tmp_path: Path) -> None:
    landing = _stable(tmp_path / "landing", STABLE_END)
    before = _all_files(landing)
    accounts_before = pq.read_table(landing / "crm/accounts.parquet").num_rows
    later = date(2024, 8, 20)
    summary = recut(landing, later)
    assert pq.read_table(landing / "crm/accounts.parquet").num_rows > accounts_before, (
        "the test needs accounts created after the first end"
    )
    after = _all_files(landing)
    for name in sorted(before):
        if name.startswith(EVENTS) and name < f"{EVENTS}/month=2024-06":
            assert after[name] == before[name], name
    assert summary.months_generated == 3  # June (its last days' late events), July, August
    assert _bytes_but_manifest(landing) == _bytes_but_manifest(_stable(tmp_path / "fresh", later))


def test_recut_back_equals_generating_the_earlier_end(tmp_path: Path) -> None:
    landing = _stable(tmp_path / "landing", date(2024, 8, 20))
    summary = recut(landing, STABLE_END)
    assert summary.removed == [f"{EVENTS}/month=2024-07", f"{EVENTS}/month=2024-08"]
    fresh = _stable(tmp_path / "fresh", STABLE_END)
    assert _bytes_but_manifest(landing) == _bytes_but_manifest(fresh)


def test_usage_density_scales_the_events_of_the_same_company(tmp_path: Path) -> None:
    one = _stable(tmp_path / "one", STABLE_END)
    third = _stable(tmp_path / "third", STABLE_END, usage_density=1 / 3)
    events = [
        json.loads((p / "_truth" / MANIFEST_NAME).read_text())["events"] for p in (one, third)
    ]
    assert 0.3 < events[1] / events[0] < 0.37
    assert (
        _bytes_but_manifest(one)["crm/accounts.parquet"]
        == (_bytes_but_manifest(third)["crm/accounts.parquet"])
    ), "only the usage volume changes"


def test_cli_generates_a_preset_and_adds_a_day(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "small"
    assert cli_main(["--preset", "small", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    small = PRESETS["small"]
    manifest = _manifest(out)
    assert LandingArgs.from_json(manifest["arguments"]) == small.args
    assert manifest["arguments"]["end"] == small.end.isoformat()
    assert f"generated {manifest['events']:,} usage events" in printed
    assert small.end.day not in (1, 2, 3), "a preset's next day rewrites one event month"
    assert cli_main(["--add-day", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"moved the end from {small.end} to {small.end + timedelta(days=1)}" in printed
    assert "generated 1 month(s) of events" in printed


def test_progress_lines_say_how_far_the_events_are(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    clock = [100.0]
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: clock[0])
    progress = progress_module.Progress("generate")
    progress.start_loop(expected_events=1000.0)
    clock[0] += 1.0
    progress.months(1, 4, "2024-01", 100, 100.0)  # too early for a line
    clock[0] += 3.0
    progress.months(2, 4, "2024-02", 250, 250.0)
    clock[0] += 1.0
    progress.months(3, 4, "2024-03", 500, 500.0)  # too soon after the last line
    clock[0] += 5.0
    progress.months(4, 4, "2024-04", 1000, 1000.0)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "generate: usage events month 2/4 (2024-02), 250 events, 62 events/s, elapsed 4s, ETA 12s",
        "generate: usage events month 4/4 (2024-04), 1,000 events, 100 events/s, "
        "elapsed 10s, ETA 0s",
    ]
