"""The landing contract of docs/landing_contract.md as data.

Ingestion checks landings against it, the demo generator writes it, and a test
keeps the dbt sources in step with it, so the contract is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["string", "timestamp", "date", "decimal", "integer", "boolean"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "string"
    optional: bool = False


@dataclass(frozen=True)
class Table:
    system: str
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    required: bool = False

    @property
    def path(self) -> str:
        """Path of the table inside a landing folder, without extension."""
        return f"{self.system}/{self.name}"

    @property
    def raw_relation(self) -> str:
        """Name of the table in the warehouse's `raw` schema."""
        return f"{self.system}__{self.name}"

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.optional)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _cols(spec: str) -> tuple[Column, ...]:
    """Parse 'name:type' words; a trailing '?' marks an optional column."""
    columns = []
    for word in spec.split():
        name, _, type_ = word.partition(":")
        optional = type_.endswith("?")
        columns.append(Column(name, (type_.rstrip("?") or "string"), optional))  # type: ignore[arg-type]
    return tuple(columns)


TABLES: tuple[Table, ...] = (
    # ---------- crm
    Table(
        "crm",
        "accounts",
        _cols(
            "account_id account_name industry region country employee_count:integer"
            " segment touch_model csm_owner_id created_at:timestamp updated_at:timestamp"
            " merged_into_account_id"
        ),
        ("account_id",),
        required=True,
    ),
    Table("crm", "users", _cols("user_id full_name email role team"), ("user_id",)),
    Table(
        "crm",
        "contacts",
        _cols(
            "contact_id account_id full_name email title is_executive_sponsor:boolean"
            " created_at:timestamp"
        ),
        ("contact_id",),
    ),
    Table(
        "crm",
        "opportunities",
        _cols(
            "opportunity_id account_id opportunity_type stage is_won:boolean"
            " is_closed:boolean amount:decimal currency product_id close_date:date"
            " contract_start_date:date contract_end_date:date created_at:timestamp"
        ),
        ("opportunity_id",),
    ),
    Table(
        "crm",
        "activities",
        _cols("activity_id account_id user_id activity_type occurred_at:timestamp"),
        ("activity_id",),
    ),
    Table(
        "crm",
        "nps_responses",
        _cols("response_id account_id contact_id score:integer responded_at:timestamp comment"),
        ("response_id",),
    ),
    Table(
        "crm",
        "onboarding_milestones",
        _cols("account_id milestone due_at:timestamp completed_at:timestamp"),
        ("account_id", "milestone"),
    ),
    Table(
        "crm",
        "churn_reasons",
        _cols(
            "account_id subscription_id reason_code notice_at:timestamp"
            " effective_at:timestamp comment"
        ),
        ("account_id", "subscription_id"),
    ),
    # ---------- billing
    Table(
        "billing",
        "customers",
        _cols("customer_id account_id currency created_at:timestamp is_test:boolean"),
        ("customer_id",),
        required=True,
    ),
    Table(
        "billing",
        "products",
        _cols("product_id product_name product_family"),
        ("product_id",),
        required=True,
    ),
    Table(
        "billing",
        "plans",
        _cols(
            "plan_id product_id plan_name pricing_model billing_interval_months:integer"
            " unit_amount:decimal currency tier_rank:integer? included_seats:integer?"
        ),
        ("plan_id",),
        required=True,
    ),
    Table(
        "billing",
        "subscriptions",
        _cols(
            "subscription_id customer_id status created_at:timestamp"
            " trial_end_at:timestamp canceled_at:timestamp ended_at:timestamp"
        ),
        ("subscription_id",),
        required=True,
    ),
    Table(
        "billing",
        "subscription_items",
        _cols(
            "subscription_item_id subscription_id plan_id quantity:integer"
            " unit_amount:decimal discount_percent:decimal valid_from:timestamp"
            " valid_to:timestamp"
        ),
        ("subscription_item_id", "valid_from"),
        required=True,
    ),
    Table(
        "billing",
        "invoices",
        _cols(
            "invoice_id customer_id subscription_id status currency amount_due:decimal"
            " amount_paid:decimal issued_at:timestamp due_at:timestamp paid_at:timestamp"
            " period_start:timestamp period_end:timestamp"
        ),
        ("invoice_id",),
    ),
    Table(
        "billing",
        "invoice_lines",
        _cols(
            "invoice_line_id invoice_id subscription_item_id plan_id amount:decimal"
            " quantity:integer period_start:timestamp period_end:timestamp"
            " is_proration:boolean"
        ),
        ("invoice_line_id",),
    ),
    Table(
        "billing",
        "payments",
        _cols(
            "payment_id invoice_id amount:decimal currency status"
            " attempted_at:timestamp failure_code"
        ),
        ("payment_id",),
    ),
    Table(
        "billing",
        "refunds",
        _cols("refund_id invoice_id amount:decimal currency created_at:timestamp reason"),
        ("refund_id",),
    ),
    Table(
        "billing",
        "fx_rates",
        _cols("rate_date:date currency usd_per_unit:decimal"),
        ("rate_date", "currency"),
    ),
    # ---------- usage
    Table(
        "usage",
        "users",
        _cols("user_id account_id created_at:timestamp deactivated_at:timestamp role"),
        ("user_id",),
    ),
    Table(
        "usage",
        "events",
        _cols("event_id account_id user_id event_name occurred_at:timestamp received_at:timestamp"),
        ("event_id",),
    ),
    # ---------- support
    Table(
        "support",
        "tickets",
        _cols(
            "ticket_id account_id priority status category created_at:timestamp"
            " first_response_at:timestamp solved_at:timestamp csat_score:integer"
        ),
        ("ticket_id",),
    ),
)

TABLES_BY_PATH: dict[str, Table] = {t.path: t for t in TABLES}
