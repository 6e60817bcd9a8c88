"""Margins wide enough for a chart's axis labels before it draws.

Plotly's ``automargin`` (the default template turns it on for every axis) measures the tick
labels and axis titles once the chart is drawn and, when they need more room than the
margins give, draws the whole chart a second time. That second pass nearly doubled the
cost of a cartesian chart (the Overview's trade chart 73 ms against 45 ms in Chromium, the
Timeline 110 ms against 58 ms; four times that on a phone). Setting the margins to what the
labels need keeps ``automargin`` as a safety net that has nothing left to do. The widths are
estimated from the font's metrics; an estimate too small costs only the second pass again,
one too large a few pixels of space.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Iterable
from numbers import Real

import plotly.graph_objects as go

from indicators.charts.style import is_map

# Advance widths of Liberation Sans (metrically the same as Arial, the charts' font), in
# ems, by class; each class takes the widest of its characters.
_WIDTHS = {
    0.278: " !,./:;I[\\]ft'|ijl\u2018\u2019\u00b7",
    0.334: '()-`r"{}\u201c\u201d',
    0.5: "Jcksvxyz*^",
    0.556: "#$?L_abdeghnopqu0123456789\u2013",
    0.611: "FTZ+<=>~\u00d7\u2212",
    0.667: "&ABEKPSVXY",
    0.722: "CDHNRUw",
    0.778: "GOQ",
    0.833: "Mm",
    0.889: "%",
}
_EM = {ch: w for w, chars in _WIDTHS.items() for ch in chars}
_OTHER = 1.0  # a character not in the table: as wide as the widest (an em dash, CJK)
# Plotly's room around the labels, measured in Chromium: 14 px beside the tick labels, and
# an axis title takes its font size and a 15 px stand-off; a line of tick labels takes
# 1.35 times its font size.
_PAD = 14
_STANDOFF = 15
_LINE = 1.35
_TAGS = re.compile(r"<[^>]*>")


def text_px(text: str, size: float) -> float:
    """The width of one line of ``text`` at ``size`` px."""
    em = 0.0
    for ch in text:
        w = _EM.get(ch)
        if w is None:  # é is as wide as e; … is not as narrow as .
            base, *marks = unicodedata.normalize("NFD", ch)
            plain = all(unicodedata.combining(m) for m in marks)
            w = _EM.get(base, _OTHER) if plain else _OTHER
        em += w
    return em * size


def label_lines(label: object) -> list[str]:
    """A plotly label's lines as the reader sees them: ``<br>`` breaks, tags and entities
    gone (data text reaches a label escaped)."""
    text = re.sub(r"<br\s*/?>", "\n", str(label), flags=re.IGNORECASE)
    return [html.unescape(_TAGS.sub("", line)) for line in text.split("\n")]


def _numbers(values: Iterable[object]) -> list[float]:
    return [
        float(v)
        for v in values
        if isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(float(v))
    ]


def _numeric_labels(values: list[float], axis: go.layout.YAxis) -> list[str]:
    """The widest tick labels an automatic numeric axis over ``values`` could show: its
    largest magnitude with a tenth more room, one decimal below 10, a minus sign below 0."""
    top = max(abs(v) for v in values)
    whole = str(int(top * 1.1 + 1)) if top >= 10 else "8.5"
    if top >= 10_000:  # plotly writes 12000 as "12k"
        whole = f"{int(top * 1.1 / 1000) + 1}k"
    sign = "\u2212" if min(values) < 0 else ""
    return [f"{axis.tickprefix or ''}{sign}{whole}{axis.ticksuffix or ''}"]


def _axis_values(fig: go.Figure, letter: str) -> tuple[list[str], list[float]]:
    """The category labels and numbers plotted on the first ``letter`` axis."""
    text: list[str] = []
    numbers: list[float] = []
    for t in fig.data:
        if getattr(t, f"{letter}axis", None) not in (None, letter):
            continue
        values = getattr(t, letter, None)
        if values is None:
            continue
        text += [v for v in values if isinstance(v, str)]
        numbers += _numbers(values)
    return text, numbers


def _labels(fig: go.Figure, letter: str) -> tuple[list[str], float]:
    """The tick labels of the first ``letter`` axis (as far as they can be known before
    drawing) and their font size."""
    axis = fig.layout[f"{letter}axis"]
    size = axis.tickfont.size or fig.layout.font.size or 12
    if axis.ticktext:
        return [str(t) for t in axis.ticktext], size
    if axis.categoryarray is not None:
        return [str(c) for c in axis.categoryarray], size
    if axis.type == "date" or axis.tickformat:  # years and dates: "2025", "Jan 2025"
        return ["Sep 2025"], size
    text, numbers = _axis_values(fig, letter)
    if text:
        return list(dict.fromkeys(text)), size
    if numbers:
        return _numeric_labels(numbers, axis), size
    return [], size


def _title_px(fig: go.Figure, letter: str) -> float:
    axis = fig.layout[f"{letter}axis"]
    if not axis.title.text:
        return 0.0
    return (axis.title.font.size or fig.layout.font.size or 12) + _STANDOFF


def needed(fig: go.Figure) -> dict[str, int]:
    """The left and bottom margins (px) the first x and y axes' labels and titles need."""
    ys, ysize = _labels(fig, "y")
    widest = max((text_px(line, ysize) for y in ys for line in label_lines(y)), default=0.0)
    xs, xsize = _labels(fig, "x")
    lines = max((len(label_lines(x)) for x in xs), default=1)
    return {
        "l": math.ceil(_PAD + widest + _title_px(fig, "y")) + 2,
        "b": math.ceil(_PAD + _LINE * xsize * lines + _title_px(fig, "x")) + 2,
    }


def fit(fig: go.Figure) -> go.Figure:
    """Widen a cartesian chart's left and bottom margins to what its axis labels need
    (never narrow them: a legend or a note may have asked for more)."""
    if is_map(fig) or not fig.data:
        return fig
    want = needed(fig)
    margin = fig.layout.margin
    fig.update_layout(
        margin={"l": max(margin.l or 0, want["l"]), "b": max(margin.b or 0, want["b"])}
    )
    return fig
