"""Chart builders: tidy frames in, ``plotly.graph_objects.Figure`` out. No Streamlit here.

Every figure carries, in ``layout.meta``, what an exported image needs to stand on its own:
its id, title, subtitle, the sources of exactly the datapoints drawn and the notes their
qualifiers need. Every string that comes from the data is HTML-escaped before it reaches a
title, label or hover: plotly renders a subset of HTML there.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from . import geo
from .frames import (
    MIRROR_NOTE,
    QUALIFIER_NOTES,
    Scale,
    format_date,
    format_value,
    pick_scale,
    source_label,
    source_row,
)
from .periods import parse_period

FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e4e7eb"
GROUP_INK = "#1f2933"
# One colour-blind-safe palette (Okabe–Ito, then Paul Tol's muted scheme). A dataset gives
# its entities their colours from it by position (indicators.roles.colours); a series with no
# assigned colour takes the next one.
PALETTE = (
    "#D55E00",
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#882255",
    "#117733",
    "#332288",
    "#999933",
    "#44AA99",
    "#AA4499",
    "#6699CC",
    "#888888",
)
STATUS_COLOURS = {
    "operational": "#009E73",
    "under_construction": "#E69F00",
    "planned": "#56B4E9",
    "agreed": "#0072B2",
    "announced": "#999999",
    "proposed": "#bbbbbb",
    "suspended": "#CC79A7",
    "cancelled": "#444444",
}
KIND_COLOURS = {
    "railway": "#0072B2",
    "road": "#E69F00",
    "pipeline": "#D55E00",
    "fibre_optic_cable": "#CC79A7",
    "air_route": "#56B4E9",
    "port": "#009E73",
    "dry_port": "#009E73",
    "multimodal_corridor": "#6a3d9a",
    "economic_zone": "#009E73",
    "power_line": "#F0E442",
    "other": "#999999",
}
SYMBOLS = {
    "exact": "circle",
    "approximately": "circle-open",
    "nearly": "circle-open",
    "at_least": "triangle-up",
    "more_than": "triangle-up",
    "at_most": "triangle-down",
    "less_than": "triangle-down",
    "range": "diamond",
}
EVENT_KINDS = ("summit", "declaration", "treaty", "membership", "institution")


def esc(text: object) -> str:
    """Data text, safe for plotly's HTML-like labels."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return html.escape(str(text), quote=False)


def pretty(text: str) -> str:
    return text.replace("_", " ")


def colour_for(entity: str, i: int = 0, colours: dict[str, str] | None = None) -> str:
    return (colours or {}).get(entity) or PALETTE[i % len(PALETTE)]


# What a marker's shape says, in the legend's key: shape is the qualifier, colour the series.
SYMBOL_KEY = {
    "triangle-up": "lower bound (at least, more than)",
    "triangle-down": "upper bound (at most, less than)",
    "circle-open": "approximate (about, nearly)",
    "diamond": "range",
    "star": "target or pledge",
}
KEY_GREY = "#616e7c"


def _legend_by_series(fig: go.Figure) -> None:
    """A series whose points differ in shape (a lower bound among exact figures) would show
    its first point's shape in the legend, so "▲" could read as a series. Its legend entry
    becomes a plain circle in the series' colour, and each shape used gets one grey entry
    saying what it means."""
    used: list[str] = []
    twins: list[go.Scatter] = []
    for i, t in enumerate(fig.data):
        if t.type == "scatter" and t.showlegend is not False:
            t.legendrank = i
        symbols = t.marker.symbol if t.type == "scatter" else None
        if t.type != "scatter" or not isinstance(symbols, (list, tuple)) or t.showlegend is False:
            continue
        shapes = {sym for sym in symbols if sym}
        if shapes <= {"circle"}:
            continue
        used += [sym for sym in shapes if sym in SYMBOL_KEY]
        group = t.legendgroup or f"series-{i}"
        t.legendgroup, t.showlegend = group, False
        twins.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode=t.mode,
                name=t.name,
                legendgroup=group,
                legendrank=i,
                line=t.line,
                marker={"symbol": "circle", "size": 9, "color": t.marker.color},
                hoverinfo="skip",
                meta="legend",
            )
        )
    for j, sym in enumerate(dict.fromkeys(used)):
        twins.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=SYMBOL_KEY[sym],
                legendrank=2000 + j,
                marker={
                    "symbol": sym,
                    "size": 9,
                    "color": KEY_GREY,
                    "line": {"width": 2, "color": KEY_GREY},
                },
                hoverinfo="skip",
                meta="legend",
            )
        )
    if twins:
        fig.add_traces(twins)


