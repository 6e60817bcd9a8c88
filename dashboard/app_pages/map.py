"""Map: partner countries shaded by an indicator for a year; corridors and infrastructure
as routes and points. Selecting a country or a project fills the side panel."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import cached, state, ui
from indicators import Dataset
from indicators import frames as F


def render() -> None:
    ds = ui.current_dataset()
    names = cached.call(ds, "entity_names")
    shared = state.shared()
    st.title("Map")
    shadings = cached.call(ds, "map_indicators")
    options = list(shadings)
    c1, c2, c3, c4 = st.columns([2, 4, 2, 2])
    indicator = (
        c1.selectbox(
            "Shade countries by",
            options,
            index=options.index(state.pick_one(shared.get("indicator"), options, options[0])),
            format_func=shadings.get,
            key="map-indicator",
        )
        if options
        else None
    )
    years = cached.call(ds, "map_years", indicator)
    default_year = cached.call(ds, "default_map_year", indicator)
    year = None
    if len(years) > 1:
        wanted = shared.get("year")
        year = c2.select_slider(
            "Year", years, value=wanted if wanted in years else default_year, key="map-year"
        )
    elif years:
        year = years[0]
        c2.caption(f"Only {year} has data for this indicator.")
    colour_by = c3.radio("Colour routes by", ["kind", "status"], horizontal=True, key="map-colour")
    show_projects = c4.toggle("Projects", value=True, key="map-projects")
    state.publish(indicator=indicator, year=year)
    fig = cached.call(
        ds,
        "map_view",
        indicator=indicator,
        year=year,
        show_projects=show_projects,
        colour_by=colour_by,
    )
    values = cached.call(ds, "map_series", indicator, year)
    left, right = st.columns([3, 1])
    with left:
        event = ui.chart(
            fig,
            key="map-chart",
            data=lambda: ui.chart_frame(values, ds),
            on_select="rerun",
            selection_mode=("points",),
        )
    with right:
        _panel(ds, _selected(event), names, year)


def _selected(event: Any) -> str | None:
    try:
        points = event.selection.points  # type: ignore[union-attr]
    except AttributeError:
        return None
    for p in points or []:
        if p.get("location"):
            return str(p["location"])
        data = p.get("customdata")
        if isinstance(data, list) and data:
            return str(data[-1])
    return None


def _panel(ds: Dataset, selected: str | None, names: dict[str, str], year: int | None) -> None:
    if selected is None:
        st.subheader("Details")
        st.caption(
            "Click a country or a project on the map to see its datapoints, status "
            "history and milestones here."
        )
        return
    if selected in names:
        st.subheader(ui.md(names[selected]))
        obs = ds.observations
        mine = obs[(obs["partner"] == selected) | (obs["reporter"] == selected)]
        if year:
            mine = mine[mine["year"] == year]
        st.caption(f"{len(mine)} datapoint(s){f' for {year}' if year else ''}")
        st.dataframe(
            _table(ds, mine),
            hide_index=True,
            width="stretch",
            column_config={"url": st.column_config.LinkColumn("link")},
        )
        return
    proj = ds.projects[ds.projects["id"] == selected]
    if proj.empty:
        st.caption("Nothing is recorded for this selection.")
        return
    p = proj.iloc[0]
    st.subheader(ui.md(p["name"]))
    stale = " (possibly stale: not confirmed for over two years)" if p["stale"] else ""
    st.caption(f"{ui.md(F.format_date(p['status_as_of']))}: {ui.md(p['status'])}{stale}")
    st.markdown("**Status history**")
    st.dataframe(
        [
            {
                "status": s["status"],
                "as of": s["as_of"],
                "source": F.source_label(ds.sources, s["source"]),
                "locator": s["locator"],
            }
            for s in p["status_history"]
        ],
        hide_index=True,
        width="stretch",
    )
    ms = ds.milestones[ds.milestones["project"] == selected]
    if not ms.empty:
        st.markdown("**Milestones**")
        st.dataframe(
            ms.assign(source=ms["source"].map(lambda s: F.source_label(ds.sources, s)))[
                ["date", "name", "source", "locator"]
            ],
            hide_index=True,
            width="stretch",
        )
    figs = ds.observations[ds.observations["project"] == selected]
    if not figs.empty:
        st.markdown("**Figures**")
        st.dataframe(
            _table(ds, figs),
            hide_index=True,
            width="stretch",
            column_config={"url": st.column_config.LinkColumn("link")},
        )
    options = cached.call(ds, "volume_indicators", selected)
    if options:
        vfig = cached.call(ds, "volumes_view", project=selected, indicator=options[0])
        ui.chart(vfig, key=f"map-volumes-{selected}")


def _table(ds: Dataset, obs: pd.DataFrame) -> pd.DataFrame:
    return F.with_citations(obs, ds.sources)[
        [
            "indicator",
            "reporter",
            "partner",
            "period",
            "figure",
            "basis",
            "citation",
            "locator",
            "url",
        ]
    ]


ui.guard(render)
