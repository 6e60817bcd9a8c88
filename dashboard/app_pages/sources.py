"""Sources: every registered source with its full citation and the datapoints it supports."""

from __future__ import annotations

import streamlit as st

from dashboard import cached, state, ui
from indicators.frames import labels, tables
from indicators.frames import tidy as F


def render() -> None:
    ds = ui.current_dataset()
    shared = state.shared()
    st.title("Sources")
    src = ds.sources
    if src.empty:
        st.info(
            "No source is registered yet: each report cited gets a `sources:` entry "
            "(see data/README.md)."
        )
        return
    text = st.text_input(
        "Search titles and publishers",
        value=str(shared.get("sq") or "")[:200],
        max_chars=200,
        key="sources-search",
    )
    table = tables.search_sources(cached.sources_table(ds), text)
    st.caption(f"{len(table)} of {len(src)} sources")
    shown = tables.sources_shown(table)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=420,
        column_config=ui.link_columns(shown),
    )
    options = ["", *table["id"]]
    chosen = st.selectbox(
        "Source",
        options,
        index=options.index(state.pick_one(shared.get("source"), options, "")),
        format_func=lambda s: (
            "Choose a source to see its citation and datapoints…"
            if not s
            else tables.source_choice(ds, s)
        ),
        key="sources-pick",
    )
    state.publish(sq=text or None, source=chosen or None)
    if not text:
        state.forget("sq")
    if not chosen:
        state.forget("source")
        return
    row = tables.source_entry(table, chosen)
    if row is None:
        return
    st.header(ui.md(row["title"]))
    st.text(tables.citation(row))
    mine = F.datapoints_of_source(ds, row["id"])
    if mine.empty:
        st.caption("No datapoint cites this source.")
    else:
        table = labels.datapoints(
            mine, ds, columns=[c for c in labels.SHOWN if c not in ("Source", "Link")]
        )
        st.dataframe(table, hide_index=True, width="stretch")
    excluded = tables.excluded_table(ds, row["id"])
    if not excluded.empty:
        st.caption("Figures of this report left out, and why:")
        st.dataframe(excluded, hide_index=True, width="stretch")


ui.guard(render)