# The narrowest screen a chart is drawn for (a phone, 390 px less the page's padding): its
# subtitle wraps to fit it, and a chart is tall enough to keep a plot of at least MIN_PLOT
# px there under a legend that wraps onto many rows.
NARROW_PX = 340
MIN_PLOT = 260
SUBTITLE_CHARS = 54
TITLE_CHARS = 30


def _wrap(text: str, limit: int = SUBTITLE_CHARS) -> list[str]:
    return textwrap.wrap(text, limit, break_long_words=False, break_on_hyphens=False) or [""]


def _legend_rows(fig: go.Figure, width: int = NARROW_PX) -> int:
    """How many rows a horizontal legend takes at ``width`` px (about 8.5 px a character and
    46 px for the swatch, as Chromium draws 13 px Liberation Sans)."""
    rows, used = 0, float(width)
    for t in fig.data:
        if t.showlegend is False or not t.name or t.type in ("choropleth",):
            continue
        w = 46 + 8.5 * len(str(t.name))
        if used + w > width:
            rows, used = rows + 1, 0
        used += w
    return rows


def _layout(
    fig: go.Figure,
    *,
    chart_id: str,
    title: str,
    subtitle: str,
    sources: Iterable[str],
    notes: Iterable[str] = (),
    height: int = 460,
    legend: bool = True,
) -> go.Figure:
    _legend_by_series(fig)
    srcs = sorted(dict.fromkeys(s for s in sources if s))
    sub_lines = _wrap(subtitle)
    title_lines = _wrap(title, TITLE_CHARS)
    top = (
        44
        + 22 * len(title_lines)
        + 16 * len(sub_lines)
        + 13 * int((fig.layout.meta or {}).get("event_rows", 0))
    )
    cartesian = not any(t.type in ("choropleth", "scattergeo") for t in fig.data)
    if cartesian:
        height = max(height, top + 50 + 40 + 30 * (_legend_rows(fig) if legend else 0) + MIN_PLOT)
    sub_html = "<br>".join(f"<sup style='color:{MUTED}'>{esc(line)}</sup>" for line in sub_lines)
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT, "color": INK, "size": 13},
        title={
            "text": "<br>".join(f"<b>{esc(line)}</b>" for line in title_lines) + f"<br>{sub_html}",
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "y": 1.0,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 16, "l": 8},
            "font": {"size": 18},
        },
        margin={"l": 60, "r": 30, "t": top, "b": 50},
        height=height,
        hoverlabel={"font": {"family": FONT, "size": 12}, "align": "left"},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
        meta={
            **(fig.layout.meta or {}),
            "chart_id": chart_id,
            "title": title,
            "subtitle": subtitle,
            "sources": srcs,
            "notes": list(dict.fromkeys([*notes, *_event_note(fig)])),
        },
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    fig.update_xaxes(gridcolor=GRID, linecolor="#9aa5b1", zeroline=False)
    fig.update_yaxes(gridcolor=GRID, linecolor="#9aa5b1", zeroline=False)
    return fig


def _event_note(fig: go.Figure) -> list[str]:
    key = (fig.layout.meta or {}).get("event_key") or []
    return ["Events: " + "; ".join(key) + "."] if key else []


def _qualifier_notes(qualifiers: Iterable[str]) -> list[str]:
    return [QUALIFIER_NOTES[q] for q in dict.fromkeys(qualifiers) if q in QUALIFIER_NOTES]


# Differing figures listed in a point's hover; more are counted ("and 4 more").
HOVER_ALTERNATIVES = 3


