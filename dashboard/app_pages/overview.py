"""Overview: the headline figures, each with its source, a small timeline and a small map."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import cached, ui
from indicators.charts import standard
from indicators.frames import labels, projects, roles, summary, tables


def render() -> None:
    ds = ui.current_dataset()
    rel = ds.relationship
    st.title(ui.md(rel.title))
    st.caption(ui.md(rel.description))
    pair = roles.counterparts_label(ds)
    whole = rel.group or (rel.partners[0] if rel.partners else "")
    total = roles.trade_measures(ds).get("total")
    cols = st.columns(4)
    trade = cached.headline(ds, total, rel.focus, whole, "trade") if total and whole else None
    with cols[0]:
        _card(
            "trade",
            f"Trade, {pair}, {trade.period}" if trade else f"Trade, {pair}",
            trade.value_text if trade else "no data",
            trade.delta_text if trade else None,
            summary.source_line(trade),
        )
    invest = summary.latest_headline(
        [
            cached.headline(ds, i, rel.focus, whole, "investment", annual=False)
            for i in roles.headline_indicators(ds, "investment")
        ]
        if whole
        else []
    )
    with cols[1]:
        label = roles.indicator_name(ds, invest.indicator) if invest else "Investment"
        _card(
            "investment",
            f"{label}, {invest.period}" if invest else "Investment",
            invest.value_text if invest else "no data",
            None,
            summary.source_line(invest),
        )
    with cols[2]:
        counts = summary.project_counts(ds)
        _card("projects", "Projects operational", str(counts.operational), None, counts.breakdown())
    with cols[3]:
        last = summary.milestone(ds, date.today())
        if last is None:
            _card("milestone", "Latest milestone", "none", None, "No event is recorded.")
        else:
            _card("milestone", "Latest milestone", last.date, None, last.text)
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
