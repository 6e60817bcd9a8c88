"""Map: partner countries shaded by an indicator for a year; corridors and infrastructure
as routes and points. Selecting a country or a project fills the side panel."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import cached, state, ui
from indicators import Dataset
from indicators.frames import labels, projects, tables


def render() -> None:
    ds = ui.current_dataset()
    names = cached.entity_names(ds)
    shared = state.shared()
    st.title("Map")
    shadings = cached.map_indicators(ds)
    options = list(shadings)
    c1, c2, c3, c4 = st.columns([2, 4, 2, 2])
    indicator = (
        ui.choose(
            c1,
            "Shade countries by",
            options,
            shared.get("indicator"),
            options[0],
            key="map-indicator",
            format_func=shadings.__getitem__,
        )
        if options
        else None
    )
    years = cached.map_years(ds, indicator)
    default_year = cached.default_map_year(ds, indicator)
    year = None
    if len(years) > 1:
        wanted = shared.get("year")
        ui.caption_label(c2, "Year")
        year = c2.select_slider(
            "Year",
            years,
            value=wanted if wanted in years else default_year,
            key="map-year",
            label_visibility="collapsed",
        )
    elif years:
        year = years[0]
        c2.caption(f"Only {year} has data for this indicator.")
    colourings = ["kind", "status"]
    colour_by = ui.choose(
        c3,
        "Colour routes by",
        colourings,
        shared.get("colour"),
        "kind",
        key="map-colour",
        format_func=str.capitalize,
    )
    show_projects = c4.toggle(
        "Projects", value=state.flag(shared.get("projects"), True), key="map-projects"
    )
    state.publish(indicator=indicator, year=year, colour=colour_by, projects=show_projects)
    fig = cached.map_view(
        ds,
        indicator=indicator,
        year=year,
        show_projects=show_projects,
        colour_by=colour_by,
    )
    values = cached.map_series(ds, indicator, year)
    event = ui.chart(
        fig,
        key="map-chart",
        data=lambda: tables.chart_points(values, ds),
        table=lambda: labels.datapoints(values, ds),
        on_select="rerun",
        selection_mode=("points",),
    )
    # Below the map: the page is one chart wide.
    st.header("Details")
    selected = _details_picker(ds, shared, _selected(event), show_projects)
    _panel(ds, selected, names, year)


def _details_picker(
    ds: Dataset, shared: dict[str, Any], clicked: str | None, show_projects: bool
) -> str | None:
    """What the panel shows: picked here (by keyboard too) or by a click on the map, which
    moves this picker to it. Kept in the URL as ``select``."""
    choices = projects.detail_choices(ds, cached.map_partners(ds), show_projects)
    options = ["", *choices]
    # A new click wins once; afterwards the picker keeps whatever the reader chooses.
    if clicked and clicked in options and clicked != st.session_state.get("map-last-click"):
        st.session_state["map-last-click"] = clicked
        st.session_state["map-select"] = clicked
    if st.session_state.get("map-select") not in options:
        st.session_state.pop("map-select", None)  # a project hidden, another dataset
    if "map-select" not in st.session_state:
        st.session_state["map-select"] = state.pick_one(shared.get("select"), options, "")
    ui.caption_label(st, "Details for")
    choice = st.selectbox(
        "Details for",
        options,
        format_func=lambda o: choices.get(o) or "Choose a country or project…",
        key="map-select",
        label_visibility="collapsed",
    )
    if choice:
        state.publish(select=choice)
    else:
        state.forget("select")
    return choice or None


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
        st.caption(
            "Choose a country or a project above, or click one on the map, to see its "
            "datapoints, status history and milestones here."
        )
        return
    if selected in names:
        st.subheader(ui.md(names[selected]))
        mine = projects.entity_datapoints(ds, selected, year)
        st.caption(f"{len(mine)} datapoint(s){f' for {year}' if year else ''}")
        _table(labels.datapoints(mine, ds))
        return
    p = projects.project_row(ds, selected)
    if p is None:
        st.caption("Nothing is recorded for this selection.")
        return
    st.subheader(ui.md(p["name"]))
    st.caption(ui.md(projects.status_line(p)))
    st.markdown("**Status history**")
    _table(labels.status_history(p["status_history"], ds))
    ms = projects.milestones_table(ds, selected)
    if not ms.empty:
        st.markdown("**Milestones**")
        _table(ms)
    figs = projects.project_datapoints(ds, selected)
    if not figs.empty:
        st.markdown("**Figures**")
        _table(labels.datapoints(figs, ds))
    options = cached.volume_indicators(ds, selected)
    if options:
        vfig = cached.volumes_view(ds, project=selected, indicator=options[0])
        ui.chart(vfig, key=f"map-volumes-{selected}")


def _table(frame: pd.DataFrame) -> None:
    st.dataframe(frame, hide_index=True, width="stretch", column_config=ui.link_columns(frame))


ui.guard(render)