def _hover_rows(points: pd.DataFrame, sources: pd.DataFrame, scale: Scale) -> list[list[str]]:
    rows = []
    for _, r in points.iterrows():
        srow = source_row(sources, r["source"])
        title = srow["title"] if srow is not None else r["source"]
        others = int(r.get("n_sources", 1)) - 1 if "n_sources" in r else 0
        extra = f"<br>+ {others} other source(s)" if others > 0 else ""
        alts = r.get("alternatives") if "alternatives" in r else None
        if isinstance(alts, list) and alts:
            # The first few only: the Data page and the CSV list every source's figure.
            differing = "; ".join(
                esc(
                    format_value(
                        a["value"], r["unit"], a["qualifier"], a.get("value_max"), sign=True
                    )
                )
                + f" ({esc(source_label(sources, a['source']))})"
                for a in alts[:HOVER_ALTERNATIVES]
            )
            rest = len(alts) - HOVER_ALTERNATIVES
            extra += f"<br>Other figures: {differing}" + (f" and {rest} more" if rest > 0 else "")
        note = f"<br><i>{esc(r['note'])}</i>" if isinstance(r.get("note"), str) else ""
        rows.append(
            [
                esc(
                    format_value(
                        r["value"], r["unit"], r["qualifier"], r.get("value_max"), sign=True
                    )
                ),
                esc(parse_period(r["period"]).label()),
                esc(title),
                esc(source_label(sources, r["source"])) + extra + note,
                esc(r["unit"]),
            ]
        )
    return rows


HOVER = (
    "<b>%{customdata[0]}</b> · %{customdata[1]}<br>%{customdata[2]}<br>"
    "%{customdata[3]}<extra>%{fullData.name}</extra>"
)


def _event_markers(
    fig: go.Figure,
    events: pd.DataFrame | None,
    *,
    year_axis: bool,
    x_range: tuple[float, float] | None,
) -> list[str]:
    """Relationship events as dotted vertical lines, each numbered at the top (two staggered
    rows), with the key ("1 Astana summit, 17 Jun 2025") in the chart's notes and each full
    name in the number's hover. Numbers stay legible where names collided: at 390 px eight
    events in four years leave a few pixels each. Returns the sources cited."""
    if events is None or events.empty:
        return []
    cited: list[str] = []
    shown = events[events["kind"].isin(EVENT_KINDS)]
    # Collected and set once: add_vline and add_annotation copy every shape or annotation
    # so far on each call, which took seconds for a few hundred events.
    lines: list[go.layout.Shape] = []
    numbers: list[go.layout.Annotation] = []
    key: list[str] = []
    for when, day in shown.groupby("when", sort=True):
        x: float | pd.Timestamp
        if year_axis:
            x = when.year + (when.day_of_year - 1) / 366
            if x_range is not None and not (x_range[0] - 0.5 <= x <= x_range[1] + 0.5):
                continue
        else:
            x = when
        lines.append(
            go.layout.Shape(
                type="line",
                x0=x,
                x1=x,
                xref="x",
                y0=0,
                y1=1,
                yref="y domain",
                line={"color": "#9aa5b1", "width": 1, "dash": "dot"},
            )
        )
        cited += day["source"].tolist()
        n = len(numbers) + 1
        names = [f"{ev['name']} ({format_date(ev['date'])})" for _, ev in day.iterrows()]
        key.append(f"{n} " + "; ".join(names))
        numbers.append(
            go.layout.Annotation(
                x=x,
                y=1.0,
                yref="paper",
                yanchor="bottom",
                xanchor="center",
                yshift=2 + 13 * ((n - 1) % 2),
                text=str(n),
                showarrow=False,
                font={"size": 10, "color": INK},
                hovertext="<br>".join(esc(t) for t in names),
                bgcolor="rgba(255,255,255,0.9)",
            )
        )
    rows = _label_rows(
        [float(_as_number(a.x)) for a in numbers], _x_span(fig, [a.x for a in numbers], x_range)
    )
    for a, row in zip(numbers, rows, strict=True):
        a.yshift = 2 + 13 * row
    if lines:
        fig.update_layout(shapes=[*fig.layout.shapes, *lines])
    if numbers:
        fig.update_layout(
            annotations=[*fig.layout.annotations, *numbers],
            meta={**(fig.layout.meta or {}), "event_rows": max(rows) + 1, "event_key": key},
        )
    return cited


# Event numbers must not touch on a phone, where a plot is about this wide.
NARROW_PLOT_PX = 200
LABEL_GAP_PX = 15
MAX_LABEL_ROWS = 4


