"""Margins set for the axis labels before a chart draws (indicators.charts.margins).

Whether Plotly still draws a chart twice is measured in the browser
(tests/browser/test_a11y.py::test_charts_are_drawn_once); here, the estimates against the
font itself and the rules of ``fit``."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import ImageFont

from indicators import load_dataset
from indicators.charts import margins, standard
from tests.paths import DATA

# Debian's fonts-liberation, installed with Chromium by scripts/chromium.sh.
LIBERATION = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


@pytest.fixture(scope="module")
def ds():
    return load_dataset(DATA)


@pytest.fixture(scope="module")
def font() -> ImageFont.FreeTypeFont:
    assert LIBERATION.exists(), f"{LIBERATION} missing: apt-get install fonts-liberation"
    return ImageFont.truetype(str(LIBERATION), 1000)


def _labels(ds) -> list[str]:
    """Every line of text the bundled charts put on an axis or in a legend."""
    lines: set[str] = set()
    for chart in standard.standard_charts(ds):
        fig = chart.build(ds)
        for letter in ("x", "y"):
            axis = fig.layout[f"{letter}axis"]
            for label in axis.categoryarray or ():
                lines.update(margins.label_lines(label))
        for t in fig.data:
            lines.update(margins.label_lines(t.name or ""))
            for v in getattr(t, "y", None) or ():
                if isinstance(v, str):
                    lines.update(margins.label_lines(v))
    return sorted(line for line in lines if line)


def test_widths_never_fall_short_of_the_font(ds, font) -> None:
    """The estimate of every label the bundled charts draw is at least the width Liberation
    Sans gives it (short, the chart would be drawn twice) and at most a tenth more (long,
    it would waste the plot's width)."""
    labels = _labels(ds)
    assert len(labels) > 30
    off = []
    for text in labels:
        exact = font.getlength(text) * 13 / 1000
        est = margins.text_px(text, 13)
        if not exact - 0.5 <= est <= exact * 1.1 + 1:
            off.append(f"{text!r}: estimated {est:.1f}px, the font gives {exact:.1f}px")
    assert not off, "\n".join(off)


def test_unknown_characters_count_as_wide() -> None:
    assert margins.text_px("é", 10) == margins.text_px("e", 10)
    assert margins.text_px("中", 10) == 10.0


def test_label_lines_are_what_the_reader_sees() -> None:
    assert margins.label_lines("Kazakh wheat for<br>Xi&#x27;an's <b>noodle</b>…") == [
        "Kazakh wheat for",
        "Xi'an's noodle…",
    ]
    assert margins.label_lines("A &amp; B") == ["A & B"]


def _bars(labels: list[str], **layout) -> go.Figure:
    fig = go.Figure(go.Bar(x=[1] * len(labels), y=labels, orientation="h"))
    fig.update_layout(font={"size": 13}, margin={"l": 60, "b": 50}, **layout)
    return fig


def test_fit_widens_the_left_margin_for_long_category_labels() -> None:
    short, long = _bars(["A"]), _bars(["Under construction", "Operational"])
    margins.fit(short)
    margins.fit(long)
    assert short.layout.margin.l == 60  # never narrowed
    assert long.layout.margin.l >= 14 + margins.text_px("Under construction", 13)


def test_fit_counts_an_axis_title_and_the_numbers_on_the_axis() -> None:
    fig = go.Figure(go.Scatter(x=[2020, 2021], y=[10.0, 1060.0]))
    fig.update_layout(font={"size": 13}, margin={"l": 10, "b": 10})
    plain = margins.needed(fig)
    fig.update_yaxes(title="USD bn")
    fig.update_xaxes(title="year")
    titled = margins.needed(fig)
    assert plain["l"] >= 14 + margins.text_px("1000", 13)
    assert titled["l"] == plain["l"] + 13 + 15
    assert titled["b"] == plain["b"] + 13 + 15


def test_two_line_tick_labels_need_two_lines_of_room() -> None:
    one = go.Figure(go.Bar(x=["Kazakhstan", "China"], y=[1, 2]))
    two = go.Figure(go.Bar(x=["Kazakhstan<br>(reported)", "China"], y=[1, 2]))
    for fig in (one, two):
        fig.update_layout(font={"size": 13})
    assert margins.needed(two)["b"] > margins.needed(one)["b"]


def test_maps_are_left_alone() -> None:
    fig = go.Figure(go.Choropleth(locations=["KAZ"], z=[1]))
    fig.update_layout(margin={"l": 10, "b": 10})
    margins.fit(fig)
    assert (fig.layout.margin.l, fig.layout.margin.b) == (10, 10)
