"""Investment: stocks, cumulative totals, flows and pledges, qualifiers kept."""

from __future__ import annotations

import streamlit as st

from dashboard import cached, state, ui
from indicators.frames import roles, tables


def render() -> None:
    ds = ui.current_dataset()
    shared = state.shared()
    st.title("Investment")
    # Also the page's first large text (see the Timeline's): on a phone the chart's title
    # block, drawn once Plotly has loaded, was otherwise the largest element on screen.
    st.caption(
        "Investment figures as their sources state them, each at the date it refers to. A "
        "marker's shape says how the source qualifies the figure (a lower bound, an "
        "approximation); pledges and targets can be switched off. The table below lists "
        "every datapoint of the chosen indicators, including those the chart leaves out."
    )
    available = cached.indicators_with_data(ds, "investment")
    if not available:
        st.info(
            "No investment figures yet: add datapoints of an indicator with "
            "`topic: investment` in the catalog (see data/README.md)."
        )
        return
    c1, c2, c3 = st.columns([3, 3, 2])
    partners = ui.partner_picker(c1, ds, shared, key="investment-partners")
    ui.caption_label(c2, "Indicators")
    chosen = c2.multiselect(
        "Indicators",
        available,
        default=state.pick_list(shared.get("inds"), available, cached.default_investment(ds)),
        format_func=lambda i: roles.indicator_name(ds, i),
        key="investment-indicators",
        label_visibility="collapsed",
    )
    pledges = c3.toggle(
        "Pledges and targets",
        value=state.flag(shared.get("pledges"), True),
        key="investment-pledges",
    )
    bounds = cached.year_bounds(ds, available or None)
    years = ui.years_slider(st, bounds, shared, key="investment-years")
    state.publish(
        partners=partners, inds=chosen, pledges=pledges, **{"from": years[0], "to": years[1]}
    )
    if not partners or not chosen:
        st.info("Choose at least one partner and one indicator.")
        return
    fig = cached.investment_view(
        ds,
        partners=partners,
        indicators=chosen,
        years=tuple(years),
        include_pledges=pledges,
    )
    shown = cached.investment_points(ds, partners=partners, indicators=chosen, years=tuple(years))
    table = cached.investment_rows(ds, partners=partners, indicators=chosen, years=tuple(years))
    ui.chart(
        fig,
        key="investment-chart",
        data=lambda: tables.chart_points(shown, ds),
        table=table,
        empty="No investment datapoint for these partners, indicators and years.",
    )
    st.header("Datapoints")
    st.caption(
        "Every datapoint of these indicators, partners and years, including those the chart "
        "leaves out (other units, pledges when they are off)."
    )
    st.dataframe(table, hide_index=True, width="stretch", column_config=ui.link_columns(table))


ui.guard(render)
