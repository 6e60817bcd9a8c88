"""Figures and tables computed once per dataset and filter combination.

A rerun with the same filters (a hover, a download, a widget elsewhere on the page) reuses
the figure instead of recomputing series and hover texts from every datapoint. The key is
the dataset's fingerprint (its files' content hashes) plus the call's arguments, so a
changed data file or a moved filter computes afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from indicators import Dataset, frames, views

# Only these are called through the cache: the names form part of the key.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "trade_view": views.trade_view,
    "trade_points": views.trade_points,
    "mirror_view": views.mirror_view,
    "investment_view": views.investment_view,
    "map_view": views.map_view,
    "map_years": views.map_years,
    "default_map_year": views.default_map_year,
    "timeline_view": views.timeline_view,
    "status_view": views.status_view,
    "volumes_view": views.volumes_view,
    "volume_indicators": views.volume_indicators,
    "stated_growth": views.stated_growth,
    "investment_points": views.investment_points,
    "gantt_rows": frames.gantt_rows,
    "series": frames.series,
    "headline": frames.headline,
    "partial_labels": frames.partial_labels,
}


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


@st.cache_resource(max_entries=256, show_spinner=False)
def _compute(_ds: Dataset, fingerprint: str, name: str, args: tuple, kwargs: tuple) -> Any:
    return FUNCTIONS[name](_ds, *args, **dict(kwargs))


def call(ds: Dataset, name: str, *args: Any, **kwargs: Any) -> Any:
    """``FUNCTIONS[name](ds, *args, **kwargs)``, cached. Results are shared: do not mutate."""
    key = ds.fingerprint or f"unsaved-{id(ds)}"
    frozen = tuple(sorted((k, _freeze(v)) for k, v in kwargs.items()))
    return _compute(ds, key, name, tuple(_freeze(a) for a in args), frozen)
