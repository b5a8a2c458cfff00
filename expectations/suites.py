"""Expectation suites, written as code so they are reviewed and versioned like the models.

GX 1.x has no working DuckDB SQL datasource, so every suite names the query
whose result it validates: the check reads that DataFrame from the working
database (typed by the query) and validates it in memory. `python -m
expectations.register` stores the suites in the file context under
`expectations/gx/`; the checks run the stored suites, and a test keeps the
stored JSON equal to this module.

Severity: `critical` expectations block the night (docs/landing_contract.md, "What bad
input gets": block); `warning` ones are reported in the check's metadata and
the log. Raw suites run before dbt, mart suites on the working database after
dbt and before publish.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import great_expectations.expectations as gxe

from cs_analytics.landing.contract import TABLES_BY_PATH, Column, Table
from cs_analytics.sql import quote_identifier

SuiteKind = Literal["raw", "mart"]
ExpectationFactory = Callable[[], list[gxe.Expectation]]

CRITICAL = "critical"
WARNING = "warning"


@dataclass(frozen=True)
class SuiteDefinition:
    name: str
    kind: SuiteKind
    # The table path (raw) or mart name the suite guards: the asset it checks.
    target: str
    # The relation in the working warehouse the suite is about, for messages.
    relation: str
    # The query producing the validated frame; fixed text, never user input. It
    # may use the bound parameters $as_of_date and $reporting_timezone.
    query: str
    expectations: ExpectationFactory
    # Columns that identify a failing row in the check's sample.
    row_id_columns: tuple[str, ...] = ()
    description: str = ""


# ---------------------------------------------------------------- raw tables

# Columns whose unparsable value would change a published number if it became
# NULL silently (staging uses try_cast): such a value blocks the night. Other
# unparsable values are reported as warnings and counted in
# audit.audit_landing_parse_failures.
BLOCKING_PARSE_COLUMNS: dict[str, frozenset[str]] = {
    "billing/customers": frozenset({"is_test"}),
    "billing/plans": frozenset({"billing_interval_months", "unit_amount"}),
    "billing/subscriptions": frozenset({"created_at", "trial_end_at"}),
    "billing/subscription_items": frozenset(
        {"quantity", "unit_amount", "discount_percent", "valid_from", "valid_to"}
    ),
    "billing/invoice_lines": frozenset({"amount", "is_proration"}),
    "billing/fx_rates": frozenset({"rate_date", "usd_per_unit"}),
    "crm/opportunities": frozenset(
        {"is_won", "is_closed", "amount", "close_date", "contract_start_date"}
    ),
    "crm/churn_reasons": frozenset({"notice_at", "effective_at"}),
}

TRUE_WORDS = ("true", "t", "1", "yes", "y")
FALSE_WORDS = ("false", "f", "0", "no", "n")


def _text(column: str) -> str:
    return f"nullif(trim(cast({quote_identifier(column)} as varchar)), '')"


def parsed_value(column: Column) -> str:
    """The value as staging reads it (macros/landing/landing_values.sql), or NULL."""
    text = _text(column.name)
    if column.type == "decimal":
        return f"try_cast({text} as decimal(38, 9))"
    if column.type == "integer":
        return f"try_cast({text} as bigint)"
    if column.type == "date":
        return f"try_cast({text} as date)"
    if column.type == "timestamp":
        # A date without time is that day in the reporting timezone; otherwise
        # an offset is honoured and no offset means UTC.
        return (
            f"case when regexp_full_match({text}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
            f"then timezone($reporting_timezone, try_cast({text} as timestamp)) "
            f"else try_cast({text} as timestamptz) end"
        )
    if column.type == "boolean":
        words = ", ".join(f"'{w}'" for w in TRUE_WORDS)
        falses = ", ".join(f"'{w}'" for w in FALSE_WORDS)
        return (
            f"case when lower({text}) in ({words}) then true "
            f"when lower({text}) in ({falses}) then false end"
        )
    return text


def unparsable_column(name: str) -> str:
    return f"{name}__unparsable"


def raw_select(table: Table) -> str:
    """Every contract column parsed, plus an `<col>__unparsable` text per typed column."""
    values = [f"{parsed_value(c)} as {quote_identifier(c.name)}" for c in table.columns]
    unparsable = [
        f"case when {_text(c.name)} is not null and {parsed_value(c)} is null "
        f"then {_text(c.name)} end as {quote_identifier(unparsable_column(c.name))}"
        for c in table.columns
        if c.type != "string"
    ]
    return (
        f"select {', '.join([*values, *unparsable])}, _loaded_at, _source_file, _source_row "
        f"from raw.{table.raw_relation}"
    )


def raw_query(table: Table, flags: Sequence[str] = ()) -> str:
    """The parsed rows, `_key_rank` 1 on the row staging keeps per key, and rule flags."""
    keys = ", ".join(quote_identifier(k) for k in table.primary_key)
    return (
        f"with parsed as ({raw_select(table)}), "
        f"keyed as (select *, row_number() over (partition by {keys} "
        "order by _loaded_at desc, _source_row desc) as _key_rank from parsed) "
        f"select {', '.join(['*', *flags])} from keyed"
    )


def _generic_raw_expectations(table: Table) -> list[gxe.Expectation]:
    blocking = BLOCKING_PARSE_COLUMNS.get(table.path, frozenset())
    expectations: list[gxe.Expectation] = []
    if table.required:
        expectations.append(gxe.ExpectTableRowCountToBeBetween(min_value=1, severity=CRITICAL))
    expectations += [
        # A row without its key cannot be de-duplicated or attributed: it would be lost.
        gxe.ExpectColumnValuesToNotBeNull(column=key, severity=CRITICAL)
        for key in table.primary_key
    ]
    expectations += [
        gxe.ExpectColumnValuesToBeNull(
            column=unparsable_column(c.name),
            severity=CRITICAL if c.name in blocking else WARNING,
        )
        for c in table.columns
        if c.type != "string"
    ]
    return expectations


@dataclass(frozen=True)
class RawRules:
    """Table-specific rules on top of keys, row count and parsing."""

    # Extra boolean/text columns computed over the parsed frame (fixed SQL).
    flags: tuple[str, ...] = ()
    expectations: Callable[[], list[gxe.Expectation]] = field(default=lambda: [])


def _accepted(column: str, values: Sequence[str | int], severity: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values), severity=severity)


def _lower(column: str) -> str:
    return f"lower({quote_identifier(column)}) as {quote_identifier(column + '__lower')}"


RAW_RULES: dict[str, RawRules] = {
    "billing/subscription_items": RawRules(
        flags=(
            # Versions of one item must not overlap (block); only among the rows
            # staging keeps, since a re-sent version is not an overlap.
            """case when _key_rank = 1 and lead(valid_from) over (
                    partition by subscription_item_id, _key_rank order by valid_from
                ) < coalesce(valid_to, 'infinity'::timestamptz)
                then true else false end as overlaps_next_version""",
            "case when valid_to <= valid_from then true else false end as ends_before_it_starts",
        ),
        expectations=lambda: [
            gxe.ExpectColumnValuesToNotBeNull(column="subscription_id", severity=CRITICAL),
            gxe.ExpectColumnValuesToNotBeNull(column="plan_id", severity=CRITICAL),
            gxe.ExpectColumnValuesToBeBetween(column="quantity", min_value=0, severity=CRITICAL),
            gxe.ExpectColumnValuesToBeBetween(column="unit_amount", min_value=0, severity=CRITICAL),
            gxe.ExpectColumnValuesToBeBetween(
                column="discount_percent", min_value=0, max_value=100, severity=CRITICAL
            ),
            _accepted("overlaps_next_version", [False], CRITICAL),
            _accepted("ends_before_it_starts", [False], WARNING),
        ],
    ),
    "billing/plans": RawRules(
        flags=(_lower("pricing_model"),),
        expectations=lambda: [
            _accepted("billing_interval_months", [1, 3, 6, 12], CRITICAL),
            _accepted("pricing_model__lower", ["flat", "per_seat"], CRITICAL),
            gxe.ExpectColumnValuesToBeBetween(column="unit_amount", min_value=0, severity=CRITICAL),
            gxe.ExpectColumnValuesToNotBeNull(column="currency", severity=CRITICAL),
        ],
    ),
    "billing/invoice_lines": RawRules(
        flags=(
            # Negative lines are prorations or credits (a line billing no
            # subscription item); anything else is a billing error (block).
            """case when amount < 0 and not coalesce(is_proration, false)
                    and subscription_item_id is not null
                then true else false end as is_negative_charge""",
        ),
        expectations=lambda: [_accepted("is_negative_charge", [False], CRITICAL)],
    ),
    "billing/fx_rates": RawRules(
        expectations=lambda: [
            gxe.ExpectColumnValuesToBeBetween(
                column="usd_per_unit", min_value=0, strict_min=True, severity=CRITICAL
            ),
            gxe.ExpectColumnValueLengthsToEqual(column="currency", value=3, severity=CRITICAL),
        ]
    ),
    "billing/customers": RawRules(
        expectations=lambda: [
            gxe.ExpectColumnValueLengthsToEqual(column="currency", value=3, severity=WARNING)
        ]
    ),
    "billing/invoices": RawRules(
        flags=(_lower("status"),),
        expectations=lambda: [
            _accepted("status__lower", ["draft", "open", "paid", "void", "uncollectible"], WARNING),
            gxe.ExpectColumnValuesToBeBetween(column="amount_paid", min_value=0, severity=WARNING),
        ],
    ),
    "billing/payments": RawRules(
        flags=(_lower("status"),),
        expectations=lambda: [_accepted("status__lower", ["succeeded", "failed"], WARNING)],
    ),
    "billing/refunds": RawRules(
        expectations=lambda: [
            gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, severity=WARNING)
        ]
    ),
    "crm/accounts": RawRules(
        flags=(_lower("segment"), _lower("touch_model")),
        expectations=lambda: [
            _accepted("segment__lower", ["smb", "mid_market", "enterprise"], WARNING),
            _accepted("touch_model__lower", ["high", "low", "tech"], WARNING),
            gxe.ExpectColumnValuesToBeBetween(
                column="employee_count", min_value=0, severity=WARNING
            ),
        ],
    ),
    "crm/opportunities": RawRules(
        flags=(_lower("opportunity_type"),),
        expectations=lambda: [
            _accepted(
                "opportunity_type__lower",
                ["new_business", "expansion", "cross_sell", "renewal"],
                WARNING,
            ),
            gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, severity=WARNING),
        ],
    ),
    "crm/activities": RawRules(
        flags=(_lower("activity_type"),),
        expectations=lambda: [
            _accepted(
                "activity_type__lower",
                ["call", "meeting", "email", "qbr", "onboarding_session", "training"],
                WARNING,
            )
        ],
    ),
    "crm/nps_responses": RawRules(
        expectations=lambda: [
            gxe.ExpectColumnValuesToBeBetween(
                column="score", min_value=0, max_value=10, severity=WARNING
            )
        ]
    ),
    "crm/onboarding_milestones": RawRules(
        flags=(_lower("milestone"),),
        expectations=lambda: [
            _accepted(
                "milestone__lower",
                ["kickoff", "configured", "first_value", "trained", "go_live"],
                WARNING,
            )
        ],
    ),
    "support/tickets": RawRules(
        flags=(_lower("priority"),),
        expectations=lambda: [
            _accepted("priority__lower", ["low", "normal", "high", "urgent"], WARNING),
            gxe.ExpectColumnValuesToBeBetween(
                column="csat_score", min_value=1, max_value=5, severity=WARNING
            ),
        ],
    ),
}


def _raw_suite(table: Table) -> SuiteDefinition:
    rules = RAW_RULES.get(table.path, RawRules())
    query = raw_query(table, rules.flags)

    def expectations() -> list[gxe.Expectation]:
        return _generic_raw_expectations(table) + rules.expectations()

    return SuiteDefinition(
        name=f"raw_{table.raw_relation}",
        kind="raw",
        target=table.path,
        relation=f"raw.{table.raw_relation}",
        query=query,
        expectations=expectations,
        row_id_columns=("_source_file", "_source_row", *table.primary_key),
        description=f"Landing table {table.path}: keys present, values parse, contract rules.",
    )


# usage/events is the big table (10^8+ rows at scale): the suite validates one
# aggregate row per landing file, so the frame stays small whatever the volume.
# Row-level rules on events (one row per event_id after de-duplication,
# attribution to a known account) are dbt tests and audit models.
_EVENTS_TIMESTAMP = parsed_value(Column("occurred_at", "timestamp"))
_RECEIVED_TIMESTAMP = parsed_value(Column("received_at", "timestamp"))
RAW_USAGE_EVENTS = SuiteDefinition(
    name="raw_usage__events",
    kind="raw",
    target="usage/events",
    relation="raw.usage__events",
    query=f"""
        with parsed as (
            select
                {_text("event_id")} as event_id,
                {_text("account_id")} as account_id,
                {_text("occurred_at")} as occurred_text,
                {_text("received_at")} as received_text,
                {_EVENTS_TIMESTAMP} as occurred_at,
                {_RECEIVED_TIMESTAMP} as received_at,
                _source_file
            from raw.usage__events
        )
        select
            _source_file,
            count(*) as rows_in_file,
            count(*) filter (where event_id is null) as events_without_id,
            count(*) filter (where account_id is null) as events_without_account,
            count(*) filter (
                where occurred_text is not null and occurred_at is null
            ) as unparsable_occurred_at,
            count(*) filter (
                where received_text is not null and received_at is null
            ) as unparsable_received_at,
            count(*) filter (where received_at < occurred_at) as received_before_occurred,
            date_diff(
                'day', cast(timezone('UTC', max(received_at)) as date), $as_of_date
            ) as days_since_latest_received
        from parsed
        group by _source_file
    """,
    expectations=lambda: [
        gxe.ExpectColumnValuesToBeBetween(
            column="events_without_id", max_value=0, severity=CRITICAL
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="unparsable_occurred_at", max_value=0, severity=CRITICAL
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="unparsable_received_at", max_value=0, severity=WARNING
        ),
        # Quarantined downstream with a reason; worth a look, not a stop.
        gxe.ExpectColumnValuesToBeBetween(
            column="events_without_account", max_value=0, severity=WARNING
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="received_before_occurred", max_value=0, severity=WARNING
        ),
        # Freshness: the newest file holds an event received in the last 3 days.
        gxe.ExpectColumnMinToBeBetween(
            column="days_since_latest_received", max_value=3, severity=WARNING
        ),
    ],
    row_id_columns=("_source_file",),
    description="Landing usage/events, one aggregate row per file: ids, timestamps, freshness.",
)

RAW_SUITES: tuple[SuiteDefinition, ...] = tuple(
    RAW_USAGE_EVENTS if table.path == "usage/events" else _raw_suite(table)
    for table in TABLES_BY_PATH.values()
)
RAW_SUBSCRIPTION_ITEMS = next(s for s in RAW_SUITES if s.target == "billing/subscription_items")


# ---------------------------------------------------------------- public marts


def mart_suite(
    mart: str,
    key: Sequence[str],
    expectations: ExpectationFactory = lambda: [],
    derived: Sequence[str] = (),
    joins: str = "",
    description: str = "",
    min_rows: int = 0,
) -> SuiteDefinition:
    """A suite on `marts.<mart>` in the working database: its key, then `expectations`.

    `derived` adds computed columns (fixed SQL over alias `mart`, with `joins`)
    for cross-column and cross-table rules; `min_rows` is the fewest rows a
    good night has (0 where a landing may legitimately give none, e.g. no CRM
    users means no CSMs). Adding a mart is one call here.
    """
    selected = ", ".join(["mart.*", *derived])
    query = f"select {selected} from marts.{quote_identifier(mart)} as mart {joins}"

    def all_expectations() -> list[gxe.Expectation]:
        keyed: list[gxe.Expectation] = []
        if min_rows:
            keyed.append(gxe.ExpectTableRowCountToBeBetween(min_value=min_rows, severity=CRITICAL))
        keyed += [gxe.ExpectColumnValuesToNotBeNull(column=c, severity=CRITICAL) for c in key]
        if len(key) == 1:
            keyed.append(gxe.ExpectColumnValuesToBeUnique(column=key[0], severity=CRITICAL))
        else:
            keyed.append(
                gxe.ExpectCompoundColumnsToBeUnique(column_list=list(key), severity=CRITICAL)
            )
        return keyed + expectations()

    return SuiteDefinition(
        name=f"mart_{mart}",
        kind="mart",
        target=mart,
        relation=f"marts.{mart}",
        query=query,
        expectations=all_expectations,
        row_id_columns=tuple(key),
        description=description or f"Mart {mart}: key unique and present, ranges, rules.",
    )


def _non_negative(*columns: str) -> list[gxe.Expectation]:
    return [
        gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, severity=CRITICAL) for c in columns
    ]


# A thousandth of a cent: absorbs per-row rounding at the ninth decimal, as the
# bridge's singular dbt tests do; a real gap is at least a cent.
GAP_TOLERANCE = 0.00001


def _zero(column: str) -> gxe.Expectation:
    """A computed gap that must be zero, to a thousandth of a cent."""
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=-GAP_TOLERANCE, max_value=GAP_TOLERANCE, severity=CRITICAL
    )


MOVEMENT_TYPES = ["new", "reactivation", "expansion", "contraction", "churn", "fx"]
HEALTH_BANDS = ["red", "yellow", "green", "insufficient_data"]
HEALTH_COMPONENTS = (
    "usage",
    "adoption",
    "support",
    "sentiment",
    "engagement",
    "financial",
    "onboarding",
)
SLICE_DIMENSIONS = ["all", "segment", "touch_model", "region", "product"]

MART_SUITES: tuple[SuiteDefinition, ...] = (
    mart_suite(
        "dim_build",
        key=["as_of_date"],
        expectations=lambda: [
            gxe.ExpectTableRowCountToEqual(value=1, severity=CRITICAL),
            _accepted("is_this_run", [True], CRITICAL),
            gxe.ExpectColumnValueLengthsToEqual(
                column="reporting_currency", value=3, severity=CRITICAL
            ),
        ],
        derived=["mart.as_of_date = $as_of_date as is_this_run"],
        description="One row, built for this run's AS_OF_DATE.",
    ),
    mart_suite(
        "dim_accounts",
        key=["account_id"],
        # crm/accounts is a required table with at least one row.
        min_rows=1,
        expectations=lambda: [
            _accepted("segment", ["smb", "mid_market", "enterprise", "unknown"], CRITICAL),
            gxe.ExpectColumnValuesToNotBeNull(column="touch_model", severity=CRITICAL),
            *_non_negative("current_mrr"),
        ],
    ),
    mart_suite("dim_csms", key=["csm_owner_id"]),
    mart_suite(
        "fct_mrr",
        key=["month", "account_id", "product_id", "currency"],
        expectations=lambda: [
            *_non_negative("mrr", "mrr_original"),
            _zero("arr_minus_12_mrr"),
            _accepted("is_reported_month", [True], CRITICAL),
        ],
        derived=[
            "mart.arr - 12 * mart.mrr as arr_minus_12_mrr",
            "mart.month <= date_trunc('month', cast($as_of_date as date)) as is_reported_month",
        ],
    ),
    mart_suite(
        "fct_mrr_movements",
        key=["month", "account_id", "movement_type", "movement_subtype__key"],
        expectations=lambda: [
            _accepted("movement_type", MOVEMENT_TYPES, CRITICAL),
            _accepted("movement_subtype__key", ["upsell", "cross_sell", ""], CRITICAL),
            _accepted("has_documented_sign", [True], CRITICAL),
            *_non_negative("previous_mrr", "current_mrr"),
        ],
        derived=[
            "coalesce(mart.movement_subtype, '') as movement_subtype__key",
            """case mart.movement_type
                when 'new' then mart.amount > 0
                when 'reactivation' then mart.amount > 0
                when 'expansion' then mart.amount >= 0
                when 'contraction' then mart.amount < 0
                when 'churn' then mart.amount < 0
                else true
            end as has_documented_sign""",
        ],
    ),
    mart_suite(
        "fct_mrr_product_movements",
        key=["month", "account_id", "product_id", "movement_type"],
        expectations=lambda: [
            _accepted("movement_type", MOVEMENT_TYPES, CRITICAL),
            *_non_negative("previous_mrr", "current_mrr"),
        ],
    ),
    mart_suite(
        "rpt_mrr_bridge",
        key=["month"],
        expectations=lambda: [
            *_non_negative(
                "opening_mrr",
                "new_mrr",
                "reactivation_mrr",
                "expansion_mrr",
                "contraction_mrr",
                "churn_mrr",
                "closing_mrr",
                "opening_accounts",
                "closing_accounts",
            ),
            _zero("bridge_gap"),
            _zero("closing_minus_fct_mrr"),
            _zero("movements_minus_fct_mrr_movements"),
        ],
        derived=[
            """mart.opening_mrr + mart.new_mrr + mart.reactivation_mrr + mart.expansion_mrr
                - mart.contraction_mrr - mart.churn_mrr + mart.fx_mrr - mart.closing_mrr
                as bridge_gap""",
            "mart.closing_mrr - coalesce(mrr.mrr, 0) as closing_minus_fct_mrr",
            """mart.new_mrr + mart.reactivation_mrr + mart.expansion_mrr - mart.contraction_mrr
                - mart.churn_mrr + mart.fx_mrr - coalesce(movements.amount, 0)
                as movements_minus_fct_mrr_movements""",
        ],
        joins="""
            left join (
                select month, sum(mrr) as mrr from marts.fct_mrr group by month
            ) as mrr on mart.month = mrr.month
            left join (
                select month, sum(amount) as amount from marts.fct_mrr_movements group by month
            ) as movements on mart.month = movements.month
        """,
        description="The bridge closes every month and reconciles with fct_mrr and its movements.",
    ),
    mart_suite(
        "rpt_retention_kpis",
        key=["month", "slice_dimension", "slice_value", "window_months"],
        expectations=lambda: [
            _accepted("slice_dimension", SLICE_DIMENSIONS, CRITICAL),
            _accepted("window_months", [1, 3, 12], CRITICAL),
            gxe.ExpectColumnValuesToBeBetween(
                column="grr", min_value=0, max_value=1, severity=CRITICAL
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="logo_churn_rate", min_value=0, max_value=1, severity=CRITICAL
            ),
            *_non_negative("base_mrr", "base_accounts", "nrr", "churn_mrr", "contraction_mrr"),
        ],
    ),
    mart_suite(
        "rpt_cohort_retention",
        key=["cohort_month", "months_since_start", "slice_dimension", "slice_value"],
        expectations=lambda: [
            _accepted("slice_dimension", SLICE_DIMENSIONS, CRITICAL),
            gxe.ExpectColumnValuesToBeBetween(
                column="logo_retention", min_value=0, max_value=1, severity=CRITICAL
            ),
            *_non_negative(
                "months_since_start", "cohort_accounts", "active_accounts", "revenue_retention"
            ),
            _zero("active_beyond_cohort"),
        ],
        derived=[
            "greatest(mart.active_accounts - mart.cohort_accounts, 0) as active_beyond_cohort"
        ],
    ),
    mart_suite(
        "rpt_survival",
        key=["slice_dimension", "slice_value", "cohort_year", "months_since_start"],
        expectations=lambda: [
            gxe.ExpectColumnValuesToBeBetween(
                column="survival", min_value=0, max_value=1, severity=CRITICAL
            ),
            *_non_negative("at_risk", "churned", "censored"),
        ],
    ),
    mart_suite(
        "fct_churn_events",
        key=["month", "account_id"],
        expectations=lambda: [
            gxe.ExpectColumnValuesToNotBeNull(column="reason_code", severity=CRITICAL),
            _accepted("voluntary_category", ["voluntary", "involuntary", "unknown"], CRITICAL),
            _accepted("avoidability_category", ["avoidable", "unavoidable", "unknown"], CRITICAL),
            *_non_negative("churned_mrr", "tenure_months"),
        ],
    ),
    mart_suite(
        "rpt_churn_by_category",
        key=["month", "voluntary_category", "avoidability_category"],
    ),
    mart_suite(
        "rpt_onboarding",
        key=["cohort_month", "slice_dimension", "slice_value"],
        expectations=lambda: [
            gxe.ExpectColumnValuesToBeBetween(
                column="onboarding_completion_rate", min_value=0, max_value=1, severity=CRITICAL
            ),
            *_non_negative("accounts_started", "onboarding_completed_90d"),
        ],
    ),
    mart_suite(
        "fct_account_health_daily",
        key=["account_id", "score_date"],
        expectations=lambda: [
            _accepted("health_band", HEALTH_BANDS, CRITICAL),
            gxe.ExpectColumnValuesToBeBetween(
                column="health_score", min_value=0, max_value=100, severity=CRITICAL
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="coverage", min_value=0, max_value=1, severity=CRITICAL
            ),
            *(
                gxe.ExpectColumnValuesToBeBetween(
                    column=f"{component}_score", min_value=0, max_value=100, severity=CRITICAL
                )
                for component in HEALTH_COMPONENTS
            ),
            _accepted("is_not_after_as_of", [True], CRITICAL),
        ],
        derived=["mart.score_date < cast($as_of_date as date) as is_not_after_as_of"],
    ),
    mart_suite(
        "rpt_health_backtest",
        key=["month", "slice_dimension", "slice_value", "weights_version", "health_band"],
        expectations=lambda: [
            _accepted("health_band", HEALTH_BANDS, CRITICAL),
            gxe.ExpectColumnValuesToBeBetween(
                column="churn_rate_90d", min_value=0, max_value=1, severity=CRITICAL
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="auc", min_value=0, max_value=1, severity=CRITICAL
            ),
            *_non_negative("accounts", "churned_90d", "contracted_90d"),
        ],
    ),
    mart_suite(
        "rpt_health_backtest_summary",
        key=["slice_dimension", "slice_value", "weights_version"],
        expectations=lambda: [
            gxe.ExpectColumnValuesToBeBetween(
                column="auc", min_value=0, max_value=1, severity=CRITICAL
            ),
            *_non_negative("account_months"),
        ],
    ),
    mart_suite(
        "fct_expansion_signals",
        key=["account_id", "signal_date", "signal_code"],
        expectations=lambda: [
            gxe.ExpectColumnValuesToNotBeNull(column="signal_value", severity=CRITICAL),
            gxe.ExpectColumnValuesToNotBeNull(column="threshold", severity=CRITICAL),
        ],
    ),
    mart_suite("rpt_expansion_signal_backtest", key=["signal_code"]),
    mart_suite(
        "fct_renewals",
        key=["subscription_item_id", "term_end_date"],
        expectations=lambda: [
            _accepted(
                "outcome", ["renewed", "expanded", "contracted", "churned", "pending"], CRITICAL
            ),
            *_non_negative("mrr_up_for_renewal", "renewed_mrr", "mrr_after_renewal"),
            _zero("renewed_beyond_up"),
        ],
        derived=[
            "greatest(coalesce(mart.renewed_mrr, 0) - mart.mrr_up_for_renewal, 0)"
            " as renewed_beyond_up"
        ],
    ),
    mart_suite(
        "rpt_csm_portfolio",
        key=["month", "csm_owner_id"],
        expectations=lambda: [
            *_non_negative("accounts", "mrr", "at_risk_mrr", "renewals_due_90d_mrr", "touches_30d"),
            _zero("at_risk_beyond_mrr"),
        ],
        derived=["greatest(mart.at_risk_mrr - mart.mrr, 0) as at_risk_beyond_mrr"],
    ),
)

ALL_SUITES: tuple[SuiteDefinition, ...] = RAW_SUITES + MART_SUITES
SUITES_BY_NAME: dict[str, SuiteDefinition] = {s.name: s for s in ALL_SUITES}
