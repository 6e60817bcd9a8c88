"""A figure's JSON for the browser: smaller, with nothing that makes plotly draw it twice, and
exactly the same chart."""

from __future__ import annotations

import re
from typing import Any

# plotly.js's own numbers for the marker shapes the charts use. A series mixing shapes (a
# lower bound among exact figures) lists one per point, and "circle" is nine bytes where
# 0 is two: 55 KB of the investment chart at 100,000 datapoints.
SYMBOL_CODES = {
    "circle": 0,
    "square": 1,
    "diamond": 2,
    "triangle-up": 5,
    "triangle-down": 6,
    "star": 17,
    "x-thin": 34,
    "circle-open": 100,
}


def compact(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` (a figure's plain JSON data) with per-point marker shapes as plotly.js's
    numbers. Modified in place and returned; a shape without a number here stays a name."""
    for trace in spec.get("data", []):
        marker = trace.get("marker")
        symbols = marker.get("symbol") if isinstance(marker, dict) else None
        if isinstance(symbols, list):
            marker["symbol"] = [SYMBOL_CODES.get(s, s) for s in symbols]
    return spec


# Layout keys whose template applies to every one of their kind: xaxis to xaxis2, xaxis3 …
_NUMBERED = re.compile(r"^(xaxis|yaxis|geo|polar|ternary|scene|map|mapbox|coloraxis|smith)(\d*)$")
# The subplot a trace type is drawn on, where it is not the cartesian axes.
_SUBPLOT_OF = {"choropleth": "geo", "scattergeo": "geo"}
# Template entries that are defaults for each item of a list in the layout.
_ITEM_DEFAULTS = {
    "annotationdefaults": "annotations",
    "shapedefaults": "shapes",
    "imagedefaults": "images",
    "sliderdefaults": "sliders",
    "updatemenudefaults": "updatemenus",
    "selectiondefaults": "selections",
}


def _under(defaults: Any, value: Any) -> Any:
    """``value`` with ``defaults`` filling what it does not set (objects merged key by key;
    anything else set in ``value`` wins whole)."""
    if not isinstance(defaults, dict) or not isinstance(value, dict):
        return value
    out = dict(defaults)
    for key, v in value.items():
        out[key] = _under(defaults.get(key), v)
    return out


def _colorbars_set(defaults: Any, value: Any) -> Any:
    """``defaults`` without the colour bars ``value`` does not have: in the data a colour
    bar is there to be drawn (plotly draws a container's scale when it holds a colorbar),
    while in a template it only styles one."""
    if not isinstance(defaults, dict):
        return defaults
    value = value if isinstance(value, dict) else {}
    return {
        k: _colorbars_set(v, value.get(k))
        for k, v in defaults.items()
        if k != "colorbar" or "colorbar" in value
    }


def bake_template(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with its template's values written into the layout and the traces, and no
    template: the same chart, which plotly can be handed again cheaply.

    Streamlit hands plotly each chart a second time once it has mounted, as equal JSON in new
    objects. Plotly compares a layout's template by identity, so a template in the layout
    made it compute and draw the whole chart again. Modified in place and returned."""
    layout = spec.setdefault("layout", {})
    template = layout.pop("template", None) or {}
    tl = dict(template.get("layout") or {})
    for key, target in _ITEM_DEFAULTS.items():
        item = tl.pop(key, None)
        if item and isinstance(layout.get(target), list):
            layout[target] = [_under(item, x) for x in layout[target]]
    kinds = {_SUBPLOT_OF.get(t.get("type", "scatter"), "xaxis") for t in spec.get("data", [])}
    if "xaxis" in kinds:
        kinds.add("yaxis")
    for key, value in tl.items():
        kind = _NUMBERED.match(key)
        if kind:
            names = [k for k in layout if (m := _NUMBERED.match(k)) and m[1] == kind[1]]
            if not names and kind[1] in kinds:  # drawn with plotly's defaults, and the template
                names = [key]
            for name in names:
                layout[name] = _under(value, layout.get(name, {}))
        else:
            layout[key] = _under(value, layout[key]) if key in layout else value
    by_type = template.get("data") or {}
    seen: dict[str, int] = {}
    for trace in spec.get("data", []):
        kind = trace.get("type", "scatter")
        options = by_type.get(kind) or []
        if options:  # a template's traces of one type are used in turn, as plotly does
            i = seen.get(kind, 0)
            seen[kind] = i + 1
            default = {k: v for k, v in options[i % len(options)].items() if k != "type"}
            trace.update(_under(_colorbars_set(default, trace), trace))
    return spec
