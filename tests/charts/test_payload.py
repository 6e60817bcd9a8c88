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


def test_a_baked_template_leaves_no_template_and_gives_way_to_the_figure() -> None:
    spec = {
        "data": [
            {"type": "bar", "x": [1], "marker": {"color": "red"}},
            {"type": "bar", "x": [2]},
            {"type": "choropleth", "z": [1], "colorbar": {"title": {"text": "USD"}}},
            {"type": "scattergeo", "marker": {"color": "blue"}},
        ],
        "layout": {
            "font": {"size": 13},
            "xaxis": {"gridcolor": "#eee"},
            "xaxis2": {},
            "annotations": [{"text": "a"}, {"text": "b", "arrowhead": 2}],
            "template": {
                "data": {
                    "bar": [{"type": "bar", "marker": {"line": {"width": 0.5}}}, {"opacity": 0.5}],
                    "choropleth": [{"colorbar": {"outlinewidth": 0}}],
                    "scattergeo": [{"marker": {"colorbar": {"ticks": ""}, "opacity": 0.9}}],
                },
                "layout": {
                    "font": {"color": "#2a3f5f", "size": 10},
                    "xaxis": {"automargin": True, "gridcolor": "white"},
                    "yaxis": {"automargin": True},
                    "polar": {"bgcolor": "#E5ECF6"},
                    "annotationdefaults": {"arrowhead": 0, "arrowcolor": "#2a3f5f"},
                    "colorway": ["#636efa"],
                },
            },
        },
    }
    out = payload.bake_template(spec)
    layout = out["layout"]
    assert "template" not in layout
    assert layout["font"] == {"color": "#2a3f5f", "size": 13}  # the figure's size wins
    assert layout["xaxis"] == {"automargin": True, "gridcolor": "#eee"}
    assert layout["xaxis2"] == {"automargin": True, "gridcolor": "white"}  # every x axis
    assert layout["yaxis"] == {"automargin": True}  # drawn with the template's defaults
    assert "polar" not in layout  # no polar chart: nothing to style
    assert layout["annotations"] == [
        {"text": "a", "arrowhead": 0, "arrowcolor": "#2a3f5f"},
        {"text": "b", "arrowhead": 2, "arrowcolor": "#2a3f5f"},
    ]
    assert layout["colorway"] == ["#636efa"]
    bars = out["data"][:2]
    assert bars[0] == {"type": "bar", "x": [1], "marker": {"color": "red", "line": {"width": 0.5}}}
    assert bars[1] == {"type": "bar", "x": [2], "opacity": 0.5}  # the template's next bar
    # a colour bar in the data is drawn: the template styles the one the figure has and
    # adds none (the scattergeo would have grown a colour scale)
    assert out["data"][2]["colorbar"] == {"title": {"text": "USD"}, "outlinewidth": 0}
    assert out["data"][3]["marker"] == {"color": "blue", "opacity": 0.9}


def test_a_figure_without_a_template_is_left_as_it_was() -> None:
    spec = {"data": [{"type": "scatter", "y": [1]}], "layout": {"font": {"size": 13}}}
    assert payload.bake_template(dict(spec)) == spec
