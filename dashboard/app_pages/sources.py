"""Sources: every registered source with its full citation and the datapoints it supports."""

from __future__ import annotations

import streamlit as st

from dashboard import cached, ui
from indicators import frames as F


def render() -> None:
    ds = ui.current_dataset()
    st.title("Sources")
    src = ds.sources
    if src.empty:
        st.info("No source is registered.")
        return
    text = st.text_input("Search titles and publishers", max_chars=200, key="sources-search")
    table = cached.call(ds, "sources_table")
    if text:
        needle = text.casefold()
        hay = (
            table["title"]
            + " "
            + table["publisher"]
            + " "
            + table["original_publisher"].fillna("")
            + " "
            + table["id"]
        ).str.casefold()
        table = table[hay.str.contains(needle, regex=False)]
    st.caption(f"{len(table)} of {len(src)} sources")
    event = st.dataframe(
        table[
            [
                "id",
                "title",
                "publisher",
                "original_publisher",
                "published",
                "published_note",
                "kind",
                "language",
                "datapoints",
                "url",
            ]
        ],
        hide_index=True,
        width="stretch",
        height=420,
        on_select="rerun",
        selection_mode="single-row",
        key="sources-table",
        column_config={"url": st.column_config.LinkColumn("address")},
    )
    rows = event.selection.rows if event and event.selection else []
    if not rows:
        st.caption("Select a source to see its full citation and the datapoints it supports.")
        return
    row = table.iloc[rows[0]]
    st.subheader(ui.md(row["title"]))
    original = (
        f" (originally {row['original_publisher']})"
        if isinstance(row["original_publisher"], str)
        else ""
    )
    citation = (
        f"{row['publisher']}{original}, {row['published']}"
        f"{'; ' + row['published_note'] if isinstance(row['published_note'], str) else ''}"
        f". {row['url'] or ''}"
    )
    st.text(citation)
    mine = F.datapoints_of_source(ds, row["id"])
    st.dataframe(
        mine.assign(
            figure=[
                F.format_value(v, u, q, m)
                for v, u, q, m in zip(
                    mine["value"], mine["unit"], mine["qualifier"], mine["value_max"], strict=True
                )
            ]
        )[["indicator", "reporter", "partner", "period", "figure", "basis", "locator", "note"]],
        hide_index=True,
        width="stretch",
    )
    excluded = ds.excluded[ds.excluded["source"] == row["id"]]
    if not excluded.empty:
        st.caption("Figures of this report left out, and why:")
        st.dataframe(excluded[["locator", "reason"]], hide_index=True, width="stretch")


ui.guard(render)
