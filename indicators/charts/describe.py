"""A chart's short description, generated from what the figure draws: the accessible
description next to each chart on screen and the alt text of an exported image."""

from __future__ import annotations

import html
import math
import re
from typing import Any

import plotly.graph_objects as go

from indicators.charts.style import SYMBOL_KEY

_TAGS = re.compile(r"<[^>]+>")


def _plain(text: object) -> str:
    """Hover and label text is escaped for plotly's HTML subset: back to plain text."""
    return html.unescape(_TAGS.sub(" ", str(text or ""))).strip()


def _based(trace: Any) -> bool:
    """A bar from a start date (the Gantt), not from zero."""
    return trace.type == "bar" and trace.base is not None


def _kind(trace: Any) -> str:
    if trace.type in ("choropleth", "scattergeo"):
        return "Map"
    if trace.type == "bar" and trace.orientation == "h" and _based(trace):
        return "Timeline"
    if trace.type == "bar":
        return "Bar chart"
    return "Line chart" if "lines" in str(trace.mode or "lines") else "Dot chart"


def _highest(traces: list[Any]) -> str:
    best: tuple[float, str] | None = None
    for t in traces:
        custom = t.customdata
        if t.type == "choropleth":
            values, names = list(t.z or []), list(t.text or [])
            for i, v in enumerate(values):
                if isinstance(v, (int, float)) and (best is None or v > best[0]) and custom:
                    best = (v, f"{_plain(custom[i][0])} for {_plain(names[i])}")
            continue
        if t.type not in ("scatter", "bar") or custom is None or _based(t):
            continue
        for i, v in enumerate(list(t.y or [])):
            if not isinstance(v, (int, float)) or math.isnan(v) or i >= len(custom):
                continue
            row = custom[i]
            if not isinstance(row, (list, tuple)) or len(row) < 2 or not row[0]:
                continue
            if best is None or v > best[0]:
                best = (v, f"{_plain(row[0])} in {_plain(row[1])} ({_plain(t.name)})")
    return f"highest {best[1]}" if best else ""


def description(fig: go.Figure) -> str:
    """The description a finished figure carries (indicators.views stamps it once, when the
    figure is built and cached), else one made now."""
    return str((fig.layout.meta or {}).get("description") or describe(fig))


def describe(fig: go.Figure) -> str:
    """'Line chart, Total trade: China with Central Asia, calendar years, 2012–2025; 7 series:
    …; highest $106.3 bn in 2025 (Central Asia)'."""
    meta = fig.layout.meta or {}
    title, subtitle = str(meta.get("title", "")), str(meta.get("subtitle", ""))
    traces = [t for t in fig.data if t.meta not in ("anchor", "legend")]
    if not traces:
        return f"{title}: nothing is drawn."
    parts = [f"{_kind(traces[0])}, {title}" + (f": {subtitle}" if subtitle else "")]
    listed = sorted(
        enumerate(fig.data),
        key=lambda it: (it[1].legendrank if it[1].legendrank is not None else 1000, it[0]),
    )
    named = list(
        dict.fromkeys(
            _plain(t.name)
            for _, t in listed
            if t.showlegend is not False
            and t.name
            and t.meta != "anchor"
            and t.name not in SYMBOL_KEY.values()
        )
    )
    if _based(traces[0]):
        bars = sum(len(t.y or []) for t in traces if t.type == "bar")
        parts.append(f"{bars} projects")
    elif named:
        shown = ", ".join(named[:6]) + (f" and {len(named) - 6} more" if len(named) > 6 else "")
        parts.append(f"{len(named)} series: {shown}")
    high = _highest(traces)
    if high:
        parts.append(high)
    return "; ".join(parts) + "."
