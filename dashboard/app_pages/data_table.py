"""Data: every datapoint, searchable and filterable; the CSV holds every matching row (the
table on screen the first tables.DATA_ROWS_SHOWN of them, as its caption says)."""

from __future__ import annotations

import streamlit as st

from dashboard import cached, state, ui
from indicators.frames import consistency, roles, tables
from indicators.frames import formatting as fmt


def render() -> None:
    ds = ui.current_dataset()
    names = cached.entity_names(ds)
    shared = state.shared()
    st.title("Data")
    c1, c2 = st.columns(2)
    ind_options, ent_options, src_options = cached.data_filter_options(ds)
    ui.caption_label(c1, "Indicators")
    indicators = c1.multiselect(
        "Indicators",
        ind_options,
        default=state.pick_list(shared.get("dinds"), ind_options, []),
        format_func=lambda i: roles.indicator_name(ds, i),
        key="data-indicators",
        label_visibility="collapsed",
    )
    ui.caption_label(c2, "Countries (as reporter or partner)")
    partners = c2.multiselect(
        "Countries (as reporter or partner)",
        ent_options,
        default=state.pick_list(shared.get("partners"), ent_options, []),
        format_func=lambda p: names.get(p, p),
        key="data-partners",
        label_visibility="collapsed",
    )
    c3, c4, c5 = st.columns([3, 3, 2])
    bounds = cached.year_bounds(ds)
    years = ui.years_slider(c3, bounds, shared, key="data-years")
    ui.caption_label(c4, "Sources")
    sources = c4.multiselect(
        "Sources",
        src_options,
        default=state.pick_list(shared.get("dsources"), src_options, []),
        format_func=lambda s: fmt.source_label(ds.sources, s),
        key="data-sources",
        label_visibility="collapsed",
    )
    ui.caption_label(c5, "Search")
    text = c5.text_input(
        "Search",
        value=str(shared.get("q") or "")[:200],
        max_chars=200,
        key="data-search",
        label_visibility="collapsed",
        placeholder="note, project, period…",
    )
    state.publish(
        partners=partners or None,
        dinds=indicators or None,
        dsources=sources or None,
        q=text or None,
        **{"from": years[0], "to": years[1]},
    )
    for key, value in (("dinds", indicators), ("dsources", sources), ("q", text)):
        if not value:
            state.forget(key)
    table = cached.data_rows(
        ds,
        indicators=indicators,
        partners=partners,
        years=tuple(years),
        sources=sources,
        text=text,
    )
    limit = tables.DATA_ROWS_SHOWN
    st.caption(tables.data_caption(len(table), len(ds.observations), limit))
    shown = tables.data_shown(table, ds, limit)
    st.dataframe(
        shown, hide_index=True, width="stretch", height=560, column_config=ui.link_columns(shown)
    )
    st.download_button(
        "Download all matching rows as CSV",
        # Written when asked for, not on each rerun (seconds at 100,000 rows).
        lambda: table.to_csv(index=False).encode("utf-8"),
        file_name="datapoints.csv",
        mime="text/csv",
        on_click="ignore",
        key="data-csv",
        icon=":material/download:",
    )
    view = ui.folded(
        "Consistency checks: per-country figures against regional totals, "
        "stated shares against levels",
        key="data-checks",
    )
    if view is None:
        return
    with view:
        sums, shares = cached.consistency_tables(ds)
        group = roles.name(ds, ds.relationship.group) or "the group"
        st.caption(
            f"Members' sum against the total of {ui.md(group)}, same reporter and period "
            f"(flagged beyond ±{consistency.TOLERANCE_PCT:g}%)."
        )
        st.dataframe(sums, hide_index=True, width="stretch")
        st.caption("Shares stated by a source against the share the levels give.")
        st.dataframe(shares, hide_index=True, width="stretch")


ui.guard(render)
