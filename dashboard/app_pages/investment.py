"""Investment: stocks, cumulative totals, flows and pledges, qualifiers kept."""

from __future__ import annotations

import streamlit as st

from dashboard import cached, state, ui


def render() -> None:
    ds = ui.current_dataset()
    shared = state.shared()
    st.title("Investment")
    inds = ds.indicators[ds.indicators["topic"] == "investment"]
    available = cached.call(ds, "indicators_with_data", "investment")
    label = dict(zip(inds["id"], inds["name"], strict=True))
    if not available:
        st.info("No investment figures yet: add datapoints of an indicator with "
                "`topic: investment` in the catalog (see data/README.md).")
        return
    c1, c2, c3 = st.columns([3, 3, 2])
    partners = ui.partner_picker(c1, ds, shared, key="investment-partners")
    default_inds = cached.call(ds, "default_investment")
    chosen = c2.multiselect(
        "Indicators",
        available,
        default=default_inds,
        format_func=lambda i: label.get(i, i),
        key="investment-indicators",
    )
    pledges = c3.toggle("Pledges and targets", value=True, key="investment-pledges")
    bounds = cached.call(ds, "year_bounds", available or None)
    years = ui.years_slider(st, bounds, shared, key="investment-years")
    state.publish(partners=partners, **{"from": years[0], "to": years[1]})
    if not partners or not chosen:
        st.info("Choose at least one partner and one indicator.")
        return
    fig = cached.call(
        ds,
        "investment_view",
        partners=partners,
        indicators=chosen,
        years=tuple(years),
        include_pledges=pledges,
    )
    shown = cached.call(
        ds, "investment_points", partners=partners, indicators=chosen, years=tuple(years)
    )
    ui.chart(fig, key="investment-chart", data=lambda: ui.chart_frame(shown, ds))
    st.subheader("Datapoints")
    st.dataframe(
        shown[["indicator", "reporter", "partner", "period", "figure", "basis", "citation",
               "locator", "note"]],
        hide_index=True,
        width="stretch",
    )


ui.guard(render)
