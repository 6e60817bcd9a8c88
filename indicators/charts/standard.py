"""The standard chart set: every chart of the dashboard as a definition that builds it from a
dataset, shared by the export and the changelog."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import plotly.graph_objects as go

from indicators.charts.project_views import (
    default_volume_project,
    map_view,
    status_view,
    timeline_view,
    volume_indicators,
    volumes_view,
)
from indicators.charts.views import investment_view, mirror_view, trade_view
from indicators.dataset import Dataset
from indicators.frames import roles as R


@dataclass(frozen=True, slots=True)
class ChartDef:
    id: str
    description: str
    build: Callable[[Dataset], go.Figure]


def overview_partners(ds: Dataset) -> tuple[str, ...]:
    """The Overview's trade chart: the partners' total, else the first partner."""
    rel = ds.relationship
    return (rel.group,) if rel.group else tuple(rel.partners[:1])


def standard_charts(ds: Dataset | None = None) -> list[ChartDef]:
    """One per dashboard chart, with the dashboard's default filters; described from the
    dataset's relationship where it is given (the ids are the same for every dataset)."""
    rel = ds.relationship if ds is not None else None
    pair = R.counterparts_label(ds) if ds is not None else "the focus with its partners"
    focus = R.name(ds, rel.focus) if ds is not None and rel is not None else "the focus"
    project = default_volume_project(ds) if ds is not None else None
    volumes = "Projects: the longest volume series"
    if ds is not None and project:
        pname = ds.projects.loc[ds.projects["id"] == project, "name"].tolist() or [project]
        series = R.indicator_name(ds, volume_indicators(ds, project)[0]).lower()
        volumes = f"Projects: {series}, {pname[0]}"
    return [
        ChartDef(
            "overview-trade",
            f"Overview: {pair}, total trade by year",
            lambda d: trade_view(
                d,
                partners=overview_partners(d),
                chart_id="overview-trade",
                show_events=True,
                height=380,
            ),
        ),
        ChartDef(
            "overview-map",
            "Overview: trade by partner on the map, latest year",
            lambda d: map_view(d, show_projects=False, chart_id="overview-map", height=460),
        ),
        ChartDef(
            "project-status",
            "Overview: corridor and infrastructure projects by status",
            status_view,
        ),
        ChartDef(
            "trade-timeline",
            "Trade: total trade by partner and year, with summits",
            lambda d: trade_view(d),
        ),
        ChartDef(
            "trade-mirror",
            f"Trade: {focus}'s and partners' statistics side by side",
            lambda d: mirror_view(d)[0],
        ),
        ChartDef(
            "investment",
            "Investment: stocks, cumulative totals and pledges",
            lambda d: investment_view(d),
        ),
        ChartDef(
            "map", "Map: trade shading, corridor routes and project points", lambda d: map_view(d)
        ),
        ChartDef(
            "timeline",
            "Timeline: projects as a Gantt with milestones and events",
            lambda d: timeline_view(d, top_level_only=True),
        ),
        ChartDef("project-volumes", volumes, lambda d: volumes_view(d)),
    ]