def _as_number(x: object) -> float:
    """A position on the x axis as a number: years stay, dates become days."""
    if isinstance(x, (int, float)):
        return float(x)
    return pd.Timestamp(x).value / 86_400e9


def _x_span(fig: go.Figure, xs: list, x_range: tuple[float, float] | None) -> float:
    """How much of the x axis the plot shows: the chosen years, else everything drawn."""
    if x_range is not None:
        return float(x_range[1] - x_range[0]) + 1.2
    values = [_as_number(x) for x in xs]
    for t in fig.data:
        for v in (t.x or []) if t.type != "bar" or t.base is None else (t.base or []):
            try:
                values.append(_as_number(v))
            except (TypeError, ValueError):
                continue
    return (max(values) - min(values)) if len(values) > 1 else 1.0


def _label_rows(xs: list[float], span: float) -> list[int]:
    """A row for each label so that neighbours in a row are LABEL_GAP_PX apart on a plot
    NARROW_PLOT_PX wide; the least crowded row when every row is taken."""
    px = NARROW_PLOT_PX / span if span > 0 else 0.0
    last: list[float] = []
    out: list[int] = []
    for x in xs:
        pos = x * px
        free = [i for i, end in enumerate(last) if pos - end >= LABEL_GAP_PX]
        if free:
            row = free[0]
        elif len(last) < MAX_LABEL_ROWS:
            last.append(-1e18)
            row = len(last) - 1
        else:
            row = min(range(len(last)), key=lambda i: last[i])
        last[row] = pos
        out.append(row)
    return out


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


def _series_name(
    reporter: str | None, partner: str | None, names: dict[str, str], mixed: bool
) -> str:
    # One name everywhere, the group's too: "Central Asia", never "(total)" on one page and
    # "(five countries)" on another.
    p = names.get(partner or "", partner or "")
    if mixed and reporter:
        return f"{p} ({names.get(reporter, reporter)}'s data)"
    return p


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
    for i, ((reporter, partner), grp) in enumerate(
        points.groupby(["reporter", "partner"], sort=False, dropna=False)
    ):
        grp = grp.sort_values("year")
        name = _series_name(reporter, partner, names, mixed)
        colour = colour_for(partner, i, colours)
        hover = (
            _hover_rows(grp, sources, scale)
            if share_of is None
            else [
                [
                    f"{v:.1f}% of total",
                    esc(parse_period(p).label()),
                    "",
                    esc(source_label(sources, s)),
                    "%",
                ]
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
                    hovertemplate=HOVER,
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
                    hovertemplate=HOVER,
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
                        [
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
                            esc(_title_of(sources, a["source"])),
                            esc(source_label(sources, a["source"])),
                            esc(r["unit"]),
                        ]
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
                        hovertemplate=HOVER,
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
                    name=esc(f"Target: {_series_name(None, partner, names, False)}"),
                    marker={"symbol": "star", "size": 14, "color": colour_for(partner, i, colours)},
                    text=[
                        esc(format_value(v, u, q, None, sign=True))
                        for v, u, q in zip(grp["value"], grp["unit"], grp["qualifier"], strict=True)
                    ],
                    textposition="top center",
                    textfont={"size": 10},
                    customdata=_hover_rows(grp, sources, scale),
                    hovertemplate=HOVER,
                )
            )
            cited += grp["source"].tolist()
    years = points["year"].tolist() if not points.empty else []
    x_range = (min(years), max(years)) if years else None
    if targets is not None and not targets.empty and share_of is None and x_range:
        x_range = (x_range[0], max(x_range[1], int(targets["year"].max())))
    cited += _event_markers(fig, events, year_axis=True, x_range=x_range)
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
    notes = _qualifier_notes(qualifiers)
    if any("alternatives" in points and a for a in points.get("alternatives", [])):
        notes.append("×: the same datapoint as stated by other sources")
    return _layout(
        fig,
        chart_id=chart_id,
        title=title,
        subtitle=subtitle,
        sources=[source_label(sources, s) for s in cited],
        notes=notes,
        height=height,
    )


