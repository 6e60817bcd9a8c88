"""The app's cache: every figure, table and option list a page draws, computed once per
dataset and arguments, as typed functions with the library's own signatures.

``cached.trade_view(ds, partners=...)`` is ``views.trade_view(ds, partners=...)`` computed
once: a rerun with the same filters (a hover, a download, a widget elsewhere on the page)
reuses the result instead of recomputing series and hover texts from every datapoint. The
key is the dataset's fingerprint (its files' content hashes) plus the arguments, so a changed
data file or a moved filter computes afresh. Results are shared between sessions: never
modify one. The dataset itself is cached by :mod:`dashboard.loading`.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from indicators import Dataset
from indicators.charts import project_views, views
from indicators.frames import formatting as fmt
from indicators.frames import projects, roles, tables, trade_tables
from indicators.frames import tidy as frames

P = ParamSpec("P")
R = TypeVar("R")

# Streamlit's cache cannot hash a function argument cheaply; the functions are looked up by
# their qualified name, which is part of the key.
_FUNCTIONS: dict[str, Callable[..., Any]] = {}


def _freeze(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    return value


# Room for every page's default views and many readers' own filters: with 256, fifty readers
# moving filters evicted the views every other reader opens (benchmarks/capacity.py).
@st.cache_resource(max_entries=1024, show_spinner=False)
def _compute(_ds: Dataset, fingerprint: str, name: str, args: tuple, kwargs: tuple) -> Any:
    return _FUNCTIONS[name](_ds, *args, **dict(kwargs))


@st.cache_resource(max_entries=8, show_spinner=False)
def _compute_large(_ds: Dataset, fingerprint: str, name: str, args: tuple, kwargs: tuple) -> Any:
    return _FUNCTIONS[name](_ds, *args, **dict(kwargs))


# The results of the last calls, by their key, in front of Streamlit's cache: its lookup
# (hashing every argument, binding the signature) costs about a millisecond per call, and a
# page makes ten calls per rerun. Entries are the cache's own shared objects, so this keeps
# nothing alive for long that the cache would not (few entries; large results not at all).
_RECENT: OrderedDict[tuple, Any] = OrderedDict()
_RECENT_MAX = 64
_RECENT_LOCK = threading.Lock()
_MISSING = object()


def _call(ds: Dataset, name: str, large: bool, args: tuple, kwargs: dict[str, Any]) -> Any:
    key = ds.fingerprint or f"unsaved-{id(ds)}"
    frozen_args = tuple(_freeze(a) for a in args)
    frozen = tuple(sorted((k, _freeze(v)) for k, v in kwargs.items()))
    recent = (key, name, frozen_args, frozen)
    remember = bool(ds.fingerprint) and not large
    if remember:
        try:
            with _RECENT_LOCK:
                hit = _RECENT.get(recent, _MISSING)
                if hit is not _MISSING:
                    _RECENT.move_to_end(recent)
                    return hit
        except TypeError:  # an argument that cannot be a dict key: the cache hashes it
            remember = False
    compute = _compute_large if large else _compute
    result = compute(ds, key, name, frozen_args, frozen)
    if remember:
        with _RECENT_LOCK:
            _RECENT[recent] = result
            while len(_RECENT) > _RECENT_MAX:
                _RECENT.popitem(last=False)
    return result


def cached(
    fn: Callable[Concatenate[Dataset, P], R], *, large: bool = False
) -> Callable[Concatenate[Dataset, P], R]:
    """``fn`` with its signature, computed once per dataset and arguments (lists and tuples
    are the same argument). ``large``: results that can hold every datapoint, few kept."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _FUNCTIONS[name] = fn

    @functools.wraps(fn)
    def call(ds: Dataset, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return _call(ds, name, large, args, kwargs)  # type: ignore[no-any-return]

    return call


# Charts
trade_view = cached(views.trade_view)
mirror_view = cached(views.mirror_view)
investment_view = cached(views.investment_view)
map_view = cached(project_views.map_view)
timeline_view = cached(project_views.timeline_view)
status_view = cached(project_views.status_view)
volumes_view = cached(project_views.volumes_view)

# What the charts draw, and the tables beside them
trade_points = cached(views.trade_points)
mirror_rows = cached(trade_tables.mirror_rows)
stated_growth = cached(trade_tables.stated_growth)
investment_points = cached(tables.investment_points)
investment_rows = cached(tables.investment_rows)
map_series = cached(project_views.map_series)
gantt_rows = cached(projects.gantt_rows)
volume_points = cached(projects.volume_points)
series = cached(frames.series)
headline = cached(frames.headline)
partial_labels = cached(frames.partial_labels)
events_table = cached(tables.events_table)
sources_table = cached(tables.sources_table)
data_table = cached(tables.data_table)
consistency_tables = cached(tables.consistency_tables)
data_filter_options = cached(tables.data_filter_options)

# Options and defaults of the pickers
map_years = cached(project_views.map_years)
default_map_year = cached(project_views.default_map_year)
map_partners = cached(project_views.map_partners)
map_indicators = cached(project_views.map_indicators)
volume_indicators = cached(project_views.volume_indicators)
projects_with_volumes = cached(project_views.projects_with_volumes)
default_volume_project = cached(project_views.default_volume_project)
indicators_with_data = cached(tables.indicators_with_data)
default_investment = cached(views.default_investment)
default_years = cached(views.default_years)
year_bounds = cached(frames.year_bounds)
entity_names = cached(fmt.entity_names)
counterparts = cached(roles.counterparts)
default_partners = cached(roles.default_partners)
reporters = cached(roles.reporters)


def _data_rows(
    ds: Dataset,
    *,
    indicators: Sequence[str] = (),
    partners: Sequence[str] = (),
    years: tuple[int, int] | None = None,
    sources: Sequence[str] = (),
    text: str = "",
) -> pd.DataFrame:
    """The Data page's rows: a selection from the cached table of every datapoint, so a new
    filter does not format and cite 100,000 rows again."""
    return tables.data_rows(
        ds,
        indicators=indicators,
        partners=partners,
        years=years,
        sources=sources,
        text=text,
        table=data_table(ds),
    )


data_rows = cached(_data_rows, large=True)
