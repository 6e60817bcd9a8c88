"""Project charts: the timeline of phases, projects by status and project volume series."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from indicators.charts.marks import HOVER, event_markers, hover_rows
from indicators.charts.style import (
    INK,
    PALETTE,
    STATUS_COLOURS,
    SYMBOLS,
    esc,
    layout,
    pretty,
    qualifier_notes,
    wrap,
)
from indicators.frames.formatting import format_date, pick_scale, source_label


def build_gantt(
    rows: pd.DataFrame,
    *,
    milestones: pd.DataFrame,
    events: pd.DataFrame | None,
    sources: pd.DataFrame,
    projects: pd.DataFrame,
    title: str = "Projects and milestones",
    subtitle: str = "",
    chart_id: str = "timeline",
    today: date | None = None,
) -> go.Figure:
    """Projects as bars from start to completion (or to today while under way), coloured by
    status, with their milestones as diamonds and the relationship's events as lines."""
    today = today or date.today()
    fig = go.Figure()
    cited: list[str] = []
    order = rows["name"].tolist()
    for status, grp in rows.groupby("status", sort=False):
        colour = STATUS_COLOURS.get(status, "#999999")
        durations = [
            (e - s).total_seconds() * 1000 or 86_400_000 * 30
            for s, e in zip(grp["start"], grp["end"], strict=True)
        ]
        hover = [
            f"<b>{esc(n)}</b><br>{esc(pretty(st))} as of {esc(format_date(a))}"
            + (" (possibly stale)" if stl else "")
            + f"<br>{esc(s.date().isoformat())} → "
            + ("today (under way)" if oe else esc(e.date().isoformat()))
            for n, st, a, stl, s, e, oe in zip(
                grp["name"],
                grp["status"],
                grp["status_as_of"],
                grp["stale"],
                grp["start"],
                grp["end"],
                grp["open_ended"],
                strict=True,
            )
        ]
        fig.add_trace(
            go.Bar(
                y=[_clip(n) for n in grp["name"]],
                x=durations,
                base=grp["start"].tolist(),
                orientation="h",
                marker_color=colour,
                name=esc(pretty(status)),
                marker_pattern_shape=["/" if oe else "" for oe in grp["open_ended"]],
                customdata=[[h, i] for h, i in zip(hover, grp["id"], strict=True)],
                hovertemplate="%{customdata[0]}<extra></extra>",
            )
        )
    for _, p in projects[projects["id"].isin(rows["id"])].iterrows():
        cited.append(p["status_source"])
    ms = milestones[milestones["project"].isin(rows["id"])] if not milestones.empty else milestones
    if not ms.empty:
        pname = dict(zip(rows["id"], rows["name"], strict=True))
        fig.add_trace(
            go.Scatter(
                x=ms["when"].tolist(),
                y=[_clip(pname[p]) for p in ms["project"]],
                mode="markers",
                marker={
                    "symbol": "diamond",
                    "size": 9,
                    "color": INK,
                    "line": {"width": 1, "color": "white"},
                },
                name="milestone",
                customdata=[
                    [
                        f"<b>{esc(n)}</b><br>{esc(format_date(d))}<br>"
                        f"Source: {esc(source_label(sources, s))}"
                    ]
                    for n, d, s in zip(ms["name"], ms["date"], ms["source"], strict=True)
                ],
                hovertemplate="%{customdata[0]}<extra></extra>",
            )
        )
        cited += ms["source"].tolist()
    cited += event_markers(fig, events, year_axis=False, x_range=None)
    fig.add_vline(x=pd.Timestamp(today), line={"color": "#D55E00", "width": 1})
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=[_clip(n) for n in reversed(order)],
        title=None,
        automargin=True,
        tickfont={"size": 11},
    )
    fig.update_xaxes(type="date", title=None)
    fig.update_layout(barmode="overlay")
    height = max(420, 40 * len(order) + 240)  # two lines of a name per bar, and the legend
    fig = layout(
        fig,
        chart_id=chart_id,
        title=title,
        subtitle=subtitle,
        sources=[source_label(sources, s) for s in cited],
        notes=[
            "Hatched bars: under way, drawn to today. Diamonds: dated milestones; "
            "dotted lines: summits, declarations and treaties."
        ],
        height=height,
    )
    fig.update_layout(margin={"l": 10})  # the names set the margin (automargin)
    return fig


