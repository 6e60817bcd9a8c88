"""Views of projects: the map with its partners, series and years, the timeline, projects by
status and each project's volume series."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from indicators.charts import maps, timeline
from indicators.charts.views import context, stamp
from indicators.dataset import Dataset
from indicators.frames import projects as P
from indicators.frames import roles as R
from indicators.frames import tidy as F


def map_partners(ds: Dataset) -> list[str]:
    """The countries the map shades: the focus's counterparts that are not groups."""
    groups = R.groups(ds)
    return [p for p in R.counterparts(ds, ds.relationship.focus) if p not in groups]


def map_series(ds: Dataset, indicator: str | None = None, year: int | None = None) -> pd.DataFrame:
    """The focus's figures with each counterpart, for the map's shading."""
    indicator = indicator or R.trade_measure(ds, "total") or ""
    return F.series(
        ds,
        indicator,
        reporters=[ds.relationship.focus],
        partners=map_partners(ds),
        unit="USD",
        years=(year, year) if year else None,
    )


def map_indicators(ds: Dataset) -> dict[str, str]:
    """The map's shadings: the catalog's trade measures, labelled from the focus's view."""
    return {ind: R.measure_label(ds, role) for role, ind in R.trade_measures(ds).items()}


def map_years(ds: Dataset, indicator: str | None = None) -> list[int]:
    s = map_series(ds, indicator)
    return sorted(int(y) for y in s["year"].unique()) if not s.empty else []


def default_map_year(ds: Dataset, indicator: str | None = None) -> int | None:
    """The latest year in which the most partners have a figure: a map of one country
    shaded is a poor default."""
    s = map_series(ds, indicator)
    if s.empty:
        return None
    counts = s.groupby("year")["partner"].nunique()
    return int(counts[counts == counts.max()].index.max())


def map_view(
    ds: Dataset,
    *,
    indicator: str | None = None,
    year: int | None = None,
    show_projects: bool = True,
    colour_by: str = "kind",
    height: int = 620,
    chart_id: str = "map",
    kinds: Sequence[str] | None = None,
    today: date | None = None,
) -> go.Figure:
    rel = ds.relationship
    indicator = indicator or R.trade_measure(ds, "total") or ""
    if year is None:
        year = default_map_year(ds, indicator)
    values = map_series(ds, indicator, year) if year else map_series(ds, indicator).iloc[0:0]
    projects = ds.projects
    if kinds:
        projects = projects[projects["kind"].isin(kinds)]
    figures = ds.observations[ds.observations["project"].notna()]
    ind_name = map_indicators(ds).get(indicator) or R.indicator_name(ds, indicator)
    focus = R.name(ds, rel.focus)
    return stamp(
        maps.build_map(
            values,
            projects,
            **context(ds),
            focus=rel.focus,
            indicator_name=ind_name,
            year=year,
            figures=figures,
            title="Trade and connectivity" if show_projects else "Trade by partner",
            subtitle=f"{ind_name} with {focus} in {year or 'n/a'} ({focus}'s data, US dollars)"
            + ("; corridor and infrastructure projects" if show_projects else ""),
            chart_id=chart_id,
            colour_by=colour_by,
            show_projects=show_projects,
            height=height,
            today=today,
        ),
        ds,
    )


def timeline_view(
    ds: Dataset,
    *,
    kinds: Sequence[str] | None = None,
    top_level_only: bool = False,
    show_events: bool = True,
    today: date | None = None,
    chart_id: str = "timeline",
) -> go.Figure:
    rows = P.gantt_rows(ds, today)
    if kinds:
        rows = rows[rows["kind"].isin(kinds)]
    if top_level_only:
        rows = rows[rows["part_of"].isna()]
    return stamp(
        timeline.build_gantt(
            rows,
            milestones=ds.milestones,
            events=ds.events if show_events else None,
            sources=ds.sources,
            projects=ds.projects,
            subtitle="From the start of construction (else the first dated status or milestone) "
            "to completion, or to today while under way",
            chart_id=chart_id,
            today=today,
        ),
        ds,
    )


def status_view(ds: Dataset) -> go.Figure:
    return stamp(
        timeline.build_status_bars(
            ds.projects,
            sources=ds.sources,
            subtitle="Corridor and infrastructure projects (sections counted with their project)",
        ),
        ds,
    )


def _volume_points(ds: Dataset) -> pd.DataFrame:
    """Every project's volume datapoints that a volume chart can draw."""
    obs = ds.observations
    if obs.empty:
        return obs
    return obs[
        obs["project"].notna()
        & obs["indicator"].isin(R.volume_indicators(ds))
        & (obs["basis"] == "actual")
        & ~obs["period_kind"].isin(["cumulative"])
    ]


def _ranked_series(points: pd.DataFrame) -> list[tuple[str, str]]:
    """(project, indicator) pairs, the longest series first: most years, then most points."""
    if points.empty:
        return []
    g = (
        points.groupby(["project", "indicator"])
        .agg(years=("year", "nunique"), n=("year", "size"))
        .reset_index()
    )
    g = g.sort_values(
        ["years", "n", "project", "indicator"], ascending=[False, False, True, True], kind="stable"
    )
    return list(zip(g["project"], g["indicator"], strict=True))


def volume_indicators(ds: Dataset, project: str) -> list[str]:
    """A project's volume series, the longest first."""
    pts = _volume_points(ds)
    return [i for p, i in _ranked_series(pts[pts["project"] == project])] if not pts.empty else []


def default_volume_project(ds: Dataset) -> str | None:
    """The project with the longest volume series."""
    ranked = _ranked_series(_volume_points(ds))
    return ranked[0][0] if ranked else None


def volumes_view(
    ds: Dataset,
    *,
    project: str | None = None,
    indicator: str | None = None,
    chart_id: str = "project-volumes",
) -> go.Figure:
    project = project or default_volume_project(ds) or ""
    options = volume_indicators(ds, project)
    indicator = indicator or (options[0] if options else "")
    obs = ds.observations
    sub = obs[
        (obs["project"] == project)
        & (obs["indicator"] == indicator)
        & (obs["basis"] == "actual")
        & ~obs["period_kind"].isin(["cumulative"])
    ]
    points = F.representatives(sub, ds.sources)
    pname = ds.projects.loc[ds.projects["id"] == project, "name"]
    name = str(pname.iloc[0]) if not pname.empty else "No project"
    what = R.indicator_name(ds, indicator).lower() if indicator else "no volume series"
    return stamp(
        timeline.build_volume_series(
            points,
            **context(ds),
            title=f"{name}: {what}",
            subtitle="Volumes by period as stated by the sources",
            chart_id=chart_id,
        ),
        ds,
    )


def projects_with_volumes(ds: Dataset) -> list[str]:
    """Projects with a volume series (gas, oil, trains…), in the projects' order."""
    pts = _volume_points(ds)
    if pts.empty or ds.projects.empty:
        return []
    present = set(pts["project"])
    return [p for p in ds.projects["id"] if p in present]
