"""Dated points: stocks and cumulative totals (investment, volumes) at the date they refer
to, pledges and targets marked apart."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.charts.marks import (
    UNTITLED_NOTE,
    event_markers,
    hover_rows,
    hover_template,
    series_name,
    titled,
)
from indicators.charts.style import (
    SYMBOLS,
    colour_for,
    esc,
    layout,
    pretty,
    qualifier_notes,
)
from indicators.frames.formatting import pick_scale, source_label


def build_dated_points(
    points: pd.DataFrame,
    *,
    sources: pd.DataFrame,
    names: dict[str, str],
    title: str,
    subtitle: str = "",
    chart_id: str = "investment",
    colours: dict[str, str] | None = None,
    indicator_names: dict[str, str] | None = None,
    focus: str = "",
    group: str | None = None,
    events: pd.DataFrame | None = None,
    height: int = 480,
) -> go.Figure:
    """Stocks and cumulative figures at the dates they refer to (investment, volumes)."""
    fig = go.Figure()
    cited: list[str] = []
    qualifiers: list[str] = []
    unit = points["unit"].iloc[0] if not points.empty else "USD"
    scale = pick_scale(unit, points["value"].tolist() if not points.empty else [])
    titles = titled(len(points))
    group_cols = ["indicator", "reporter", "partner", "basis"]
    for i, (key, grp) in enumerate(points.groupby(group_cols, sort=False, dropna=False)):
        indicator, reporter, partner, basis = key
        grp = grp.sort_values("period_end")
        who = series_name(reporter, partner, names, False)
        if isinstance(reporter, str) and reporter != focus:
            who = f"{who} ({names.get(reporter, reporter)}'s figure)"
        what = (indicator_names or {}).get(str(indicator)) or pretty(str(indicator))
        name = f"{what}: {who}" + (f" ({basis})" if basis != "actual" else "")
        colour = colour_for(partner if isinstance(partner, str) else "", i, colours)
        symbols = [
            ("star" if basis != "actual" else SYMBOLS.get(q, "circle")) for q in grp["qualifier"]
        ]
        fig.add_trace(
            go.Scatter(
                # Days, not timestamps: plotly wrote "T00:00:00" after every date (75 KB
                # over 8,000 points).
                x=grp["period_end"].dt.strftime("%Y-%m-%d").tolist(),
                y=(grp["value"] / scale.divisor).tolist(),
                # A line between two bounds ("more than 30", "more than 40") would draw a path
                # the sources never stated: join only exact figures.
                mode="lines+markers"
                if basis == "actual" and (grp["qualifier"] == "exact").all()
                else "markers",
                name=esc(name),
                line={"color": colour, "width": 2, "dash": "solid" if basis == "actual" else "dot"},
                marker={
                    # One symbol for the series when all agree: a list per point weighs on
                    # the payload at scale.
                    "symbol": symbols[0] if len(set(symbols)) == 1 else symbols,
                    "size": 10,
                    "color": colour,
                    "line": {"width": 2, "color": colour},
                },
                customdata=hover_rows(grp, sources, scale, titles=titles),
                hovertemplate=hover_template(titles),
            )
        )
        cited += grp["source"].tolist()
        qualifiers += grp["qualifier"].tolist()
    cited += event_markers(fig, events, year_axis=False, x_range=None)
    fig.update_yaxes(title=esc(scale.label), rangemode="tozero")
    fig.update_xaxes(title=None)
    return layout(
        fig,
        chart_id=chart_id,
        title=title,
        subtitle=subtitle,
        sources=[source_label(sources, s) for s in cited],
        notes=[*qualifier_notes(qualifiers), *([] if titles else [UNTITLED_NOTE])],
        height=height,
    )
