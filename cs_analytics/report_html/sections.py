"""The report's sections: a registry of what each shows, drawn from the datasets of queries.py.

A section is an id (its title is the label `section.<id>`) and a function
from the report context to its blocks. SECTIONS is the default order; a lens
(lens.py) puts its own sections first. Adding a section is one function and
one entry in SECTIONS, its title in each catalog of labels/, and the rows it
reads as a dataset of queries.py; it then appears in every lens, after the
lens's own sections (name it in a lens's `lead` to put it first there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from cs_analytics.report_html import figures
from cs_analytics.report_html.blocks import Block, Cell, Note, Table, figure_block
from cs_analytics.report_html.data import ReportData
from cs_analytics.report_html.formatting import Formatter
from cs_analytics.report_html.i18n import Labels


@dataclass(frozen=True)
class Context:
    data: ReportData
    labels: Labels
    fmt: Formatter
    font: str


@dataclass(frozen=True)
class Section:
    id: str
    build: Callable[[Context], list[Block]]


# ---------------------------------------------------------------- cells


def _band(ctx: Context, band: object) -> Cell:
    return Cell(ctx.labels.value("band", band), f"band band-{band}" if band else "")


def _csm(ctx: Context, row: pd.Series) -> Cell:
    if row["csm_owner_id"] == "unassigned":
        return Cell(ctx.labels("value.unassigned"))
    name = row["csm_name"]
    return Cell(str(name) if isinstance(name, str) else str(row["csm_owner_id"]))


def _account(row: pd.Series) -> Cell:
    name = row["account_name"]
    return Cell(str(name) if isinstance(name, str) else str(row["account_id"]))


def _num(text: str) -> Cell:
    return Cell(text, "num")


def _empty(ctx: Context) -> list[Block]:
    return [Note(ctx.labels("page.empty"))]


# ---------------------------------------------------------------- sections


def mrr_trend(ctx: Context) -> list[Block]:
    trend, bridge = ctx.data.frame("mrr_trend"), ctx.data.frame("bridge_latest")
    if trend.empty:
        return _empty(ctx)
    blocks: list[Block] = [
        figure_block("mrr_trend", figures.mrr_trend(trend, ctx.labels, ctx.fmt, ctx.font))
    ]
    if not bridge.empty:
        waterfall = figures.bridge_waterfall(bridge.iloc[0], ctx.labels, ctx.fmt, ctx.font)
        blocks.append(figure_block("mrr_bridge", waterfall))
    return [*blocks, Note(ctx.labels("note.bridge"))]


def retention(ctx: Context) -> list[Block]:
    rows = ctx.data.frame("retention_trend")
    if rows.empty:
        return _empty(ctx)
    return [
        figure_block(
            "retention_trend", figures.retention_trend(rows, ctx.labels, ctx.fmt, ctx.font)
        ),
        figure_block("churn_rates", figures.churn_rates(rows, ctx.labels, ctx.fmt, ctx.font)),
        Note(ctx.labels("note.retention")),
    ]


def cohorts(ctx: Context) -> list[Block]:
    rows = ctx.data.frame("cohorts")
    if rows.empty:
        return _empty(ctx)
    return [
        figure_block(
            "cohort_logo",
            figures.cohort_heatmap(
                rows, "logo_retention", "figure.cohort_logo", ctx.labels, ctx.fmt, ctx.font
            ),
        ),
        figure_block(
            "cohort_revenue",
            figures.cohort_heatmap(
                rows,
                "revenue_retention",
                "figure.cohort_revenue",
                ctx.labels,
                ctx.fmt,
                ctx.font,
                colour_max=1.5,
            ),
        ),
        Note(ctx.labels("note.cohorts")),
    ]


def survival(ctx: Context) -> list[Block]:
    rows = ctx.data.frame("survival")
    if rows.empty:
        return _empty(ctx)
    curves = figures.survival_curves(rows, ctx.labels, ctx.fmt, ctx.font)
    return [figure_block("survival", curves, wide=True), Note(ctx.labels("note.survival"))]


def churn_reasons(ctx: Context) -> list[Block]:
    rows = ctx.data.frame("churn_by_category")
    if rows.empty:
        return _empty(ctx)
    chart = figures.churn_by_category(rows, ctx.labels, ctx.fmt, ctx.font)
    return [figure_block("churn_by_category", chart, wide=True)]


def churned_accounts(ctx: Context) -> list[Block]:
    rows = ctx.data.frame("recent_churns")
    build = ctx.data.build
    note = Note(
        ctx.labels(
            "note.churned_accounts",
            month=ctx.fmt.month(build.as_of_date.replace(day=1)),
            months=int(ctx.data.frame("parameters").iloc[0]["recent_churn_months"]),
        )
    )
    if rows.empty:
        return [note, *_empty(ctx)]
    table = Table(
        "recent_churns",
        [
            ctx.labels(key)
            for key in (
                "column.month",
                "column.account",
                "column.segment",
                "column.churned_mrr",
                "column.reason",
                "column.voluntary",
                "column.avoidable",
                "column.tenure",
                "column.csm",
                "column.comment",
            )
        ],
        [
            [
                Cell(ctx.fmt.month(row["month"])),
                _account(row),
                Cell(ctx.labels.value("segment", row["segment"])),
                _num(ctx.fmt.money(row["churned_mrr"])),
                Cell(str(row["reason_label"] or row["reason_code"])),
                Cell(ctx.labels.value("voluntary", row["voluntary_category"])),
                Cell(ctx.labels.value("avoidable", row["avoidability_category"])),
                _num(ctx.fmt.count(row["tenure_months"])),
                _csm(ctx, row),
                Cell(row["notice_comment"] if isinstance(row["notice_comment"], str) else ""),
            ]
            for _, row in rows.iterrows()
        ],
        {3, 7},
    )
    return [note, table]


def health_bands(ctx: Context) -> list[Block]:
    bands, moves = ctx.data.frame("health_bands"), ctx.data.frame("band_transitions")
    if bands.empty:
        return _empty(ctx)
    blocks: list[Block] = [
        figure_block(
            "band_distribution", figures.band_distribution(bands, ctx.labels, ctx.fmt, ctx.font)
        )
    ]
    if not moves.empty:
        start, end = moves["window_start_date"].iloc[0], moves["window_end_date"].iloc[0]
        days = int(ctx.data.frame("parameters").iloc[0]["band_transition_days"])
        blocks.append(
            figure_block(
                "band_transitions",
                figures.band_transitions(moves, days, ctx.labels, ctx.fmt, ctx.font),
            )
        )
        into = ctx.data.frame("into_at_risk").iloc[0]
        blocks += [
            Note(
                ctx.labels(
                    "note.band_transitions", start=ctx.fmt.date(start), end=ctx.fmt.date(end)
                )
            ),
            Note(
                ctx.labels(
                    "note.into_at_risk",
                    accounts=ctx.fmt.count(into["accounts"]),
                    mrr=ctx.fmt.money_with_currency(into["mrr"]),
                    days=days,
                )
            ),
        ]
    return blocks


def at_risk(ctx: Context) -> list[Block]:
    rows = ctx.data.frame("at_risk")
    if rows.empty:
        return _empty(ctx)
    listed = rows[rows["is_listed"]]
    note = Note(
        ctx.labels(
            "note.at_risk",
            listed=len(listed),
            total=len(rows),
            date=ctx.fmt.date(rows["score_date"].iloc[0]),
        )
    )
    table = Table(
        "at_risk",
        [
            ctx.labels(key)
            for key in (
                "column.rank",
                "column.account",
                "column.band",
                "column.score",
                "column.score_change_30d",
                "column.risk_driver",
                "column.mrr",
                "column.csm",
            )
        ],
        [
            [
                _num(str(row["at_risk_rank"])),
                _account(row),
                _band(ctx, row["health_band"]),
                _num(ctx.fmt.decimal(row["health_score"], 1)),
                _num(ctx.fmt.signed_decimal(row["score_change_30d"])),
                Cell(ctx.labels.value("driver", row["primary_risk_driver"])),
                _num(ctx.fmt.money(row["current_mrr"])),
                _csm(ctx, row),
            ]
            for _, row in listed.iterrows()
        ],
        {0, 3, 4, 6},
    )
    return [note, table]


def renewals(ctx: Context) -> list[Block]:
    rows, total = ctx.data.frame("renewals"), ctx.data.frame("renewals_total").iloc[0]
    parameters = ctx.data.frame("parameters").iloc[0]
    note = Note(
        ctx.labels(
            "note.renewals",
            count=ctx.fmt.count(total["renewals"]),
            days=int(parameters["renewal_horizon_days"]),
            mrr=ctx.fmt.money_with_currency(total["mrr"]),
            at_risk=ctx.fmt.count(total["at_risk_renewals"]),
            at_risk_mrr=ctx.fmt.money_with_currency(total["at_risk_mrr"]),
        )
    )
    if rows.empty:
        return [note, *_empty(ctx)]
    table = Table(
        "renewals",
        [
            ctx.labels(key)
            for key in (
                "column.rank",
                "column.term_end",
                "column.days_left",
                "column.account",
                "column.product",
                "column.mrr_up_for_renewal",
                "column.band",
                "column.score",
                "column.score_change_30d",
                "column.csm",
            )
        ],
        [
            [
                _num(str(row["renewal_rank"])),
                Cell(ctx.fmt.date(row["term_end_date"])),
                _num(ctx.fmt.count(row["days_to_term_end"])),
                _account(row),
                Cell(str(row["product_id"] or "")),
                _num(ctx.fmt.money(row["mrr_up_for_renewal"])),
                _band(ctx, row["health_band"]),
                _num(ctx.fmt.decimal(row["health_score"], 1)),
                _num(ctx.fmt.signed_decimal(row["score_change_30d"])),
                _csm(ctx, row),
            ]
            for _, row in rows[rows["is_listed"]].iterrows()
        ],
        {0, 2, 5, 7, 8},
    )
    return [note, table]


def expansion(ctx: Context) -> list[Block]:
    signals, backtest = ctx.data.frame("expansion_signals"), ctx.data.frame("expansion_backtest")
    mix = ctx.data.frame("retention_trend")
    blocks: list[Block] = []
    if not mix.empty:
        blocks.append(
            figure_block("expansion_mix", figures.expansion_mix(mix, ctx.labels, ctx.fmt, ctx.font))
        )
    if not backtest.empty:
        blocks.append(
            figure_block(
                "expansion_backtest",
                figures.expansion_backtest(backtest, ctx.labels, ctx.fmt, ctx.font),
            )
        )
    if signals.empty:
        return blocks or _empty(ctx)
    blocks.append(
        Note(
            ctx.labels(
                "note.expansion",
                count=len(signals),
                date=ctx.fmt.date(signals["signal_date"].iloc[0]),
            )
        )
    )
    blocks.append(
        Table(
            "expansion_signals",
            [
                ctx.labels(key)
                for key in (
                    "column.rank",
                    "column.account",
                    "column.signal",
                    "column.signal_value",
                    "column.threshold",
                    "column.mrr",
                    "column.band",
                    "column.precision",
                    "column.lift",
                    "column.csm",
                )
            ],
            [
                [
                    _num(str(row["signal_rank"])),
                    _account(row),
                    Cell(str(row["signal_code"])),
                    _num(ctx.fmt.decimal(row["signal_value"])),
                    _num(ctx.fmt.decimal(row["threshold"])),
                    _num(ctx.fmt.money(row["current_mrr"])),
                    _band(ctx, row["health_band"]),
                    _num(ctx.fmt.percent(row["precision_90d"])),
                    _num(ctx.fmt.decimal(row["lift_vs_base_rate"])),
                    _csm(ctx, row),
                ]
                for _, row in signals[signals["is_listed"]].iterrows()
            ],
            {0, 3, 4, 5, 7, 8},
        )
    )
    return blocks


def onboarding(ctx: Context) -> list[Block]:
    rows = ctx.data.frame("onboarding")
    if rows.empty:
        return _empty(ctx)
    chart = figures.onboarding(rows, ctx.labels, ctx.fmt, ctx.font)
    return [figure_block("onboarding", chart, wide=True), Note(ctx.labels("note.onboarding"))]


def csm_portfolio(ctx: Context) -> list[Block]:
    rows = ctx.data.frame("csm_portfolio")
    note = Note(
        ctx.labels("note.csm_portfolio", month=ctx.fmt.month(ctx.data.build.last_complete_month))
    )
    if rows.empty:
        return [note, *_empty(ctx)]
    table = Table(
        "csm_portfolio",
        [
            ctx.labels(key)
            for key in (
                "column.csm",
                "column.accounts",
                "column.mrr",
                "column.at_risk_mrr",
                "column.renewals_due_90d_mrr",
                "column.touches_30d",
                "column.renewal_rate",
            )
        ],
        [
            [
                _csm(ctx, row),
                _num(ctx.fmt.count(row["accounts"])),
                _num(ctx.fmt.money(row["mrr"])),
                _num(ctx.fmt.money(row["at_risk_mrr"])),
                _num(ctx.fmt.money(row["renewals_due_90d_mrr"])),
                _num(ctx.fmt.count(row["touches_30d"])),
                _num(ctx.fmt.percent(row["renewal_rate"])),
            ]
            for _, row in rows.iterrows()
        ],
        {1, 2, 3, 4, 5, 6},
    )
    return [note, table]


def health_backtest(ctx: Context) -> list[Block]:
    summary, monthly = ctx.data.frame("backtest_summary"), ctx.data.frame("backtest_monthly")
    if summary.empty:
        return _empty(ctx)
    row = summary.iloc[0]
    blocks: list[Block] = [
        Note(
            ctx.labels(
                "note.backtest", version=row["weights_version"], auc=ctx.fmt.decimal(row["auc"], 3)
            )
        ),
        figure_block("backtest_bands", figures.backtest_bands(row, ctx.labels, ctx.fmt, ctx.font)),
    ]
    if not monthly.empty:
        blocks.append(
            figure_block(
                "backtest_auc", figures.backtest_auc(monthly, ctx.labels, ctx.fmt, ctx.font)
            )
        )
    return blocks


def alerts(ctx: Context) -> list[Block]:
    tonight, backtest = ctx.data.frame("alerts_tonight"), ctx.data.frame("alert_backtest")
    date = ctx.data.frame("parameters")["latest_score_date"].iloc[0]
    blocks: list[Block] = [
        Note(ctx.labels("note.alerts", count=len(tonight), date=ctx.fmt.date(date)))
    ]
    if not tonight.empty:
        blocks.append(
            Table(
                "alerts_tonight",
                [
                    ctx.labels(key)
                    for key in (
                        "column.alert_rule",
                        "column.account",
                        "column.trigger_value",
                        "column.threshold",
                        "column.band",
                        "column.mrr",
                        "column.csm",
                    )
                ],
                [
                    [
                        Cell(str(row["rule_id"])),
                        _account(row),
                        _num(ctx.fmt.decimal(row["trigger_value"])),
                        _num(ctx.fmt.decimal(row["threshold_value"])),
                        _band(ctx, row["health_band"]),
                        _num(ctx.fmt.money(row["mrr"])),
                        _csm(ctx, row),
                    ]
                    for _, row in tonight.iterrows()
                ],
                {2, 3, 5},
            )
        )
    if backtest.empty:
        return blocks
    blocks += [
        Note(ctx.labels("note.alert_backtest", days=int(backtest["horizon_days"].iloc[0]))),
        figure_block(
            "alert_backtest", figures.alert_backtest(backtest, ctx.labels, ctx.fmt, ctx.font)
        ),
        Table(
            "alert_backtest",
            [
                ctx.labels(key)
                for key in (
                    "column.alert_rule",
                    "column.claimed_outcome",
                    "column.firings",
                    "column.precision",
                    "column.base_rate",
                    "column.lift",
                )
            ],
            [
                [
                    Cell(str(row["rule_id"])),
                    Cell(ctx.labels.value("outcome", row["claimed_outcome"])),
                    _num(ctx.fmt.count(row["firings"])),
                    _num(ctx.fmt.percent(row["precision_rate"])),
                    _num(ctx.fmt.percent(row["base_rate"])),
                    _num(ctx.fmt.decimal(row["lift_vs_base_rate"])),
                ]
                for _, row in backtest.iterrows()
            ],
            {2, 3, 4, 5},
        ),
    ]
    return blocks


SECTIONS: tuple[Section, ...] = (
    Section("mrr_trend", mrr_trend),
    Section("retention", retention),
    Section("cohorts", cohorts),
    Section("survival", survival),
    Section("churn_reasons", churn_reasons),
    Section("churned_accounts", churned_accounts),
    Section("health_bands", health_bands),
    Section("at_risk", at_risk),
    Section("renewals", renewals),
    Section("expansion", expansion),
    Section("onboarding", onboarding),
    Section("csm_portfolio", csm_portfolio),
    Section("health_backtest", health_backtest),
    Section("alerts", alerts),
)
