"""Overview: the headline figures, each with its source, a small timeline and a small map."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import cached, ui
from indicators import Dataset
from indicators.charts import standard
from indicators.frames import formatting as fmt
from indicators.frames import labels, roles
from indicators.frames import tidy as F

MAJOR = (
    "summit",
    "treaty",
    "declaration",
    "membership",
    "institution",
    "ministerial",
    "visa",
    "agreement",
)


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
            _source_line(trade),
        )
    invest = _latest(
        [
            cached.headline(ds, i, rel.focus, whole, "investment", annual=False)
            for i in roles.headline_indicators(ds, "investment")
        ]
        if whole
        else []
    )
    with cols[1]:
        label = roles.indicator_name(ds, invest[1]) if invest else "Investment"
        _card(
            "investment",
            f"{label}, {invest[0].period}" if invest else "Investment",
            invest[0].value_text if invest else "no data",
            None,
            _source_line(invest[0] if invest else None),
        )
    with cols[2]:
        top = ds.projects[ds.projects["part_of"].isna()] if not ds.projects.empty else ds.projects
        counts = top["status"].value_counts() if not top.empty else {}
        _card(
            "projects",
            "Projects operational",
            str(int(counts.get("operational", 0))),
            None,
            f"{int(counts.get('under_construction', 0))} under construction · "
            f"{int(counts.get('planned', 0)) + int(counts.get('agreed', 0))} planned or "
            f"agreed · {len(top)} in all",
        )
    with cols[3]:
        _milestones(ds)
    group = standard.overview_partners(ds)
    fig = cached.trade_view(ds, partners=group, chart_id="overview-trade", height=380)
    points = cached.trade_points(ds, partners=group, years=cached.default_years(ds))
    ui.chart(
        fig,
        key="overview-trade",
        data=lambda: ui.chart_frame(points, ds),
        table=lambda: labels.datapoints(points, ds),
    )
    fig = cached.map_view(ds, show_projects=False, chart_id="overview-map", height=460)
    values = cached.map_series(ds, None, cached.default_map_year(ds))
    ui.chart(
        fig,
        key="overview-map",
        data=lambda: ui.chart_frame(values, ds),
        table=lambda: labels.datapoints(values, ds),
    )
    ui.chart(
        cached.status_view(ds),
        key="overview-status",
        data=ds.projects[["id", "name", "kind", "status", "status_as_of", "status_source"]],
        table=lambda: _projects_table(ds),
    )


def _projects_table(ds: Dataset) -> pd.DataFrame:
    """The projects the status chart counts (sections counted with their project)."""
    top = ds.projects[ds.projects["part_of"].isna()] if not ds.projects.empty else ds.projects
    return pd.DataFrame(
        {
            "Project": top["name"],
            "Kind": top["kind"].map(labels.word),
            "Status": top["status"].map(labels.word),
            "As of": top["status_as_of"].map(fmt.format_date),
            "Source": top["status_source"].map(lambda s: fmt.source_label(ds.sources, s)),
        }
    )


def _latest(found: list[F.Headline | None]) -> tuple[F.Headline, str] | None:
    """The most recent of the headline figures (with its indicator), where any exists."""
    dated = [(h.period_end, i, h) for i, h in enumerate(found) if h is not None]
    if not dated:
        return None
    _, _, best = max(dated, key=lambda t: (t[0], -t[1]))
    return best, best.indicator


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


def _source_line(h: F.Headline | None) -> str:
    if h is None:
        return "No datapoint yet."
    more = f" (and {h.n_sources - 1} more)" if h.n_sources > 1 else ""
    return f"Source: {h.source}{more}"


def _milestones(ds: Dataset) -> None:
    today = date.today()
    events = ds.events
    major = events[events["kind"].isin(MAJOR)] if not events.empty else events
    past = major[major["when"].dt.date <= today] if not major.empty else major
    future = major[major["when"].dt.date > today] if not major.empty else major
    if past.empty:
        _card("milestone", "Latest milestone", "none", None, "No event is recorded.")
        return
    last = past.iloc[-1]
    nxt = (
        _sentence(f"Next: {future.iloc[0]['name']}, {fmt.format_date(future.iloc[0]['date'])}")
        if not future.empty
        else "No later milestone is dated in the data."
    )
    _card(
        "milestone",
        "Latest milestone",
        fmt.format_date(last["date"]),
        None,
        f"{_sentence(last['name'])} "
        f"{_sentence('Source: ' + fmt.source_label(ds.sources, last['source']))} {nxt}",
    )


def _sentence(text: str) -> str:
    """A name as a sentence: one full stop, never two ("n.d.." or "summit..")."""
    text = str(text).strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


ui.guard(render)
