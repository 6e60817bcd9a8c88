"""The browser's copy of a figure: per-point marker shapes as plotly.js's own numbers."""

from __future__ import annotations

import plotly.graph_objects as go

from indicators.charts import payload, style


def test_each_shape_code_is_plotly_js_own_number_for_that_shape() -> None:
    # plotly's schema lists each shape as (number, "number", name), in that order.
    values = go.scatter.Marker()._get_validator("symbol").values
    named = {values[i + 2]: values[i] for i in range(0, len(values), 3)}
    assert payload.SYMBOL_CODES == {name: named[name] for name in payload.SYMBOL_CODES}


def test_every_shape_a_chart_draws_has_a_code() -> None:
    used = {*style.SYMBOLS.values(), *style.SYMBOL_KEY}
    assert used <= set(payload.SYMBOL_CODES)


def test_lists_become_numbers_and_the_rest_is_left_as_it_was() -> None:
    spec = {
        "data": [
            {"type": "scatter", "marker": {"symbol": ["circle", "triangle-up", "hexagram"]}},
            {"type": "scatter", "marker": {"symbol": "star"}},
            {"type": "bar", "marker": {"color": "red"}},
            {"type": "scatter"},
        ],
        "layout": {},
    }
    out = payload.compact(spec)
    assert out["data"][0]["marker"]["symbol"] == [0, 5, "hexagram"]
    assert out["data"][1]["marker"]["symbol"] == "star"
    assert out["data"][2:] == [{"type": "bar", "marker": {"color": "red"}}, {"type": "scatter"}]
