"""Trade: by partner over time, exports/imports/balance, shares, partial periods, mirror
statistics, with the relationship's events on the time axis."""

from __future__ import annotations

import streamlit as st

from dashboard import cached, state, ui
from indicators import Dataset, views
from indicators import frames as F


def render() -> None:
    ds = ui.current_dataset()
    names = cached.call(ds, "entity_names")
    shared = state.shared()
    st.title("Trade")
    bounds = cached.call(ds, "year_bounds", ["trade_total", "exports", "imports"])
    default_years = cached.call(ds, "default_years")
    years0 = state.pick_range(
        shared.get("from", default_years[0]), shared.get("to", default_years[1]), bounds
    )
    c1, c2, c3 = st.columns([3, 2, 2])
    partners = ui.partner_picker(c1, names, shared, key="trade-partners")
    measure = c2.selectbox(
        "Measure",
        list(views.MEASURE_LABELS),
        index=list(views.MEASURE_LABELS).index(
            state.pick_one(shared.get("measure"), list(views.MEASURE_LABELS), "total")
        ),
        format_func=views.MEASURE_LABELS.get,
        key="trade-measure",
    )
    periods = [
        "annual",
        *cached.call(ds, "partial_labels", views.MEASURES.get(measure, "trade_total")),
    ]
    period = c3.selectbox(
        "Period",
        periods,
        index=periods.index(state.pick_one(shared.get("period"), periods, "annual")),
        format_func=lambda p: "Calendar years" if p == "annual" else f"{p} of each year (partial)",
        key="trade-period",
    )
    c4, c5, c6, c7 = st.columns([2, 2, 3, 2])
    reporter = c4.radio(
        "Whose figures",
        ["CHN", "partner", "both"],
        format_func={
            "CHN": "China's customs",
            "partner": "Partners' own",
            "both": "Both (mirror)",
        }.get,
        key="trade-reporter",
    )
    style = c5.radio("Chart", ["line", "bar", "stacked"], horizontal=True, key="trade-style")
    years = (
        c6.slider("Years", bounds[0], bounds[1], years0, key="trade-years")
        if bounds[0] < bounds[1]
        else bounds
    )
    share = c7.toggle("Share of total", key="trade-share")
    show_events = c7.toggle("Events", value=True, key="trade-events")
    state.publish(
        partners=partners, measure=measure, period=period, **{"from": years[0], "to": years[1]}
    )
    if not partners:
        st.info("Choose at least one partner.")
        return
    fig = cached.call(
        ds,
        "trade_view",
        partners=partners,
        measure=measure,
        reporter=reporter,
        style=style,
        share=share,
        years=tuple(years),
        period=period,
        show_events=show_events,
    )
    points = cached.call(
        ds,
        "trade_points",
        partners=partners,
        measure=measure,
        reporter=reporter,
        period=period,
        years=tuple(years),
    )
    ui.chart(fig, key="trade-chart", data=lambda: ui.chart_frame(points, ds))
    if points.empty:
        st.info("No datapoint matches these filters.")
    st.subheader("Mirror statistics")
    st.caption(ui.md(F.MIRROR_NOTE))
    mirror_partners = [p for p in partners if p != "C5"] or list(views.PARTNERS)
    mfig, table = cached.call(ds, "mirror_view", partners=mirror_partners, years=tuple(years))
    if table.empty:
        st.info(
            "No pair has both China's and the partner's figure for the same period in these years."
        )
    else:
        ui.chart(mfig, key="trade-mirror", data=table)
        shown = cached.call(ds, "mirror_rows", partners=mirror_partners, years=tuple(years))
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            column_config={
                "china": "China's figure",
                "own": "Partner's figure",
                "gap": "Gap",
                "china_source": "China's source",
                "partner_source": "Partner's source",
            },
        )
    _growth(ds, partners, tuple(years))


def _growth(ds: Dataset, partners: list[str], years: tuple[int, int]) -> None:
    """Growth rates stated by sources next to the growth derived from the levels."""
    table = cached.call(ds, "stated_growth", list(partners), tuple(years))
    if table.empty:
        return
    with st.expander(
        f"Growth rates stated by the sources ({len(table)}), next to the growth "
        "derived from the levels"
    ):
        st.dataframe(table, hide_index=True, width="stretch")


ui.guard(render)
