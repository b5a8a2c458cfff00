"""Property-based tests of the MRR chain on random subscription histories (hypothesis).

dbt builds the chain once (`+rpt_mrr_bridge +fct_mrr`) to compile it; each
example then runs the compiled SQL of those models in-process on DuckDB, in
the manifest's dependency order, over a random landing. The model list and
order come from the manifest, so the properties hold whatever the revenue
chain's internals are called.

Properties: the bridge closes every month and opens at the previous close;
MRR is never negative; results do not depend on input row order or on the
session timezone.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cs_analytics.landing.contract import TABLES
from cs_analytics.landing.loader import ingest_landing
from cs_analytics.settings import PROJECT_DIR
from tests.python.conftest import DBT, dbt_env
from tests.python.landing_builder import MINIMAL_ROWS, write_csv

SELECTION = "+rpt_mrr_bridge +fct_mrr"
CATALOG = "chain"
Rows = dict[str, list[dict[str, str]]]


@dataclass(frozen=True)
class CompiledChain:
    built_db: Path
    # (schema, name, materialization, compiled SQL) in dependency order.
    models: list[tuple[str, str, str, str]]
    seeds: list[tuple[str, str]]


def _dependency_order(nodes: dict[str, dict], selected: set[str]) -> list[str]:
    order: list[str] = []
    seen: set[str] = set()

    def visit(unique_id: str) -> None:
        if unique_id in seen or unique_id not in selected:
            return
        seen.add(unique_id)
        for parent in nodes[unique_id]["depends_on"]["nodes"]:
            visit(parent)
        order.append(unique_id)

    for unique_id in sorted(selected):
        visit(unique_id)
    return order


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory, manifest: dict) -> CompiledChain:
    root = tmp_path_factory.mktemp("chain")
    landing = root / "landing"
    for table_path, rows in MINIMAL_ROWS.items():
        write_csv(landing / f"{table_path}.csv", rows)
    rates = [r for month in MONTH_STARTS for r in weekly_rates(month, Decimal("1.1"))]
    write_csv(landing / "billing" / "fx_rates.csv", rates)
    built = root / f"{CATALOG}.duckdb"
    ingest_landing(built, landing, run_id="compile", started_at=_dt("2024-12-31T00:00:00"))
    target = root / "target"
    subprocess.run(
        [
            DBT,
            "build",
            "--select",
            SELECTION,
            "--exclude-resource-type",
            "test",
            "unit_test",
            "--vars",
            json.dumps({"as_of_date": "2025-01-01"}),
            "--target-path",
            str(target),
            "--quiet",
        ],
        cwd=PROJECT_DIR,
        env=dbt_env(DBT_DUCKDB_PATH=str(built)),
        check=True,
    )
    compiled = json.loads((target / "manifest.json").read_text())
    nodes = compiled["nodes"]
    run_results = json.loads((target / "run_results.json").read_text())
    selected = {r["unique_id"] for r in run_results["results"]}
    models, seeds = [], []
    for unique_id in _dependency_order(nodes, selected):
        node = nodes[unique_id]
        if node["resource_type"] == "seed":
            seeds.append((node["schema"], node["alias"]))
        elif node["resource_type"] == "model" and node["config"]["materialized"] != "ephemeral":
            models.append(
                (
                    node["schema"],
                    node["alias"],
                    node["config"]["materialized"],
                    node["compiled_code"],
                )
            )
    assert any(name == "rpt_mrr_bridge" for _, name, _, _ in models)
    return CompiledChain(built, models, seeds)


def _dt(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


Marts = dict[str, list[dict]]


def run_chain(chain: CompiledChain, rows: Rows, timezone: str) -> Marts:
    """The selected models over `rows` (raw text, as landed); returns the marts' sorted rows."""
    con = duckdb.connect()
    con.execute(f"set TimeZone = '{timezone}'")
    con.execute(f"attach ':memory:' as {CATALOG}")
    con.execute(f"attach '{chain.built_db}' as built (read_only)")
    con.execute(f"use {CATALOG}")
    for schema in ("raw", "reference", "staging", "intermediate", "marts", "audit"):
        con.execute(f"create schema if not exists {schema}")
    for schema, name in chain.seeds:
        con.execute(f"create table {schema}.{name} as select * from built.{schema}.{name}")
    for table in TABLES:
        columns = ", ".join(f"{c} varchar" for c in table.column_names)
        con.execute(
            f"create table raw.{table.raw_relation} ({columns}, _loaded_at timestamp, "
            "_source_file varchar, _source_row bigint)"
        )
        for number, row in enumerate(rows.get(table.path, []), start=1):
            values = [row.get(c) for c in table.column_names]
            con.execute(
                f"insert into raw.{table.raw_relation} values "
                f"({', '.join('?' * len(values))}, timestamp '2024-12-31', 'f.csv', ?)",
                [*values, number],
            )
    for name in ("landing_files", "landing_rejected_lines"):
        con.execute(f"create table raw.{name} as select * from built.raw.{name} limit 0")
    con.execute("detach built")
    for schema, name, materialized, sql in chain.models:
        kind = "view" if materialized == "view" else "table"
        con.execute(f"create or replace {kind} {schema}.{name} as {sql}")
    marts = {}
    for schema, name, _, _ in chain.models:
        if schema == "marts":
            cursor = con.execute(f"select * from marts.{name} order by all")
            names = [d[0] for d in cursor.description]
            marts[name] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    con.close()
    return marts


