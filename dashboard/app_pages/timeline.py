"""Timeline: projects as a Gantt with their milestones, the relationship's events on the same
axis, and each project's volume series."""

from __future__ import annotations

import streamlit as st

from dashboard import cached, ui


def render() -> None:
    ds = ui.current_dataset()
    st.title("Timeline")
    kinds = sorted(ds.projects["kind"].unique()) if not ds.projects.empty else []
    c1, c2, c3 = st.columns([4, 2, 2])
    chosen = c1.multiselect(
        "Project kinds",
        kinds,
        default=kinds,
        format_func=lambda k: k.replace("_", " "),
        key="timeline-kinds",
    )
    top = c2.toggle(
        "Main projects only",
        value=True,
        key="timeline-top",
        help="Hide sections and lines that belong to a larger project",
    )
    show_events = c3.toggle("Events", value=True, key="timeline-events")
    fig = cached.call(
        ds, "timeline_view", kinds=chosen, top_level_only=top, show_events=show_events
    )
    rows = cached.call(ds, "gantt_rows")
    ui.chart(fig, key="timeline-chart", data=lambda: rows[rows["kind"].isin(chosen)])
    st.subheader("Events of the relationship")
    events = cached.call(ds, "events_table")
    if not events.empty:
        st.dataframe(events, hide_index=True, width="stretch")
    st.subheader("Volumes by project")
    with_volumes = cached.call(ds, "projects_with_volumes")
    if not with_volumes:
        st.caption("No project has a volume series.")
        return
    pname = dict(zip(ds.projects["id"], ds.projects["name"], strict=True))
    longest = cached.call(ds, "default_volume_project")
    c4, c5 = st.columns(2)
    project = c4.selectbox(
        "Project",
        with_volumes,
        format_func=lambda p: pname.get(p, p),
        index=with_volumes.index(longest) if longest in with_volumes else 0,
        key="timeline-project",
    )
    options = cached.call(ds, "volume_indicators", project)
    inames = dict(zip(ds.indicators["id"], ds.indicators["name"], strict=True))
    indicator = c5.selectbox(
        "Series", options, format_func=lambda i: inames.get(i, i), key="timeline-indicator"
    )
    vfig = cached.call(ds, "volumes_view", project=project, indicator=indicator)
    obs = ds.observations
    ui.chart(
        vfig,
        key="timeline-volumes",
        data=lambda: ui.chart_frame(
            obs[(obs["project"] == project) & (obs["indicator"] == indicator)], ds
        ),
    )


ui.guard(render)
