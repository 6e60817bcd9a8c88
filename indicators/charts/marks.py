"""What the time charts share: series names, hover rows and event markers whose labels do
not collide."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from indicators.charts.style import INK, esc
from indicators.frames.formatting import Scale, format_date, format_value, source_label, source_row
from indicators.model import MAJOR_EVENTS
from indicators.periods import parse_period

# Differing figures listed in a point's hover; more are counted ("and 4 more"). Past
# TITLED_HOVER_POINTS, one: at 100,000 datapoints the list was a tenth of the investment
# chart's payload.
HOVER_ALTERNATIVES = 3
HOVER_ALTERNATIVES_AT_SCALE = 1


# Past this many points a chart's hover leaves out each source's title (its publisher and
# date stay): at 100,000 datapoints the titles alone were a third of the investment chart's
# 1.7 MB payload. The chart's "Data" view lists every title.
TITLED_HOVER_POINTS = 2000
UNTITLED_NOTE = (
    "Hover gives each point's source by publisher and date, and one differing figure; the "
    "Data view gives the titles and every figure"
)


def titled(n_points: int) -> bool:
    """Whether a chart of ``n_points`` hover rows names each source's title."""
    return n_points <= TITLED_HOVER_POINTS


def hover_row(
    value: str,
    period: str,
    sources: pd.DataFrame,
    source: str,
    *,
    titles: bool,
    extra: str = "",
) -> list[str]:
    """One point's hover: figure and period (escaped by the caller), the source's title
    (left out past the threshold), its publisher and date, then ``extra`` (markup)."""
    cited = esc(source_label(sources, source)) + extra
    if not titles:
        return [value, period, cited]
    row = source_row(sources, source)
    return [value, period, esc(row["title"] if row is not None else source), cited]


def hover_rows(
    points: pd.DataFrame, sources: pd.DataFrame, scale: Scale, *, titles: bool = True
) -> list[list[str]]:
    rows = []
    for _, r in points.iterrows():
        others = int(r.get("n_sources", 1)) - 1 if "n_sources" in r else 0
        extra = f"<br>+ {others} other source(s)" if others > 0 else ""
        alts = r.get("alternatives") if "alternatives" in r else None
        if isinstance(alts, list) and alts:
            # The first few only: the Data page and the CSV list every source's figure.
            listed = HOVER_ALTERNATIVES if titles else HOVER_ALTERNATIVES_AT_SCALE
            differing = "; ".join(
                esc(
                    format_value(
                        a["value"], r["unit"], a["qualifier"], a.get("value_max"), sign=True
                    )
                )
                + f" ({esc(source_label(sources, a['source']))})"
                for a in alts[:listed]
            )
            rest = len(alts) - listed
            extra += f"<br>Other figures: {differing}" + (f" and {rest} more" if rest > 0 else "")
        note = f"<br><i>{esc(r['note'])}</i>" if isinstance(r.get("note"), str) else ""
        rows.append(
            hover_row(
                esc(
                    format_value(
                        r["value"], r["unit"], r["qualifier"], r.get("value_max"), sign=True
                    )
                ),
                esc(parse_period(r["period"]).label()),
                sources,
                r["source"],
                titles=titles,
                extra=extra + note,
            )
        )
    return rows


HOVER = (
    "<b>%{customdata[0]}</b> · %{customdata[1]}<br>%{customdata[2]}<br>"
    "%{customdata[3]}<extra>%{fullData.name}</extra>"
)
# Without the title's column: each column is repeated for every point, so at scale an empty
# one still weighs (8,000 points: 30 KB).
HOVER_UNTITLED = (
    "<b>%{customdata[0]}</b> · %{customdata[1]}<br>%{customdata[2]}<extra>%{fullData.name}</extra>"
)


def hover_template(titles: bool) -> str:
    return HOVER if titles else HOVER_UNTITLED


def event_markers(
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
    shown = events[events["kind"].isin(MAJOR_EVENTS)]
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


def series_name(
    reporter: str | None, partner: str | None, names: dict[str, str], mixed: bool
) -> str:
    # One name everywhere, the group's too: "Central Asia", never "(total)" on one page and
    # "(five countries)" on another.
    p = names.get(partner or "", partner or "")
    if mixed and reporter:
        return f"{p} ({names.get(reporter, reporter)}'s data)"
    return p