# ---------------------------------------------------------------- random landings

MONTH_STARTS = ["2023-12-01", *(f"2024-{m:02d}-01" for m in range(1, 13))]


def weekly_rates(month_start: str, rate: Decimal) -> list[dict[str, str]]:
    """EUR on the 1st, 8th, 15th, 22nd and 29th: never staler than fx_max_staleness_days."""
    return [
        {"rate_date": f"{month_start[:8]}{day:02d}", "currency": "EUR", "usd_per_unit": str(rate)}
        for day in (1, 8, 15, 22, 29)
        if not (month_start[5:7] == "02" and day == 29 and month_start[:4] != "2024")
    ]


@st.composite
def subscription_histories(draw: st.DrawFn) -> Rows:
    accounts = draw(st.integers(1, 4))
    rows: Rows = {
        "crm/accounts": [],
        "billing/customers": [],
        "billing/subscriptions": [],
        "billing/subscription_items": [],
        "billing/products": [
            {"product_id": p, "product_name": p, "product_family": "f"} for p in ("pa", "pb")
        ],
        "billing/plans": [],
        "billing/fx_rates": [],
    }
    for n, (product, currency) in enumerate([("pa", "USD"), ("pa", "EUR"), ("pb", "USD")]):
        rows["billing/plans"].append(
            {
                "plan_id": f"plan_{n}",
                "product_id": product,
                "plan_name": f"plan {n}",
                "pricing_model": draw(st.sampled_from(["flat", "per_seat"])),
                "billing_interval_months": str(draw(st.sampled_from([1, 3, 12]))),
                "unit_amount": f"{draw(st.integers(1, 50000)) / 100:.2f}",
                "currency": currency,
            }
        )
    rate = Decimal("1.08")
    for month in MONTH_STARTS:
        rate += Decimal(draw(st.integers(-5, 5))) / 100
        rows["billing/fx_rates"] += weekly_rates(month, rate)
    for a in range(accounts):
        account = f"acc_{a}"
        rows["crm/accounts"].append({"account_id": account, "account_name": account})
        rows["billing/customers"].append(
            {"customer_id": f"cus_{a}", "account_id": account, "currency": "USD"}
        )
        rows["billing/subscriptions"].append(
            {"subscription_id": f"sub_{a}", "customer_id": f"cus_{a}", "created_at": "2023-12-01"}
        )
        for i in range(draw(st.integers(1, 2))):
            boundaries = sorted(
                draw(st.lists(st.integers(0, 400), min_size=1, max_size=4, unique=True))
            )
            is_open = draw(st.booleans())
            ends = boundaries[1:] + ([None] if is_open or len(boundaries) == 1 else [])
            for start, end in zip(boundaries, ends, strict=False):
                rows["billing/subscription_items"].append(
                    {
                        "subscription_item_id": f"si_{a}_{i}",
                        "subscription_id": f"sub_{a}",
                        "plan_id": f"plan_{draw(st.integers(0, 2))}",
                        "quantity": str(draw(st.integers(0, 20))),
                        "unit_amount": draw(st.sampled_from(["", "12.50", "99"])),
                        "discount_percent": str(draw(st.sampled_from([0, 10, 100]))),
                        "valid_from": _day(start),
                        "valid_to": "" if end is None else _day(end),
                    }
                )
    return rows


