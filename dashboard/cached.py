"""Figures and tables computed once per dataset and filter combination.

A rerun with the same filters (a hover, a download, a widget elsewhere on the page) reuses
the figure instead of recomputing series and hover texts from every datapoint. The key is
the dataset's fingerprint (its files' content hashes) plus the call's arguments, so a
changed data file or a moved filter computes afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import streamlit as st

from indicators import Dataset
from indicators.charts import project_views, views
from indicators.frames import formatting as fmt
from indicators.frames import roles, tables
from indicators.frames import tidy as frames


def _data_rows(ds: Dataset, **filters: Any) -> Any:
    """The Data page's rows: a selection from the cached table of every datapoint, so a new
    filter does not format and cite 100,000 rows again."""
    return tables.data_rows(ds, table=call(ds, "data_table"), **filters)


# Only these are called through the cache: the names form part of the key.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "trade_view": views.trade_view,
    "trade_points": views.trade_points,
    "mirror_view": views.mirror_view,
    "investment_view": views.investment_view,
    "map_view": project_views.map_view,
    "map_years": project_views.map_years,
    "default_map_year": project_views.default_map_year,
    "timeline_view": project_views.timeline_view,
    "status_view": project_views.status_view,
    "volumes_view": project_views.volumes_view,
    "volume_indicators": project_views.volume_indicators,
    "stated_growth": views.stated_growth,
    "investment_points": tables.investment_points,
    "indicators_with_data": tables.indicators_with_data,
    "mirror_rows": views.mirror_rows,
    "projects_with_volumes": project_views.projects_with_volumes,
    "events_table": tables.events_table,
    "sources_table": tables.sources_table,
    "data_table": tables.data_table,
    "data_filter_options": tables.data_filter_options,
    "data_rows": _data_rows,
    "consistency_tables": tables.consistency_tables,
    "default_years": views.default_years,
    "year_bounds": frames.year_bounds,
    "entity_names": fmt.entity_names,
    "gantt_rows": frames.gantt_rows,
    "series": frames.series,
    "headline": frames.headline,
    "partial_labels": frames.partial_labels,
    "counterparts": roles.counterparts,
    "default_partners": roles.default_partners,
    "reporters": roles.reporters,
    "map_series": project_views.map_series,
    "map_partners": project_views.map_partners,
    "map_indicators": project_views.map_indicators,
    "default_investment": views.default_investment,
    "default_volume_project": project_views.default_volume_project,
}


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


@st.cache_resource(max_entries=256, show_spinner=False)
def _compute(_ds: Dataset, fingerprint: str, name: str, args: tuple, kwargs: tuple) -> Any:
    return FUNCTIONS[name](_ds, *args, **dict(kwargs))


# Results that can hold every datapoint (one per search typed on the Data page): few kept.
LARGE = {"data_rows"}


@st.cache_resource(max_entries=8, show_spinner=False)
def _compute_large(_ds: Dataset, fingerprint: str, name: str, args: tuple, kwargs: tuple) -> Any:
    return FUNCTIONS[name](_ds, *args, **dict(kwargs))


# The results of the last calls, by their key, in front of Streamlit's cache: its lookup
# (hashing every argument, binding the signature) costs about a millisecond per call, and a
# page makes ten calls per rerun. Entries are the cache's own shared objects, so this keeps
# nothing alive for long that the cache would not (few entries; large results not at all).
_RECENT: OrderedDict[tuple, Any] = OrderedDict()
_RECENT_MAX = 64
_RECENT_LOCK = threading.Lock()
_MISSING = object()


def call(ds: Dataset, name: str, *args: Any, **kwargs: Any) -> Any:
    """``FUNCTIONS[name](ds, *args, **kwargs)``, cached. Results are shared: do not mutate."""
    key = ds.fingerprint or f"unsaved-{id(ds)}"
    frozen_args = tuple(_freeze(a) for a in args)
    frozen = tuple(sorted((k, _freeze(v)) for k, v in kwargs.items()))
    recent = (key, name, frozen_args, frozen)
    remember = bool(ds.fingerprint) and name not in LARGE
    if remember:
        try:
            with _RECENT_LOCK:
                hit = _RECENT.get(recent, _MISSING)
                if hit is not _MISSING:
                    _RECENT.move_to_end(recent)
                    return hit
        except TypeError:  # an argument that cannot be a dict key: the cache hashes it
            remember = False
    compute = _compute_large if name in LARGE else _compute
    result = compute(ds, key, name, frozen_args, frozen)
    if remember:
        with _RECENT_LOCK:
            _RECENT[recent] = result
            while len(_RECENT) > _RECENT_MAX:
                _RECENT.popitem(last=False)
    return result
