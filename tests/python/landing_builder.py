"""A tiny hand-written landing for ingestion tests: every required table, one row each."""

from __future__ import annotations

import csv
from pathlib import Path

MINIMAL_ROWS: dict[str, list[dict[str, str]]] = {
    "crm/accounts": [
        {
            "account_id": "acc_1",
            "account_name": "Acme",
            "industry": "retail",
            "region": "EMEA",
            "country": "DE",
            "employee_count": "120",
            "segment": "smb",
            "touch_model": "tech",
            "csm_owner_id": "",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "merged_into_account_id": "",
        }
    ],
    "billing/customers": [
        {
            "customer_id": "cus_1",
            "account_id": "acc_1",
            "currency": "EUR",
            "created_at": "2024-01-01T00:00:00Z",
            "is_test": "false",
        }
    ],
    "billing/products": [
        {"product_id": "prod_cms", "product_name": "Atlas CMS", "product_family": "content"}
    ],
    "billing/plans": [
        {
            "plan_id": "plan_1",
            "product_id": "prod_cms",
            "plan_name": "CMS Pro",
            "pricing_model": "per_seat",
            "billing_interval_months": "1",
            "unit_amount": "10",
            "currency": "EUR",
            "tier_rank": "2",
            "included_seats": "",
        }
    ],
    "billing/subscriptions": [
        {
            "subscription_id": "sub_1",
            "customer_id": "cus_1",
            "status": "active",
            "created_at": "2024-01-01T00:00:00Z",
            "trial_end_at": "",
            "canceled_at": "",
            "ended_at": "",
        }
    ],
    "billing/subscription_items": [
        {
            "subscription_item_id": "si_1",
            "subscription_id": "sub_1",
            "plan_id": "plan_1",
            "quantity": "5",
            "unit_amount": "",
            "discount_percent": "0",
            "valid_from": "2024-01-15",
            "valid_to": "",
        }
    ],
}


def write_csv(path: Path, rows: list[dict[str, str]], bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def write_minimal_landing(root: Path) -> Path:
    for table_path, rows in MINIMAL_ROWS.items():
        write_csv(root / f"{table_path}.csv", rows)
    return root
