"""Trade: by partner over time, exports/imports/balance, shares, partial periods, mirror
statistics, with the relationship's events on the time axis; from any reporter's view."""

from __future__ import annotations

import streamlit as st

from dashboard import cached, state, ui
from indicators import Dataset
from indicators.frames import labels, roles, tables
from indicators.frames import tidy as F


def render() -> None:
    ds = ui.current_dataset()
    rel = ds.relationship
    shared = state.shared()
    st.title("Trade")
    measures = roles.measure_options(ds)
    if not measures or not rel.focus:
        st.info(
            "No trade figures yet: the catalog needs indicators with `role: total`, `exports` "
            "or `imports`, and the data a datapoint with a reporter and a partner. See "
            "data/README.md."
        )
        return
    reporters = cached.reporters(ds)
    c0, c1 = st.columns([1, 2])
    view = ui.choose(
        c0,
        "Whose statistics",
        reporters,
        shared.get("view"),
        rel.focus,
        key="trade-view",
        format_func=lambda e: roles.name(ds, e),
    )
    # Another reporter has other counterparts: a picker of its own.
    key = "trade-partners" if view == rel.focus else f"trade-partners-{view}"
    partners = ui.partner_picker(c1, ds, shared, key=key, view=view)
    c2, c3, c6 = st.columns([1, 1, 2])
    measure = ui.choose(
        c2,
        "Measure",
        measures,
        shared.get("measure"),
        measures[0],
        key="trade-measure",
        format_func=lambda m: roles.measure_label(ds, m, view),
    )
    indicator = roles.trade_measures(ds).get(measure) or roles.trade_measures(ds).get("exports")
    periods = ["annual", *cached.partial_labels(ds, indicator or "")]
    period = ui.choose(
        c3,
        "Period",
        periods,
        shared.get("period"),
        "annual",
        key="trade-period",
        format_func=lambda p: "Calendar years" if p == "annual" else f"{p} of each year (partial)",
    )
    bounds = cached.year_bounds(ds, list(roles.trade_measures(ds).values()))
    default_years = cached.default_years(ds)
    years0 = state.pick_range(
        shared.get("from", default_years[0]), shared.get("to", default_years[1]), bounds
    )
    c4, c5, c7 = st.columns(3)
    who = roles.name(ds, view)
    whose = ["view", "partner", "both"]
    whose_names = {"view": f"{who}'s", "partner": "Partners' own", "both": "Both (mirror)"}
    reporter = ui.choose(
        c4,
        "Whose figures",
        whose,
        shared.get("whose"),
        "view",
        key="trade-reporter",
        format_func=whose_names.__getitem__,
    )
    styles = ["line", "bar", "stacked"]
    style = ui.choose(
        c5,
        "Chart",
        styles,
        shared.get("style"),
        "line",
        key="trade-style",
        format_func=str.capitalize,
    )
    if bounds[0] < bounds[1]:
        ui.caption_label(c6, "Years")
        years = c6.slider(
            "Years", bounds[0], bounds[1], years0, key="trade-years", label_visibility="collapsed"
        )
    else:
        years = bounds
    share = c7.toggle(
        "Share of total",
        value=state.flag(shared.get("share"), False),
        key="trade-share",
        disabled=not (rel.group and view == rel.focus),
    )
    show_events = c7.toggle(
        "Events", value=state.flag(shared.get("events"), True), key="trade-events"
    )
    show_targets = c7.toggle(
        "Targets",
        value=state.flag(shared.get("targets"), True),
        key="trade-targets",
        help="Targets after the chosen years widen the time axis; the subtitle says so.",
    )
    state.publish(
        view=view,
        partners=partners,
        measure=measure,
        period=period,
        whose=reporter,
        style=style,
        share=share,
        events=show_events,
        targets=show_targets,
        **{"from": years[0], "to": years[1]},
    )
    if not partners:
        st.info("Choose at least one partner.")
        return
    fig = cached.trade_view(
        ds,
        partners=partners,
        measure=measure,
        view=view,
        reporter=reporter,
        style=style,
        share=share,
        years=tuple(years),
        period=period,
        show_events=show_events,
        show_targets=show_targets,
    )
    points = cached.trade_points(
        ds,
        partners=partners,
        measure=measure,
        view=view,
        reporter=reporter,
        period=period,
        years=tuple(years),
    )
    ui.chart(
        fig,
        key="trade-chart",
        data=lambda: tables.chart_points(points, ds),
        table=lambda: labels.datapoints(points, ds),
        empty="No datapoint matches these filters: choose other partners, years or a "
        "calendar-year period.",
    )
    st.header("Mirror statistics")
    st.caption(ui.md(F.MIRROR_NOTE))
    mfig, table = cached.mirror_view(ds, partners=partners, years=tuple(years), view=view)
    if table.empty:
        st.info(
            f"No pair has both {ui.md(who)}'s and the partner's figure for the same period in "
            "these years."
        )
    else:
        shown = cached.mirror_rows(ds, partners=partners, years=tuple(years), view=view)
        ui.chart(mfig, key="trade-mirror", data=table, table=shown)
    _growth(ds, partners, tuple(years), view)


def _growth(ds: Dataset, partners: list[str], years: tuple[int, int], view: str) -> None:
    """Growth rates stated by sources next to the growth derived from the levels."""
    table = cached.stated_growth(ds, list(partners), tuple(years), view)
    if table.empty:
        return
    view = ui.folded(
        f"Growth rates stated by the sources ({len(table)}), next to the growth "
        "derived from the levels",
        key="trade-growth",
    )
    if view is not None:
        with view:
            st.dataframe(table, hide_index=True, width="stretch")


ui.guard(render)
