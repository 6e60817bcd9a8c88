"""The map: countries shaded by a trade measure, corridors as lines and projects as points."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from indicators import geo
from indicators.charts.marks import HOVER, hover_rows
from indicators.charts.style import (
    KIND_COLOURS,
    STATUS_COLOURS,
    colour_for,
    esc,
    layout,
    pretty,
    qualifier_notes,
)
from indicators.frames.formatting import format_date, format_value, pick_scale, source_label
from indicators.model import NOT_BUILT
from indicators.periods import parse_period


def build_map(
    values: pd.DataFrame,
    projects: pd.DataFrame,
    *,
    sources: pd.DataFrame,
    names: dict[str, str],
    indicator_name: str,
    year: int | None,
    colours: dict[str, str] | None = None,
    focus: str = "",
    figures: pd.DataFrame | None = None,
    title: str = "Trade and connectivity",
    subtitle: str = "",
    chart_id: str = "map",
    colour_by: str = "kind",
    show_projects: bool = True,
    height: int = 620,
    today: date | None = None,
) -> go.Figure:
    """Partner countries shaded by an indicator's value for one year; projects as routes
    (colour by kind, dotted where the route is approximate) and points.

    ``values``: one representative row per partner (frames.series for one year).
    ``figures``: observations with a project, shown in the projects' hover.
    """
    fig = go.Figure()
    cited: list[str] = []
    qualifiers: list[str] = []
    scale = pick_scale(
        values["unit"].iloc[0] if not values.empty else "USD",
        values["value"].tolist() if not values.empty else [],
    )
    shaded = values[values["partner"].str.len() == 3] if not values.empty else values
    if not shaded.empty:
        hover = hover_rows(shaded, sources, scale)
        fig.add_trace(
            go.Choropleth(
                locations=shaded["partner"].tolist(),
                locationmode="ISO-3",
                z=(shaded["value"] / scale.divisor).tolist(),
                text=[esc(names.get(p, p)) for p in shaded["partner"]],
                colorscale=[[0, "#deebf7"], [1, "#08519c"]],
                marker_line_color="white",
                marker_line_width=1,
                # Below the map, across: on a phone a bar beside it took a quarter of the width
                # and stood taller than the map.
                colorbar={
                    "title": {"text": esc(scale.label), "side": "top"},
                    "thickness": 10,
                    "orientation": "h",
                    "len": 0.45,
                    "lenmode": "fraction",
                    "x": 0.0,
                    "xanchor": "left",
                    "y": -0.02,
                    "yanchor": "top",
                },
                customdata=[[*h, p] for h, p in zip(hover, shaded["partner"], strict=True)],
                hovertemplate="<b>%{text}</b><br>"
                + HOVER.replace("<extra>%{fullData.name}</extra>", "<extra></extra>"),
                name=esc(indicator_name),
            )
        )
        cited += shaded["source"].tolist()
        qualifiers += shaded["qualifier"].tolist()
    if focus:
        # The anchor: the country whose relationships the map shows, in a tint of its colour.
        tint = _tint(colour_for(focus, 0, colours))
        fig.add_trace(
            go.Choropleth(
                locations=[focus],
                locationmode="ISO-3",
                z=[0],
                showscale=False,
                colorscale=[[0, tint], [1, tint]],
                marker_line_color="white",
                text=[esc(names.get(focus, focus))],
                hovertemplate="<b>%{text}</b><extra></extra>",
                customdata=[["", "", "", "", focus]],  # a hover row's width, then the id
                name=esc(names.get(focus, focus)),
                meta="anchor",
            )
        )
    if show_projects and not projects.empty:
        cited += _project_traces(
            fig, projects, sources=sources, figures=figures, colour_by=colour_by, today=today
        )
    box = geo.frame(shaded["partner"].tolist() if not shaded.empty else [], focus or None)
    box = box or geo.Frame("world", 110, (-180.0, 180.0), (-60.0, 85.0))
    fig.update_geos(
        scope=box.scope,
        resolution=box.resolution,
        projection_type="mercator",
        lonaxis_range=list(box.lon),
        lataxis_range=list(box.lat),
        showcountries=True,
        countrycolor="#ffffff",
        showland=True,
        landcolor="#eef0f2",
        showlakes=True,
        lakecolor="#d6e6f2",
        showocean=True,
        oceancolor="#f4f8fb",
        showframe=False,
        showcoastlines=True,
        coastlinecolor="#c5ccd3",
        bgcolor="white",
    )
    fig.update_layout(clickmode="event+select", dragmode=False)
    notes = qualifier_notes(qualifiers)
    if show_projects and not projects.empty:
        notes.append(
            "Dotted routes follow named cities only (approximate); dashed are planned or "
            "under construction. Map outlines: Natural Earth."
        )
    fig = layout(
        fig,
        chart_id=chart_id,
        title=title,
        subtitle=subtitle,
        sources=[source_label(sources, s) for s in cited],
        notes=notes,
        height=height,
    )
    # The legend sits below the map, never over land.
    fig.update_layout(
        margin={"l": 10, "r": 10, "b": 10},
        legend={
            "orientation": "h",
            "y": -0.2,
            "x": 0.0,
            "yanchor": "top",
            "xanchor": "left",
            "font": {"size": 11},
        },
    )
    return fig


def _tint(colour: str, amount: float = 0.72) -> str:
    """A light version of a colour: the map's anchor country, under the shaded partners."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(c + (255 - c) * amount) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def _project_traces(
    fig: go.Figure,
    projects: pd.DataFrame,
    *,
    sources: pd.DataFrame,
    figures: pd.DataFrame | None,
    colour_by: str,
    today: date | None,
) -> list[str]:
    cited: list[str] = []
    seen_legend: set[str] = set()
    for _, p in projects.iterrows():
        waypoints = p["waypoints"] if isinstance(p["waypoints"], list) else []
        has_point = isinstance(p["lat"], float) and not math.isnan(p["lat"])
        if len(waypoints) < 2 and not has_point:
            continue
        key = p["kind"] if colour_by == "kind" else p["status"]
        colour = (KIND_COLOURS if colour_by == "kind" else STATUS_COLOURS).get(key, "#999999")
        legend_name = pretty(key)
        hover = _project_hover(p, sources, figures)
        cited.append(p["status_source"])
        show = legend_name not in seen_legend
        seen_legend.add(legend_name)
        if len(waypoints) >= 2:
            dash = "dot" if p["precision"] in ("approximate", "endpoints_only") else "solid"
            if p["status"] in NOT_BUILT:
                dash = "dash"
            fig.add_trace(
                go.Scattergeo(
                    lon=[w["lon"] for w in waypoints],
                    lat=[w["lat"] for w in waypoints],
                    mode="lines+markers",
                    line={"color": colour, "width": 3, "dash": dash},
                    marker={"size": 5, "color": colour},
                    name=esc(legend_name),
                    legendgroup=legend_name,
                    showlegend=show,
                    text=[esc(w["name"]) for w in waypoints],
                    customdata=[[hover, p["id"]]] * len(waypoints),
                    hovertemplate="%{customdata[0]}<br>Waypoint: %{text}<extra></extra>",
                )
            )
        if has_point:
            fig.add_trace(
                go.Scattergeo(
                    lon=[p["lon"]],
                    lat=[p["lat"]],
                    mode="markers",
                    marker={
                        "size": 13,
                        "color": colour,
                        "symbol": "square",
                        "line": {"width": 1.5, "color": "white"},
                    },
                    name=esc(legend_name),
                    legendgroup=legend_name,
                    showlegend=show,
                    customdata=[[hover, p["id"]]],
                    hovertemplate="%{customdata[0]}<extra></extra>",
                )
            )
    return cited


def _project_hover(p: pd.Series, sources: pd.DataFrame, figures: pd.DataFrame | None) -> str:
    stale = " (possibly stale: not confirmed for over two years)" if p["stale"] else ""
    lines = [
        f"<b>{esc(p['name'])}</b>",
        f"{esc(pretty(p['kind']))}",
        f"Status: {esc(pretty(p['status']))}, as of {esc(format_date(p['status_as_of']))}{stale}",
        f"Source: {esc(source_label(sources, p['status_source']))}",
    ]
    if isinstance(p["precision"], str):
        lines.append(f"Route: {esc(pretty(p['precision']))}")
    if figures is not None and not figures.empty:
        mine = figures[figures["project"] == p["id"]].sort_values("period_end")
        for ind, grp in list(mine.groupby("indicator", sort=False))[:4]:
            last = grp.iloc[-1]
            figure = format_value(last["value"], last["unit"], last["qualifier"], last["value_max"])
            lines.append(
                f"{esc(pretty(str(ind)))}: {esc(figure)}"
                f" ({esc(parse_period(last['period']).label())}, "
                f"{esc(source_label(sources, last['source']))})"
            )
    return "<br>".join(lines)
