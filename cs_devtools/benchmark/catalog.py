"""The benchmark's price list: three products × three tiers × monthly/annual, in USD."""

from __future__ import annotations

from dataclasses import dataclass

PRODUCT_IDS: tuple[str, ...] = ("prod_cms", "prod_mka", "prod_ecat")


@dataclass(frozen=True)
class BenchPlan:
    plan_id: str
    product_id: str
    pricing_model: str
    interval: int
    unit_cents: int
    tier: int


def bench_plans() -> list[BenchPlan]:
    """Three products × three tiers × monthly/annual, USD.

    Monthly prices are multiples of 10 cents and annual ones 10.8 × that, so an
    annual price is a multiple of 12 cents and its monthly MRR, after any
    whole-percent discount, is exact at 4 decimals.
    """
    tiers = {
        "prod_cms": ("per_seat", (1500, 2900, 5500)),
        "prod_mka": ("per_seat", (2500, 4500, 7900)),
        "prod_ecat": ("flat", (8900, 44900, 159000)),
    }
    plans = []
    for product_id, (model, prices) in tiers.items():
        for tier, monthly_cents in enumerate(prices, start=1):
            for interval in (1, 12):
                cents = monthly_cents if interval == 1 else monthly_cents // 10 * 108
                plan_id = f"{product_id}_t{tier}_{'m' if interval == 1 else 'y'}"
                plans.append(BenchPlan(plan_id, product_id, model, interval, cents, tier))
    return plans
