"""The look every chart shares: palette, fonts, escaping, title and subtitle, legend
placement, notes and the meta an exported image needs to stand on its own.

Every string that comes from the data is HTML-escaped (``esc``) before it reaches a title,
label or hover: plotly renders a subset of HTML there.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable

import plotly.graph_objects as go

from indicators.dataset import Dataset
from indicators.frames.formatting import QUALIFIER_NOTES

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
    used: set[str] = set()
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
        used |= shapes
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
    # The key's order is SYMBOL_KEY's, not the order shapes were met in: the same data
    # then gives the same figure in every process (a set's order follows the hash seed).
    for j, sym in enumerate(sym for sym in SYMBOL_KEY if sym in used):
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


def wrap(text: str, limit: int = SUBTITLE_CHARS) -> list[str]:
    return textwrap.wrap(text, limit, break_long_words=False, break_on_hyphens=False) or [""]


def heading(
    title: str,
    subtitle: str,
    *,
    event_rows: int = 0,
    title_chars: int = TITLE_CHARS,
    subtitle_chars: int = SUBTITLE_CHARS,
) -> tuple[str, int]:
    """A chart's title block, wrapped at the given widths (the narrowest screen's by
    default; an export re-wraps it at the image's width), and the top margin it needs above
    the plot, event labels included."""
    title_lines = wrap(title, title_chars)
    sub_lines = wrap(subtitle, subtitle_chars)
    top = 44 + 22 * len(title_lines) + 16 * len(sub_lines) + 13 * event_rows
    sub_html = "<br>".join(f"<sup style='color:{MUTED}'>{esc(line)}</sup>" for line in sub_lines)
    text = "<br>".join(f"<b>{esc(line)}</b>" for line in title_lines) + f"<br>{sub_html}"
    return text, top


def is_map(fig: go.Figure) -> bool:
    """Whether ``fig`` is drawn on a map (geo traces) rather than on x and y axes."""
    return any(t.type in ("choropleth", "scattergeo") for t in fig.data)


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


def layout(
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
    text, top = heading(
        title, subtitle, event_rows=int((fig.layout.meta or {}).get("event_rows", 0))
    )
    if not is_map(fig):
        height = max(height, top + 50 + 40 + 30 * (_legend_rows(fig) if legend else 0) + MIN_PLOT)
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT, "color": INK, "size": 13},
        title={
            "text": text,
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


def qualifier_notes(qualifiers: Iterable[str]) -> list[str]:
    return [QUALIFIER_NOTES[q] for q in dict.fromkeys(qualifiers) if q in QUALIFIER_NOTES]


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


def colours(ds: Dataset) -> dict[str, str]:
    """Each entity's colour, the same on every page and in every export of the dataset:
    taken from the palette by position (the focus, the declared partners, then every other
    entity of the catalog by id); the partners' total in ink, apart from every country."""
    rel = ds.relationship
    order = [e for e in (rel.focus, *rel.partners) if e]
    order += sorted(set(ds.entities["id"]) - set(order) - {rel.group})
    out = {e: PALETTE[i % len(PALETTE)] for i, e in enumerate(order)}
    if rel.group:
        out[rel.group] = GROUP_INK
    return out
