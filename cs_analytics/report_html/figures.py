"""The report's charts, drawn with plotly from the marts' rows (no number is computed here).

Each function takes the rows a section read, the labels and the formatter of
the report's language, and returns a figure; render.py turns it into HTML.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cs_analytics.report_html.formatting import Formatter
from cs_analytics.report_html.i18n import Labels

BAND_COLOURS = {
    "red": "#d64545",
    "yellow": "#e3b329",
    "green": "#3a9e5c",
    "insufficient_data": "#9aa3ad",
    "not_scored": "#d5dae0",
}
PALETTE = ("#2f6db5", "#e07b39", "#3a9e5c", "#8e5bb5", "#c94f7c", "#5a8f99", "#9aa3ad")


def _layout(fig: go.Figure, title: str, font_family: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        template="plotly_white",
        font={"family": font_family, "size": 12},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.18},
        hoverlabel={"font": {"family": font_family}},
    )
    return fig


def _month_axis(fig: go.Figure, fmt: Formatter, **selector: object) -> None:
    fig.update_xaxes(
        tickformat=fmt.axis_month_format, hoverformat=fmt.hover_month_format, **selector
    )


def mrr_trend(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    fig = go.Figure(
        go.Scatter(
            x=rows["month"],
            y=rows["closing_mrr"],
            mode="lines+markers",
            name=labels("series.closing_mrr"),
            line={"color": PALETTE[0], "width": 2},
            fill="tozeroy",
            fillcolor="rgba(47,109,181,0.08)",
            hovertemplate="%{x}<br>%{y:,.0f} " + fmt.currency + "<extra></extra>",
        )
    )
    _month_axis(fig, fmt)
    fig.update_yaxes(title=labels("axis.mrr", currency=fmt.currency), tickformat=",.0f")
    return _layout(fig, labels("figure.mrr_trend"), font)


BRIDGE_STEPS = (
    ("opening_mrr", "bridge.opening", "absolute", 1),
    ("new_mrr", "bridge.new", "relative", 1),
    ("reactivation_mrr", "bridge.reactivation", "relative", 1),
    ("expansion_mrr", "bridge.expansion", "relative", 1),
    ("contraction_mrr", "bridge.contraction", "relative", -1),
    ("churn_mrr", "bridge.churn", "relative", -1),
    ("fx_mrr", "bridge.fx", "relative", 1),
    ("closing_mrr", "bridge.closing", "total", 1),
)


def bridge_waterfall(row: pd.Series, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    """The bridge's columns in order; contraction and churn, positive there, are drawn down."""
    fig = go.Figure(
        go.Waterfall(
            x=[labels(key) for _, key, _, _ in BRIDGE_STEPS],
            measure=[measure for _, _, measure, _ in BRIDGE_STEPS],
            y=[sign * float(row[column]) for column, _, measure, sign in BRIDGE_STEPS],
            text=[fmt.money_compact(row[column]) for column, _, _, _ in BRIDGE_STEPS],
            textposition="outside",
            connector={"line": {"color": "#9aa3ad"}},
            increasing={"marker": {"color": BAND_COLOURS["green"]}},
            decreasing={"marker": {"color": BAND_COLOURS["red"]}},
            totals={"marker": {"color": PALETTE[0]}},
            hovertemplate="%{x}: %{y:,.0f} " + fmt.currency + "<extra></extra>",
        )
    )
    # The movements are small beside opening and closing MRR: the axis starts below the
    # lowest running total instead of at zero, so they stay visible.
    running, levels = 0.0, []
    for column, _, measure, sign in BRIDGE_STEPS:
        running = (
            float(row[column]) if measure != "relative" else running + sign * float(row[column])
        )
        levels.append(running)
    moved = sum(
        abs(float(row[column])) for column, _, measure, _ in BRIDGE_STEPS if measure == "relative"
    )
    low, high = min(levels), max(levels)
    pad = max(moved, 0.02 * high)
    fig.update_yaxes(
        title=labels("axis.mrr", currency=fmt.currency),
        tickformat=",.0f",
        range=[max(0.0, low - 1.5 * pad), high + 0.6 * pad],
    )
    return _layout(fig, labels("figure.bridge", month=fmt.month(row["month"])), font)


