"""Overview: the headline figures, each with its source, a small timeline and a small map."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import loading, ui
from indicators import Dataset, views
from indicators import frames as F


def render() -> None:
    ds = loading.dataset()
    st.title("China–Central Asia economic ties")
    st.caption("Trade, investment, corridors and the milestones of the relationship, as "
               "public reports state them.")
    cols = st.columns(4)
    trade = F.headline(ds, "trade_total", "CHN", "C5", "China–Central Asia trade")
    with cols[0]:
        if trade:
            st.metric(f"Trade with Central Asia, {trade.period}", trade.value_text,
                      trade.delta_text, delta_color="off" if trade.delta_text is None
                      else "normal", help="China's customs; total of exports and imports")
            st.caption(f"Source: {ui.md(trade.source)}"
                       + (f" (+{trade.n_sources - 1} agreeing or other)"
                          if trade.n_sources > 1 else ""))
        else:
            st.metric("Trade with Central Asia", "no data")
    invest = (F.headline(ds, "investment_cumulative", "CHN", "C5", "investment", annual=False)
              or F.headline(ds, "fdi_stock", "CHN", "C5", "investment", annual=False))
    with cols[1]:
        if invest:
            st.metric(f"Chinese investment, {invest.period}", invest.value_text,
                      help="Cumulative investment as stated, qualifier kept")
            st.caption(f"Source: {ui.md(invest.source)}")
        else:
            st.metric("Chinese investment", "no data")
    with cols[2]:
        top = ds.projects[ds.projects["part_of"].isna()] if not ds.projects.empty else ds.projects
        counts = top["status"].value_counts() if not top.empty else {}
        st.metric("Projects operational", int(counts.get("operational", 0)))
        st.caption(f"{int(counts.get('under_construction', 0))} under construction · "
                   f"{int(counts.get('planned', 0)) + int(counts.get('agreed', 0))} planned or "
                   f"agreed · {len(top)} in all")
    with cols[3]:
        _milestones(ds)
    left, right = st.columns([3, 2])
    with left:
        fig = views.trade_view(ds, partners=("C5",), chart_id="overview-trade", height=380)
        ui.chart(fig, key="overview-trade", data=ui.chart_frame(
            views.trade_points(ds, partners=("C5",), years=views.default_years(ds)), ds))
    with right:
        fig = views.map_view(ds, show_projects=False, chart_id="overview-map", height=420)
        ui.chart(fig, key="overview-map")
    ui.chart(views.status_view(ds), key="overview-status", data=ds.projects[
        ["id", "name", "kind", "status", "status_as_of", "status_source"]])


def _milestones(ds: Dataset) -> None:
    today = date.today()
    events = ds.events
    if events.empty:
        st.metric("Latest milestone", "none")
        return
    past = events[events["when"].dt.date <= today]
    future = events[events["when"].dt.date > today]
    if not past.empty:
        last = past.iloc[-1]
        st.metric("Latest milestone", F.format_date(last["date"]))
        st.caption(f"{ui.md(last['name'])} · Source: "
                   f"{ui.md(F.source_label(ds.sources, last['source']))}")
    if not future.empty:
        nxt = future.iloc[0]
        st.caption(f"Next: {ui.md(nxt['name'])}, {ui.md(F.format_date(nxt['date']))}")
    else:
        st.caption("No future milestone is dated in the data.")


ui.guard(render)