def _title_of(sources: pd.DataFrame, source_id: str) -> str:
    row = source_row(sources, source_id)
    return row["title"] if row is not None else source_id


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
            [
                esc(format_value(v, u, q, None, sign=True)),
                lab,
                esc(_title_of(sources, s)),
                esc(source_label(sources, s)),
                esc(u),
            ]
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
                hovertemplate=HOVER,
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
        *_qualifier_notes(qualifiers),
        f"Gap: {view_name}'s figure relative to the partner's.",
        MIRROR_NOTE,
    ]
    fig = _layout(
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
    group_cols = ["indicator", "reporter", "partner", "basis"]
    for i, (key, grp) in enumerate(points.groupby(group_cols, sort=False, dropna=False)):
        indicator, reporter, partner, basis = key
        grp = grp.sort_values("period_end")
        who = _series_name(reporter, partner, names, False)
        if isinstance(reporter, str) and reporter != focus:
            who = f"{who} ({names.get(reporter, reporter)}'s figure)"
        what = (indicator_names or {}).get(str(indicator)) or pretty(str(indicator))
        name = f"{what}: {who}" + (f" ({basis})" if basis != "actual" else "")
        colour = colour_for(partner if isinstance(partner, str) else "", i, colours)
        fig.add_trace(
            go.Scatter(
                x=grp["period_end"].tolist(),
                y=(grp["value"] / scale.divisor).tolist(),
                # A line between two bounds ("more than 30", "more than 40") would draw a path
                # the sources never stated: join only exact figures.
                mode="lines+markers"
                if basis == "actual" and (grp["qualifier"] == "exact").all()
                else "markers",
                name=esc(name),
                line={"color": colour, "width": 2, "dash": "solid" if basis == "actual" else "dot"},
                marker={
                    "symbol": [
                        ("star" if basis != "actual" else SYMBOLS.get(q, "circle"))
                        for q in grp["qualifier"]
                    ],
                    "size": 10,
                    "color": colour,
                    "line": {"width": 2, "color": colour},
                },
                customdata=_hover_rows(grp, sources, scale),
                hovertemplate=HOVER,
            )
        )
        cited += grp["source"].tolist()
        qualifiers += grp["qualifier"].tolist()
    cited += _event_markers(fig, events, year_axis=False, x_range=None)
    fig.update_yaxes(title=esc(scale.label), rangemode="tozero")
    fig.update_xaxes(title=None)
    return _layout(
        fig,
        chart_id=chart_id,
        title=title,
        subtitle=subtitle,
        sources=[source_label(sources, s) for s in cited],
        notes=_qualifier_notes(qualifiers),
        height=height,
    )


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
        hover = _hover_rows(shaded, sources, scale)
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
                customdata=[["", "", "", "", "", focus]],
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
    notes = _qualifier_notes(qualifiers)
    if show_projects and not projects.empty:
        notes.append(
            "Dotted routes follow named cities only (approximate); dashed are planned or "
            "under construction. Map outlines: Natural Earth."
        )
    fig = _layout(
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
            if p["status"] in ("planned", "under_construction", "agreed", "announced", "proposed"):
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
    cited += _event_markers(fig, events, year_axis=False, x_range=None)
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
    fig = _layout(
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
    lines = _wrap(str(name), limit)
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
    return _layout(
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
                customdata=_hover_rows(grp, sources, scale),
                hovertemplate=HOVER,
            )
        )
        cited += grp["source"].tolist()
        qualifiers += grp["qualifier"].tolist()
    fig.update_yaxes(title=esc(scale.label), rangemode="tozero")
    return _layout(
        fig,
        chart_id=chart_id,
        title=title,
        subtitle=subtitle,
        sources=[source_label(sources, s) for s in cited],
        notes=[
            *_qualifier_notes(qualifiers),
            "Points at the end of the period they cover; partial periods unjoined.",
        ],
        height=420,
    )


def points_drawn(traces: Iterable[dict]) -> int:
    """How many datapoints a figure's traces (as plain JSON) draw; the map's anchor country
    is not a datapoint. Zero means an empty chart: say so rather than draw bare axes."""
    n = 0
    for t in traces:
        if t.get("meta") in ("anchor", "legend"):
            continue
        for attr in ("x", "locations", "lon", "y"):
            values = t.get(attr)
            if values is not None:
                n += sum(1 for v in values if v is not None)
                break
    return n
