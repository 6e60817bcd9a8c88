"""Overview: the headline figures, each with its source, a small timeline and a small map."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import cached, ui
from indicators.charts import standard
from indicators.frames import labels, projects, summary, tables


def render() -> None:
    ds = ui.current_dataset()
    rel = ds.relationship
    st.title(ui.md(rel.title))
    st.caption(ui.md(rel.description))
    cols = st.columns(4)
    for col, card in zip(cols, summary.cards(ds, date.today(), cached.headline), strict=True):
        with col:
            _card(card.slot, card.label, card.value, card.delta, card.note)
    group = standard.overview_partners(ds)
    fig = cached.trade_view(ds, partners=group, chart_id="overview-trade", height=380)
    points = cached.trade_points(ds, partners=group, years=cached.default_years(ds))
    ui.chart(
        fig,
        key="overview-trade",
        data=lambda: tables.chart_points(points, ds),
        table=lambda: labels.datapoints(points, ds),
    )
    fig = cached.map_view(ds, show_projects=False, chart_id="overview-map", height=460)
    values = cached.map_series(ds, None, cached.default_map_year(ds))
    ui.chart(
        fig,
        key="overview-map",
        data=lambda: tables.chart_points(values, ds),
        table=lambda: labels.datapoints(values, ds),
    )
    ui.chart(
        cached.status_view(ds),
        key="overview-status",
        data=lambda: projects.status_points(ds),
        table=lambda: projects.projects_table(ds),
    )


def _card(slot: str, label: str, value: str, delta: str | None, note: str) -> None:
    """A headline figure that wraps between words instead of truncating: "more than $30 bn"
    must be read whole, qualifier first. Large text, not a heading (the page's outline
    goes from its title to its sections)."""
    with st.container(border=True, key=f"card-{slot}"):
        st.caption(ui.md(label))
        with st.container(key=f"card-value-{slot}"):
            st.markdown(ui.md(value))
        if delta:
            st.caption(f"{ui.md(delta)}")
        st.caption(ui.md(note))


ui.guard(render)
