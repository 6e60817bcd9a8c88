"""Trade charts: the trade timeline by partner and year, and mirror statistics."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.charts.marks import (
    UNTITLED_NOTE,
    event_markers,
    hover_row,
    hover_rows,
    hover_template,
    series_name,
    titled,
)
from indicators.charts.style import (
    GROUP_INK,
    INK,
    SYMBOLS,
    colour_for,
    esc,
    layout,
    qualifier_notes,
)
from indicators.frames.formatting import Scale, format_value, pick_scale, source_label
from indicators.frames.tidy import MIRROR_NOTE
from indicators.periods import parse_period


def _with_gaps(xs: list[int], ys: list[float], extra: list) -> tuple[list, list, list]:
    """Insert a break where years are missing, so a line never bridges a gap in the data."""
    out_x: list = []
    out_y: list = []
    out_e: list = []
    for i, (x, y, e) in enumerate(zip(xs, ys, extra, strict=True)):
        if i and x - xs[i - 1] > 1:
            out_x.append(None)
            out_y.append(None)
            out_e.append([""] * len(e) if isinstance(e, list) else "")
        out_x.append(x)
        out_y.append(y)
        out_e.append(e)
    return out_x, out_y, out_e


def build_trade_timeline(
    points: pd.DataFrame,
    *,
    sources: pd.DataFrame,
    names: dict[str, str],
    colours: dict[str, str] | None = None,
    events: pd.DataFrame | None = None,
    style: str = "line",
    share_of: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    title: str = "Trade",
    subtitle: str = "",
    chart_id: str = "trade-timeline",
    height: int = 480,
    view: str = "",
    group: str | None = None,
) -> go.Figure:
    """Annual (or same-partial-period) values by partner over time.

    ``points`` comes from :func:`indicators.frames.series`. With ``share_of`` (the total's
    series), values are shown as a percentage of the total for the same period.
    """
    fig = go.Figure()
    cited: list[str] = []
    qualifiers: list[str] = []
    mixed = points["reporter"].nunique() > 1 if not points.empty else False
    values = points["value"].tolist() if not points.empty else []
    unit = points["unit"].iloc[0] if not points.empty else "USD"
    scale = pick_scale(unit, values)
    if share_of is not None and not points.empty:
        totals = {(r["period"]): r["value"] for _, r in share_of.iterrows()}
        points = points[points["period"].isin(totals)].copy()
        points["value"] = [
            v / totals[p] * 100 for v, p in zip(points["value"], points["period"], strict=True)
        ]
        points["unit"] = "percent"
        points["qualifier"] = points["qualifier"]
        cited += share_of["source"].tolist()
        scale = Scale(1.0, "% of total", "", "%")
    alts = points["alternatives"].tolist() if "alternatives" in points else []
    titles = titled(len(points) + sum(len(a) for a in alts if isinstance(a, list)))
    hover_of = hover_template(titles)
    for i, ((reporter, partner), grp) in enumerate(
        points.groupby(["reporter", "partner"], sort=False, dropna=False)
    ):
        grp = grp.sort_values("year")
        name = series_name(reporter, partner, names, mixed)
        colour = colour_for(partner, i, colours)
        hover = (
            hover_rows(grp, sources, scale, titles=titles)
            if share_of is None
            else [
                hover_row(
                    f"{v:.1f}% of total",
                    esc(parse_period(p).label()),
                    sources,
                    s,
                    titles=titles,
                )
                for v, p, s in zip(grp["value"], grp["period"], grp["source"], strict=True)
            ]
        )
        y = (grp["value"] / scale.divisor).tolist()
        symbols = [SYMBOLS.get(q, "circle") for q in grp["qualifier"]]
        dash = "dot" if mixed and reporter != view else "solid"
        if style in ("bar", "stacked"):
            fig.add_trace(
                go.Bar(
                    x=grp["year"].tolist(),
                    y=y,
                    name=esc(name),
                    marker_color=colour,
                    marker_pattern_shape=["" if q == "exact" else "/" for q in grp["qualifier"]],
                    customdata=hover,
                    hovertemplate=hover_of,
                    offsetgroup=None if style == "stacked" else f"{reporter}-{partner}",
                )
            )
        else:
            gx, gy, gh = _with_gaps(grp["year"].tolist(), y, hover)
            _, _, gs = _with_gaps(grp["year"].tolist(), y, symbols)
            fig.add_trace(
                go.Scatter(
                    x=gx,
                    y=gy,
                    name=esc(name),
                    mode="lines+markers",
                    connectgaps=False,
                    line={"color": colour, "width": 2.5, "dash": dash},
                    marker={
                        "symbol": [s or "circle" for s in gs],
                        "size": 9,
                        "color": colour,
                        "line": {"width": 2, "color": colour},
                    },
                    customdata=gh,
                    hovertemplate=hover_of,
                )
            )
        cited += grp["source"].tolist()
        qualifiers += grp["qualifier"].tolist()
        if share_of is None and "alternatives" in grp:
            alt_x, alt_y, alt_hover = [], [], []
            for _, r in grp.iterrows():
                for a in r["alternatives"]:
                    alt_x.append(r["year"])
                    alt_y.append(a["value"] / scale.divisor)
                    alt_hover.append(
                        hover_row(
                            esc(
                                format_value(
                                    a["value"],
                                    r["unit"],
                                    a["qualifier"],
                                    a.get("value_max"),
                                    sign=True,
                                )
                            ),
                            esc(parse_period(r["period"]).label()),
                            sources,
                            a["source"],
                            titles=titles,
                        )
                    )
                    cited.append(a["source"])
                    qualifiers.append(a["qualifier"])
            if alt_x:
                fig.add_trace(
                    go.Scatter(
                        x=alt_x,
                        y=alt_y,
                        mode="markers",
                        name=esc(f"{name}: other sources"),
                        marker={
                            "symbol": "x-thin",
                            "size": 10,
                            "color": colour,
                            "line": {"width": 2, "color": colour},
                        },
                        customdata=alt_hover,
                        hovertemplate=hover_of,
                        showlegend=False,
                    )
                )
    if targets is not None and not targets.empty and share_of is None:
        for i, (partner, grp) in enumerate(targets.groupby("partner", sort=False)):
            fig.add_trace(
                go.Scatter(
                    x=grp["year"].tolist(),
                    y=(grp["value"] / scale.divisor).tolist(),
                    mode="markers+text",
                    name=esc(f"Target: {series_name(None, partner, names, False)}"),
                    marker={"symbol": "star", "size": 14, "color": colour_for(partner, i, colours)},
                    text=[
                        esc(format_value(v, u, q, None, sign=True))
                        for v, u, q in zip(grp["value"], grp["unit"], grp["qualifier"], strict=True)
                    ],
                    textposition="top center",
                    textfont={"size": 10},
                    customdata=hover_rows(grp, sources, scale, titles=titles),
                    hovertemplate=hover_of,
                )
            )
            cited += grp["source"].tolist()
    years = points["year"].tolist() if not points.empty else []
    x_range = (min(years), max(years)) if years else None
    if targets is not None and not targets.empty and share_of is None and x_range:
        x_range = (x_range[0], max(x_range[1], int(targets["year"].max())))
    cited += event_markers(fig, events, year_axis=True, x_range=x_range)
    if style == "stacked":
        fig.update_layout(barmode="stack")
    elif style == "bar":
        fig.update_layout(barmode="group")
    # Years as whole numbers, as many as the width allows: plotly thins them on a phone
    # instead of turning and cutting them.
    fig.update_xaxes(tickformat="d", title=None)
    if x_range:
        fig.update_xaxes(range=[x_range[0] - 0.6, x_range[1] + 0.6])
        if x_range[1] - x_range[0] <= 6:
            fig.update_xaxes(dtick=1)
    fig.update_yaxes(title=esc(scale.label), rangemode="tozero")
    notes = qualifier_notes(qualifiers)
    if any("alternatives" in points and a for a in points.get("alternatives", [])):
        notes.append("×: the same datapoint as stated by other sources")
    if not titles:
        notes.append(UNTITLED_NOTE)
    return layout(
        fig,
        chart_id=chart_id,
        title=title,
        subtitle=subtitle,
        sources=[source_label(sources, s) for s in cited],
        notes=notes,
        height=height,
    )


def build_mirror_chart(
    table: pd.DataFrame,
    *,
    sources: pd.DataFrame,
    names: dict[str, str],
    colours: dict[str, str] | None = None,
    view: str = "",
    view_name: str = "The reporter",
    title: str = "Mirror statistics",
    subtitle: str = "",
    chart_id: str = "trade-mirror",
    height: int = 480,
) -> go.Figure:
    """The point of view's figure next to the partner's own figure for each pair and period,
    with the gap."""
    fig = go.Figure()
    cited: list[str] = []
    if table.empty:
        scale = Scale(1e9, "USD bn", "$", " bn")
    else:
        scale = pick_scale(
            table["unit"].iloc[0],
            [*table["focus_value"].tolist(), *table["partner_value"].tolist()],
        )
    titles = titled(2 * len(table))
    labels = [
        f"{esc(names.get(p, p))}<br>{esc(parse_period(per).label())}"
        for p, per in zip(table["partner"], table["period"], strict=True)
    ]
    for side, col, colour, qual_col, src_col in (
        (
            f"{view_name}'s statistics",
            "focus_value",
            colour_for(view, 0, colours),
            "focus_qualifier",
            "focus_source",
        ),
        ("Partner's statistics", "partner_value", GROUP_INK, "partner_qualifier", "partner_source"),
    ):
        hover = [
            hover_row(
                esc(format_value(v, u, q, None, sign=True)),
                lab,
                sources,
                s,
                titles=titles,
            )
            for v, u, q, s, lab in zip(
                table[col], table["unit"], table[qual_col], table[src_col], labels, strict=True
            )
        ]
        fig.add_trace(
            go.Bar(
                x=labels,
                y=(table[col] / scale.divisor).tolist(),
                name=esc(side),
                marker_color=colour,
                marker_pattern_shape=["" if q == "exact" else "/" for q in table[qual_col]],
                customdata=hover,
                hovertemplate=hover_template(titles),
            )
        )
        cited += table[src_col].tolist()
    gaps = []
    for lab, gap, top in zip(
        labels, table["gap_pct"], table[["focus_value", "partner_value"]].max(axis=1), strict=True
    ):
        gap_text = f"{gap:+.0f}%" if abs(gap) >= 0.5 else "±0%"
        gaps.append(
            go.layout.Annotation(
                x=lab,
                y=top / scale.divisor,
                text=gap_text,
                showarrow=False,
                yshift=12,
                font={"size": 11, "color": INK},
            )
        )
    # One assignment: add_annotation copies every annotation so far on each call.
    fig.update_layout(annotations=[*fig.layout.annotations, *gaps])
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=esc(scale.label), rangemode="tozero")
    # No fixed angle: plotly turns the labels when a narrow screen would overlap them.
    fig.update_xaxes(tickfont={"size": 10})
    qualifiers = [*table.get("focus_qualifier", []), *table.get("partner_qualifier", [])]
    notes = [
        *qualifier_notes(qualifiers),
        f"Gap: {view_name}'s figure relative to the partner's.",
        MIRROR_NOTE,
        *([] if titles else [UNTITLED_NOTE]),
    ]
    fig = layout(
        fig,
        chart_id=chart_id,
        title=title,
        subtitle=subtitle,
        sources=[source_label(sources, s) for s in cited],
        notes=notes,
        height=height,
    )
    fig.update_layout(
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0, "xanchor": "right"},
        margin={"b": 110},
    )
    return fig