def retention_trend(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    fig = go.Figure()
    series = (
        ("nrr", "series.nrr", PALETTE[0], "dot"),
        ("grr", "series.grr", PALETTE[1], "dot"),
        ("nrr_trailing_12m", "series.nrr_12m", PALETTE[0], "solid"),
        ("grr_trailing_12m", "series.grr_12m", PALETTE[1], "solid"),
    )
    for column, key, colour, dash in series:
        fig.add_trace(
            go.Scatter(
                x=rows["month"],
                y=rows[column],
                mode="lines",
                name=labels(key),
                line={"color": colour, "dash": dash, "width": 2},
                hovertemplate="%{x}: %{y:.1%}<extra>" + labels(key) + "</extra>",
            )
        )
    _month_axis(fig, fmt)
    fig.update_yaxes(title=labels("axis.ratio"), tickformat=".0%")
    return _layout(fig, labels("figure.retention_trend"), font)


def churn_rates(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    fig = go.Figure()
    for column, key, colour in (
        ("logo_churn_rate", "series.logo_churn", PALETTE[4]),
        ("gross_mrr_churn_rate", "series.mrr_churn", PALETTE[3]),
    ):
        fig.add_trace(
            go.Scatter(
                x=rows["month"],
                y=rows[column],
                mode="lines+markers",
                name=labels(key),
                line={"color": colour, "width": 2},
                hovertemplate="%{x}: %{y:.2%}<extra>" + labels(key) + "</extra>",
            )
        )
    _month_axis(fig, fmt)
    fig.update_yaxes(title=labels("axis.ratio"), tickformat=".1%")
    return _layout(fig, labels("figure.churn_rates"), font)


def cohort_heatmap(
    rows: pd.DataFrame,
    column: str,
    title_key: str,
    labels: Labels,
    fmt: Formatter,
    font: str,
    colour_max: float = 1.0,
) -> go.Figure:
    """Colours saturate at colour_max (revenue retention passes 100 %); hover shows the value."""
    grid = rows.pivot(index="cohort_month", columns="months_since_start", values=column)
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            x=list(grid.columns),
            y=[fmt.month(month) for month in grid.index],
            colorscale="Blues",
            zmin=0,
            zmax=colour_max,
            colorbar={"tickformat": ".0%"},
            hovertemplate="%{y} +%{x}: %{z:.1%}<extra></extra>",
        )
    )
    fig.update_xaxes(title=labels("axis.months_since_start"))
    fig.update_yaxes(title=labels("axis.cohort"), autorange="reversed", type="category")
    return _layout(fig, labels(title_key), font, height=max(360, 14 * len(grid.index) + 120))


