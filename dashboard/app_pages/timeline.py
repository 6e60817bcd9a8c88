"""Timeline: projects as a Gantt with their milestones, the relationship's events on the same
axis, and each project's volume series."""

from __future__ import annotations

import streamlit as st

from dashboard import cached, state, ui
from indicators.frames import labels, projects, tables


def render() -> None:
    ds = ui.current_dataset()
    shared = state.shared()
    st.title("Timeline")
    # Also the page's first large text: on a phone the chart's title block was the largest
    # element on screen, and it paints only once Plotly has loaded (Lighthouse's LCP, 20 s).
    st.caption(
        "Each project on one time axis: a bar from the start of construction (else its first "
        "dated status or milestone) to completion, or to today while under way (hatched), "
        "coloured by its latest status; its milestones as diamonds and the relationship's "
        "events as numbered lines. Below, one project's volumes over time."
    )
    kinds = projects.project_kinds(ds)
    c1, c2, c3 = st.columns([4, 2, 2])
    ui.caption_label(c1, "Project kinds")
    chosen = c1.multiselect(
        "Project kinds",
        kinds,
        default=state.pick_list(shared.get("kinds"), kinds, kinds),
        format_func=labels.word,
        key="timeline-kinds",
        label_visibility="collapsed",
    )
    top = c2.toggle(
        "Main projects only",
        value=state.flag(shared.get("top"), True),
        key="timeline-top",
        help="Hide sections and lines that belong to a larger project",
    )
    show_events = c3.toggle(
        "Events", value=state.flag(shared.get("events"), True), key="timeline-events"
    )
    state.publish(kinds=chosen, top=top, events=show_events)
    fig = cached.timeline_view(ds, kinds=chosen, top_level_only=top, show_events=show_events)
    shown = projects.gantt_shown(cached.gantt_rows(ds), chosen, top)
    ui.chart(
        fig,
        key="timeline-chart",
        data=lambda: shown,
        table=lambda: projects.gantt_table(shown, ds.sources),
        empty="No project of these kinds: choose other kinds, or add projects to the data.",
    )
    st.header("Events of the relationship")
    events = cached.events_table(ds)
    if events.empty:
        st.caption("No event is recorded.")
    else:
        st.dataframe(events, hide_index=True, width="stretch")
    st.header("Volumes by project")
    with_volumes = cached.projects_with_volumes(ds)
    if not with_volumes:
        st.caption("No project has a volume series.")
        return
    pname = projects.project_names(ds)
    longest = cached.default_volume_project(ds)
    c4, c5 = st.columns(2)
    project = ui.choose(
        c4,
        "Project",
        with_volumes,
        shared.get("project"),
        longest if longest in with_volumes else with_volumes[0],
        key="timeline-project",
        format_func=lambda p: pname.get(p, p),
    )
    options = cached.volume_indicators(ds, project)
    indicator = ui.choose(
        c5,
        "Series",
        options,
        shared.get("series"),
        options[0],
        key=f"timeline-indicator-{ui.chart_box(project)}",
        format_func=lambda i: labels.of(ds).indicators.get(i, i),
    )
    state.publish(project=project, series=indicator)
    vfig = cached.volumes_view(ds, project=project, indicator=indicator)
    picked = cached.volume_points(ds, project, indicator)
    ui.chart(
        vfig,
        key="timeline-volumes",
        data=lambda: tables.chart_points(picked, ds),
        table=lambda: labels.datapoints(picked, ds),
    )


ui.guard(render)