def _day(offset: int) -> str:
    from datetime import date, timedelta

    return (date(2024, 1, 1) + timedelta(days=offset - 30)).isoformat()


def shuffled(rows: Rows, seed: int) -> Rows:
    generator = random.Random(seed)
    return {path: generator.sample(table, len(table)) for path, table in rows.items()}


PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
TOLERANCE = Decimal("0.00001")


@PROPERTY_SETTINGS
@given(rows=subscription_histories(), seed=st.integers(0, 2**16))
def test_the_mrr_chain_holds_its_invariants(chain: CompiledChain, rows: Rows, seed: int) -> None:
    marts = run_chain(chain, rows, "UTC")
    previous_closing = None
    for month in sorted(marts["rpt_mrr_bridge"], key=lambda r: r["month"]):
        gap = (
            month["opening_mrr"] + month["new_mrr"] + month["reactivation_mrr"]
            + month["expansion_mrr"] - month["contraction_mrr"] - month["churn_mrr"]
            + month["fx_mrr"] - month["closing_mrr"]
        )  # fmt: skip
        assert abs(gap) <= TOLERANCE, (month, gap)
        if previous_closing is not None:
            assert abs(month["opening_mrr"] - previous_closing) <= TOLERANCE, month
        previous_closing = month["closing_mrr"]
    assert all(r["mrr"] >= 0 and r["mrr_original"] >= 0 for r in marts["fct_mrr"])
    # Neither the order rows arrive in nor the session's timezone changes a number.
    assert run_chain(chain, shuffled(rows, seed), "America/New_York") == marts


def test_the_in_process_chain_computes_a_known_answer(chain: CompiledChain) -> None:
    """The harness runs the real chain: an annual flat plan of 120 USD is 10 a month."""
    rows: Rows = {
        "crm/accounts": [{"account_id": "acc_0", "account_name": "A"}],
        "billing/customers": [{"customer_id": "cus_0", "account_id": "acc_0", "currency": "USD"}],
        "billing/subscriptions": [
            {"subscription_id": "sub_0", "customer_id": "cus_0", "created_at": "2024-01-01"}
        ],
        "billing/products": [{"product_id": "pa", "product_name": "A", "product_family": "f"}],
        "billing/plans": [
            {
                "plan_id": "plan_0",
                "product_id": "pa",
                "plan_name": "annual",
                "pricing_model": "flat",
                "billing_interval_months": "12",
                "unit_amount": "120",
                "currency": "USD",
            }
        ],
        "billing/subscription_items": [
            {
                "subscription_item_id": "si_0",
                "subscription_id": "sub_0",
                "plan_id": "plan_0",
                "quantity": "3",
                "discount_percent": "0",
                "valid_from": "2024-02-15",
                "valid_to": "2024-06-01",
            }
        ],
    }
    marts = run_chain(chain, rows, "UTC")
    mrr = {(r["month"].isoformat(), r["mrr"]) for r in marts["fct_mrr"] if r["mrr"]}
    assert mrr == {(f"2024-{m:02d}-01", Decimal(10)) for m in (2, 3, 4, 5)}
    churn = [r for r in marts["rpt_mrr_bridge"] if r["churn_mrr"]]
    assert [(r["month"].isoformat(), r["churn_mrr"]) for r in churn] == [("2024-06-01", 10)]