def survival_curves(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    years = sorted(rows["cohort_year"].unique())
    segments = sorted(rows["segment"].unique())
    fig = make_subplots(
        rows=1, cols=len(years), shared_yaxes=True, subplot_titles=[str(y) for y in years]
    )
    for col, year in enumerate(years, start=1):
        for index, segment in enumerate(segments):
            curve = rows[(rows["cohort_year"] == year) & (rows["segment"] == segment)]
            if curve.empty:
                continue
            name = labels.value("segment", segment)
            fig.add_trace(
                go.Scatter(
                    x=curve["months_since_start"],
                    y=curve["survival"],
                    mode="lines",
                    line={"shape": "hv", "color": PALETTE[index % len(PALETTE)], "width": 2},
                    name=name,
                    legendgroup=segment,
                    showlegend=col == 1,
                    hovertemplate="+%{x}: %{y:.1%}<extra>" + name + "</extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    fig.update_xaxes(title=labels("axis.months_since_start"))
    return _layout(fig, labels("figure.survival"), font)


def churn_by_category(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    fig = go.Figure()
    pairs = rows[["voluntary_category", "avoidability_category"]].drop_duplicates()
    for index, (voluntary, avoidable) in enumerate(pairs.itertuples(index=False)):
        part = rows[
            (rows["voluntary_category"] == voluntary) & (rows["avoidability_category"] == avoidable)
        ]
        name = f"{labels.value('voluntary', voluntary)} · {labels.value('avoidable', avoidable)}"
        fig.add_trace(
            go.Bar(
                x=part["month"],
                y=part["churned_mrr"],
                name=name,
                marker={"color": PALETTE[index % len(PALETTE)]},
                customdata=part["churned_accounts"],
                hovertemplate="%{x}: %{y:,.0f} "
                + fmt.currency
                + " (%{customdata})<extra>"
                + name
                + "</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    _month_axis(fig, fmt)
    fig.update_yaxes(title=labels("axis.mrr", currency=fmt.currency), tickformat=",.0f")
    return _layout(fig, labels("figure.churn_by_category"), font)


def band_distribution(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    fig = go.Figure()
    bands = rows.sort_values("band_order")["health_band"].drop_duplicates()
    for band in bands:
        part = rows[rows["health_band"] == band]
        name = labels.value("band", band)
        fig.add_trace(
            go.Bar(
                x=part["month"],
                y=part["accounts"],
                name=name,
                marker={"color": BAND_COLOURS.get(band, PALETTE[-1])},
                customdata=part["mrr"],
                hovertemplate="%{x}: %{y} (%{customdata:,.0f} "
                + fmt.currency
                + ")<extra>"
                + name
                + "</extra>",
            )
        )
    fig.update_layout(barmode="stack", bargap=0.1)
    _month_axis(fig, fmt)
    fig.update_yaxes(title=labels("axis.accounts"))
    return _layout(fig, labels("figure.band_distribution"), font)


def band_transitions(
    rows: pd.DataFrame, days: int, labels: Labels, fmt: Formatter, font: str
) -> go.Figure:
    order = (
        pd.concat(
            [
                rows[["from_band", "from_band_order"]].set_axis(["band", "order"], axis=1),
                rows[["to_band", "to_band_order"]].set_axis(["band", "order"], axis=1),
            ]
        )
        .drop_duplicates()
        .sort_values("order")["band"]
        .tolist()
    )
    grid = rows.pivot(index="from_band", columns="to_band", values="accounts").reindex(
        index=order, columns=order
    )
    names = [labels.value("band", band) for band in order]
    values = grid.fillna(0).astype(int).to_numpy()
    fig = go.Figure(
        go.Heatmap(
            # Colour on a log scale: the accounts that stay green dwarf every move.
            z=np.log1p(values),
            customdata=values,
            x=names,
            y=names,
            text=values,
            texttemplate="%{text}",
            colorscale="Oranges",
            showscale=False,
            hovertemplate="%{y} → %{x}: %{customdata}<extra></extra>",
        )
    )
    fig.update_xaxes(title=labels("axis.to_band"), type="category")
    fig.update_yaxes(title=labels("axis.from_band", days=days), autorange="reversed")
    start, end = rows["window_start_date"].iloc[0], rows["window_end_date"].iloc[0]
    title = labels("figure.band_transitions", start=fmt.date(start), end=fmt.date(end))
    return _layout(fig, title, font, height=380)


def expansion_mix(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    fig = go.Figure()
    for column, key, colour in (
        ("upsell_mrr", "series.upsell", PALETTE[0]),
        ("cross_sell_mrr", "series.cross_sell", PALETTE[2]),
    ):
        fig.add_trace(
            go.Bar(
                x=rows["month"],
                y=rows[column],
                name=labels(key),
                marker={"color": colour},
                hovertemplate="%{x}: %{y:,.0f} " + fmt.currency + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    _month_axis(fig, fmt)
    fig.update_yaxes(title=labels("axis.mrr", currency=fmt.currency), tickformat=",.0f")
    return _layout(fig, labels("figure.expansion_mix"), font)


def _precision_against_base_rate(
    rows: pd.DataFrame,
    columns: tuple[str, str, str, str],
    labels: Labels,
    titles: tuple[str, str],
    font: str,
) -> go.Figure:
    """A backtest per rule or signal: precision as bars, the base rate as a tick on each."""
    name, precision, base_rate, lift = columns
    axis, title = titles
    fig = go.Figure(
        [
            go.Bar(
                x=rows[name],
                y=rows[precision],
                name=labels("series.precision"),
                marker={"color": PALETTE[0]},
                customdata=rows[lift],
                hovertemplate="%{x}: %{y:.1%} (×%{customdata:.2f})<extra></extra>",
            ),
            go.Scatter(
                x=rows[name],
                y=rows[base_rate],
                name=labels("series.base_rate"),
                mode="markers",
                marker={"color": PALETTE[1], "symbol": "line-ew-open", "size": 30},
                hovertemplate="%{x}: %{y:.1%}<extra></extra>",
            ),
        ]
    )
    fig.update_xaxes(title=labels(axis), type="category")
    fig.update_yaxes(title=labels("axis.ratio"), tickformat=".0%")
    return _layout(fig, labels(title), font)


def expansion_backtest(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    return _precision_against_base_rate(
        rows,
        ("signal_code", "precision_90d", "base_expansion_rate", "lift_vs_base_rate"),
        labels,
        ("axis.signal", "figure.expansion_backtest"),
        font,
    )


def alert_backtest(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    return _precision_against_base_rate(
        rows,
        ("rule_id", "precision_rate", "base_rate", "lift_vs_base_rate"),
        labels,
        ("axis.alert_rule", "figure.alert_backtest"),
        font,
    )


def onboarding(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(
        go.Bar(
            x=rows["cohort_month"],
            y=rows["onboarding_completion_rate"],
            name=labels("series.completion"),
            marker={"color": PALETTE[0]},
            customdata=rows["accounts_started"],
            hovertemplate="%{x}: %{y:.1%} (%{customdata})<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=rows["cohort_month"],
            y=rows["adoption_rate"],
            name=labels("series.adoption"),
            mode="lines",
            line={"color": PALETTE[2], "width": 2},
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        ),
        secondary_y=False,
    )
    for column, key, dash in (
        ("ttv_days_median", "series.ttv_median", "solid"),
        ("ttv_days_p75", "series.ttv_p75", "dot"),
    ):
        fig.add_trace(
            go.Scatter(
                x=rows["cohort_month"],
                y=rows[column],
                name=labels(key),
                mode="lines+markers",
                line={"color": PALETTE[1], "dash": dash},
                hovertemplate="%{x}: %{y:.0f}<extra>" + labels(key) + "</extra>",
            ),
            secondary_y=True,
        )
    _month_axis(fig, fmt)
    fig.update_yaxes(title=labels("axis.ratio"), tickformat=".0%", secondary_y=False)
    fig.update_yaxes(
        title=labels("axis.days"), secondary_y=True, showgrid=False, rangemode="tozero"
    )
    return _layout(fig, labels("figure.onboarding"), font)


def backtest_bands(row: pd.Series, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    bands = ("red", "yellow", "green", "insufficient_data")
    fig = go.Figure(
        go.Bar(
            x=[labels.value("band", band) for band in bands],
            y=[row[f"churn_rate_{band}"] for band in bands],
            marker={"color": [BAND_COLOURS[band] for band in bands]},
            text=[fmt.percent(row[f"churn_rate_{band}"]) for band in bands],
            textposition="outside",
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        )
    )
    fig.update_yaxes(title=labels("series.churn_rate"), tickformat=".0%")
    return _layout(fig, labels("figure.backtest_bands"), font)


def backtest_auc(rows: pd.DataFrame, labels: Labels, fmt: Formatter, font: str) -> go.Figure:
    fig = go.Figure(
        [
            go.Scatter(
                x=rows["month"],
                y=rows["auc"],
                mode="lines+markers",
                name=labels("series.auc"),
                line={"color": PALETTE[0]},
                hovertemplate="%{x}: %{y:.3f}<extra></extra>",
            ),
            go.Scatter(
                x=rows["month"],
                y=[0.5] * len(rows),
                mode="lines",
                name=labels("series.coin_toss"),
                line={"color": "#9aa3ad", "dash": "dash"},
                hoverinfo="skip",
            ),
        ]
    )
    _month_axis(fig, fmt)
    fig.update_yaxes(title=labels("series.auc"), range=[0, 1])
    return _layout(fig, labels("figure.backtest_auc"), font)