def _clip(name: str, limit: int = 20) -> str:
    """A project's name in at most two short lines: on a phone the names must leave the
    bars most of the width."""
    lines = wrap(str(name), limit)
    if len(lines) > 2:
        lines = [lines[0], lines[1][: limit - 1] + "…"]
    return "<br>".join(esc(line) for line in lines)  # escaped line by line: <br> is ours


def build_status_bars(
    projects: pd.DataFrame,
    *,
    sources: pd.DataFrame,
    title: str = "Projects by status",
    subtitle: str = "",
    chart_id: str = "project-status",
) -> go.Figure:
    top = projects[projects["part_of"].isna()] if not projects.empty else projects
    counts = top.groupby("status").size().sort_values() if not top.empty else pd.Series(dtype=int)
    fig = go.Figure(
        go.Bar(
            x=counts.values.tolist(),
            y=[pretty(s) for s in counts.index],
            orientation="h",
            marker_color=[STATUS_COLOURS.get(s, "#999") for s in counts.index],
            text=counts.values.tolist(),
            textposition="outside",
            hovertemplate="%{y}: %{x} project(s)<extra></extra>",
        )
    )
    # Whole projects only, and few enough ticks for a phone: steps of 1, 2, 5, 10 …
    fig.update_xaxes(title="projects", dtick=_whole_step(int(counts.max()) if len(counts) else 1))
    return layout(
        fig,
        chart_id=chart_id,
        title=title,
        subtitle=subtitle,
        sources=[source_label(sources, s) for s in top.get("status_source", [])],
        height=320,
        legend=False,
    )


def _whole_step(largest: int, ticks: int = 5) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … that puts at most ``ticks`` steps up to ``largest``."""
    step = 1
    while largest / step > ticks:
        step *= 2.5 if str(step)[0] == "2" else 2
    return int(step)


def build_volume_series(
    points: pd.DataFrame,
    *,
    sources: pd.DataFrame,
    names: dict[str, str],
    title: str,
    subtitle: str = "",
    colours: dict[str, str] | None = None,
    chart_id: str = "project-volumes",
) -> go.Figure:
    """A project's volume series (gas, oil, trains, TEU, cargo) by period."""
    fig = go.Figure()
    cited: list[str] = []
    qualifiers: list[str] = []
    unit = points["unit"].iloc[0] if not points.empty else "count"
    scale = pick_scale(unit, points["value"].tolist() if not points.empty else [])
    for i, (key, grp) in enumerate(
        points.groupby(["partner", "reporter"], sort=False, dropna=False)
    ):
        partner, reporter = key
        grp = grp.sort_values("period_end")
        label = (
            " → ".join(names.get(x, x) for x in (reporter, partner) if isinstance(x, str)) or "all"
        )
        annual = grp["period_kind"] == "year"
        colour = PALETTE[(i + 1) % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=grp["period_end"].tolist(),
                y=(grp["value"] / scale.divisor).tolist(),
                mode="lines+markers" if annual.all() else "markers",
                name=esc(label),
                line={"color": colour},
                marker={
                    "symbol": [SYMBOLS.get(q, "circle") for q in grp["qualifier"]],
                    "size": 9,
                    "color": colour,
                    "line": {"width": 2, "color": colour},
                },
                customdata=hover_rows(grp, sources, scale),
                hovertemplate=HOVER,
            )
        )
        cited += grp["source"].tolist()
        qualifiers += grp["qualifier"].tolist()
    fig.update_yaxes(title=esc(scale.label), rangemode="tozero")
    return layout(
        fig,
        chart_id=chart_id,
        title=title,
        subtitle=subtitle,
        sources=[source_label(sources, s) for s in cited],
        notes=[
            *qualifier_notes(qualifiers),
            "Points at the end of the period they cover; partial periods unjoined.",
        ],
        height=420,
    )
