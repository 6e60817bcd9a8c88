"""Data: every datapoint, searchable and filterable; the CSV is exactly what is shown."""

from __future__ import annotations

import streamlit as st

from dashboard import state, ui
from indicators import consistency
from indicators import frames as F


def render() -> None:
    ds = ui.current_dataset()
    names = F.entity_names(ds)
    shared = state.shared()
    st.title("Data")
    obs = ds.observations
    c1, c2 = st.columns(2)
    indicator_names = dict(zip(ds.indicators["id"], ds.indicators["name"], strict=True))
    ind_options = sorted(obs["indicator"].unique()) if not obs.empty else []
    indicators = c1.multiselect(
        "Indicators",
        ind_options,
        format_func=lambda i: indicator_names.get(i, i),
        key="data-indicators",
    )
    ent_options = sorted(set(obs["partner"].dropna()) | set(obs["reporter"].dropna()))
    partners = c2.multiselect(
        "Countries (as reporter or partner)",
        ent_options,
        default=state.pick_list(shared.get("partners"), ent_options, []),
        format_func=lambda p: names.get(p, p),
        key="data-partners",
    )
    c3, c4, c5 = st.columns([3, 3, 2])
    bounds = F.year_bounds(ds)
    years = (
        c3.slider(
            "Years",
            bounds[0],
            bounds[1],
            state.pick_range(shared.get("from"), shared.get("to"), bounds),
            key="data-years",
        )
        if bounds[0] < bounds[1]
        else bounds
    )
    src_options = sorted(ds.sources["id"]) if not ds.sources.empty else []
    sources = c4.multiselect(
        "Sources",
        src_options,
        format_func=lambda s: F.source_label(ds.sources, s),
        key="data-sources",
    )
    text = c5.text_input(
        "Search", max_chars=200, key="data-search", placeholder="note, project, period…"
    )
    state.publish(partners=partners or None, **{"from": years[0], "to": years[1]})
    shown = F.filter_observations(
        ds, indicators=indicators, partners=partners, years=tuple(years), sources=sources, text=text
    )
    table = F.with_citations(shown, ds.sources)[
        [
            "indicator",
            "reporter",
            "partner",
            "period",
            "figure",
            "value_as_stated",
            "unit_as_stated",
            "qualifier",
            "basis",
            "value",
            "unit",
            "citation",
            "locator",
            "url",
            "note",
            "project",
            "source",
            "file",
            "line",
        ]
    ]
    st.caption(f"{len(table)} of {len(obs)} datapoints")
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=560,
        column_config={
            "url": st.column_config.LinkColumn("source link"),
            "value": st.column_config.NumberColumn("value (canonical)", format="%.6g"),
        },
    )
    st.download_button(
        "Download these rows as CSV",
        table.to_csv(index=False).encode("utf-8"),
        file_name="datapoints.csv",
        mime="text/csv",
        on_click="ignore",
        key="data-csv",
        icon=":material/download:",
    )
    with st.expander(
        "Consistency checks: per-country figures against regional totals, "
        "stated shares against levels"
    ):
        sums = consistency.sums_against_totals(ds)
        st.caption(
            f"Members' sum against the Central Asia total, same reporter and period "
            f"(flagged beyond ±{consistency.TOLERANCE_PCT:g}%)."
        )
        st.dataframe(
            sums.assign(
                total=[F.format_value(v, "USD") for v in sums["total"]],
                sum_of_members=[F.format_value(v, "USD") for v in sums["sum_of_members"]],
                gap_pct=sums["gap_pct"].map(lambda g: f"{g:+.2f}%"),
                total_source=sums["total_source"].map(lambda s: F.source_label(ds.sources, s)),
            ),
            hide_index=True,
            width="stretch",
        )
        shares = consistency.shares_against_levels(ds)
        st.caption("Shares stated by a source against the share the levels give.")
        st.dataframe(
            shares.assign(source=shares["source"].map(lambda s: F.source_label(ds.sources, s))),
            hide_index=True,
            width="stretch",
        )


ui.guard(render)
