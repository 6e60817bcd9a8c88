"""The site's charts: the dashboard's standard set and a trade and a mirror chart per partner,
each with the datapoints it draws (its CSV) and the table a reader sees beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators.charts import project_views as PV
from indicators.charts import views as V
from indicators.charts.standard import overview_partners, standard_charts
from indicators.dataset import Dataset
from indicators.frames import labels as L
from indicators.frames import projects as P
from indicators.frames import roles as R
from indicators.frames import tables as T
from indicators.frames import trade_tables as TT
from indicators.frames.tidy import year_bounds


@dataclass(frozen=True, slots=True)
class SiteChart:
    """One page of the site: the chart, the datapoints behind it and their table."""

    id: str
    description: str
    figure: go.Figure
    points: pd.DataFrame  # the CSV: the datapoints drawn, with their citations
    table: pd.DataFrame  # the chart's text alternative, in names and words
    app_page: str  # the dashboard page that shows it, for a link to the live view
    app_query: dict[str, str]


def _observations(points: pd.DataFrame, ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    return T.chart_points(points, ds), L.datapoints(points, ds)


def _investment_points(ds: Dataset) -> pd.DataFrame:
    indicators = V.default_investment(ds)
    return T.investment_points(
        ds,
        partners=list(ds.relationship.declared),
        indicators=indicators,
        years=year_bounds(ds, indicators or None),
    )


def _volume_points(ds: Dataset) -> pd.DataFrame:
    project = PV.default_volume_project(ds)
    if project is None:
        return ds.observations.head(0)
    return P.volume_points(ds, project, PV.volume_indicators(ds, project)[0])


def _gantt(ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Timeline's bars (every kind, main projects only) and their table."""
    rows = P.gantt_shown(P.gantt_rows(ds), P.project_kinds(ds), top_only=True)
    return rows, P.gantt_table(rows, ds.sources)


# Per chart id of the standard set: (the datapoints it draws, the app's page, its query).
_DATA: dict[str, tuple[Callable[[Dataset], tuple[pd.DataFrame, pd.DataFrame]], str]] = {
    "overview-trade": (
        lambda d: _observations(
            V.trade_points(d, partners=overview_partners(d), years=V.default_years(d)), d
        ),
        "",
    ),
    "overview-map": (
        lambda d: _observations(PV.map_series(d, None, PV.default_map_year(d)), d),
        "",
    ),
    "project-status": (lambda d: (P.status_points(d), P.projects_table(d)), ""),
    "trade-timeline": (
        lambda d: _observations(V.trade_points(d, years=V.default_years(d)), d),
        "trade",
    ),
    "trade-mirror": (lambda d: (V.mirror_view(d)[1], TT.mirror_rows(d)), "trade"),
    "investment": (lambda d: _observations(_investment_points(d), d), "investment"),
    "map": (lambda d: _observations(PV.map_series(d, None, PV.default_map_year(d)), d), "map"),
    "timeline": (_gantt, "timeline"),
    "project-volumes": (lambda d: _observations(_volume_points(d), d), "timeline"),
}


def site_charts(ds: Dataset) -> list[SiteChart]:
    """The standard set, then per partner its trade and its mirror statistics."""
    out = []
    for c in standard_charts(ds):
        data, page = _DATA[c.id]
        points, table = data(ds)
        out.append(SiteChart(c.id, c.description, c.build(ds), points, table, page, {}))
    focus = R.name(ds, ds.relationship.focus)
    years = V.default_years(ds)
    for p in ds.relationship.partners:
        name, slug = R.name(ds, p), p.lower()
        points = V.trade_points(ds, partners=[p], years=years)
        if not points.empty:  # no page for a chart that draws nothing
            out.append(
                SiteChart(
                    f"trade-{slug}",
                    f"Trade: {focus} with {name}, total trade by year",
                    V.trade_view(ds, partners=[p], chart_id=f"trade-{slug}"),
                    *_observations(points, ds),
                    "trade",
                    {"partners": p, "from": str(years[0]), "to": str(years[1])},
                )
            )
        mirror, pairs = V.mirror_view(ds, partners=[p], chart_id=f"mirror-{slug}")
        if not pairs.empty:
            out.append(
                SiteChart(
                    f"mirror-{slug}",
                    f"Trade: {focus}'s and {name}'s statistics of the same trade",
                    mirror,
                    pairs,
                    TT.mirror_rows(ds, partners=[p]),
                    "trade",
                    {"partners": p},
                )
            )
    return out
