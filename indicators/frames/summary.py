"""What the Overview's cards say: the latest of the headline figures, the projects by
status, and the latest and next milestone of the relationship."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicators.dataset import Dataset
from indicators.frames import roles
from indicators.frames import tidy as F
from indicators.frames.formatting import format_date, source_label
from indicators.frames.projects import top_projects
from indicators.frames.tidy import Headline
from indicators.model import MAJOR_EVENTS

# The Overview's milestone card counts the steps between the turning points too.
MILESTONE_KINDS = (*MAJOR_EVENTS, "ministerial", "visa", "agreement")


def latest_headline(found: list[Headline | None]) -> Headline | None:
    """The most recent of the headline figures; the first given where two end together."""
    dated = [(h.period_end, -i, h) for i, h in enumerate(found) if h is not None]
    return max(dated, key=lambda t: (t[0], t[1]))[2] if dated else None


@dataclass(frozen=True)
class ProjectCounts:
    operational: int
    under_construction: int
    planned_or_agreed: int
    total: int

    def breakdown(self) -> str:
        return (
            f"{self.under_construction} under construction · "
            f"{self.planned_or_agreed} planned or agreed · {self.total} in all"
        )


def project_counts(ds: Dataset) -> ProjectCounts:
    """The projects by status (a section counts with its project, not on its own)."""
    top = top_projects(ds)
    counts = top["status"].value_counts() if not top.empty else pd.Series(dtype=int)
    n = {s: int(counts.get(s, 0)) for s in ("operational", "under_construction")}
    return ProjectCounts(
        operational=n["operational"],
        under_construction=n["under_construction"],
        planned_or_agreed=int(counts.get("planned", 0)) + int(counts.get("agreed", 0)),
        total=len(top),
    )


@dataclass(frozen=True)
class Milestone:
    """The milestone card: the date as its figure, and one line of text under it."""

    date: str
    text: str


def milestone(ds: Dataset, today: date) -> Milestone | None:
    """The latest milestone up to ``today`` with its source, and the next one dated after
    it; None when no milestone has happened yet."""
    events = ds.events
    if events.empty:
        return None
    major = events[events["kind"].isin(MILESTONE_KINDS)]
    past = major[major["when"].dt.date <= today]
    future = major[major["when"].dt.date > today]
    if past.empty:
        return None
    last = past.iloc[-1]
    nxt = (
        sentence(f"Next: {future.iloc[0]['name']}, {format_date(future.iloc[0]['date'])}")
        if not future.empty
        else "No later milestone is dated in the data."
    )
    source = sentence("Source: " + source_label(ds.sources, last["source"]))
    return Milestone(format_date(last["date"]), f"{sentence(last['name'])} {source} {nxt}")


def sentence(text: str) -> str:
    """A name as a sentence: one full stop, never two ("n.d.." or "summit..")."""
    text = str(text).strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def source_line(h: Headline | None) -> str:
    """Where a headline figure comes from, and how many more sources state it."""
    if h is None:
        return "No datapoint yet."
    more = f" (and {h.n_sources - 1} more)" if h.n_sources > 1 else ""
    return f"Source: {h.source}{more}"


@dataclass(frozen=True)
class Card:
    """A headline figure as a reader sees it: what, how much, the change, and its source."""

    slot: str
    label: str
    value: str
    delta: str | None
    note: str


def cards(
    ds: Dataset, today: date, headline: Callable[..., Headline | None] = F.headline
) -> list[Card]:
    """The Overview's four cards: trade, investment, projects and the latest milestone.
    ``headline`` is :func:`tidy.headline` or a cached copy of it."""
    rel = ds.relationship
    pair = roles.counterparts_label(ds)
    whole = rel.group or (rel.partners[0] if rel.partners else "")
    total = roles.trade_measures(ds).get("total")
    trade = headline(ds, total, rel.focus, whole, "trade") if total and whole else None
    invest = latest_headline(
        [
            headline(ds, i, rel.focus, whole, "investment", annual=False)
            for i in roles.headline_indicators(ds, "investment")
        ]
        if whole
        else []
    )
    what = roles.indicator_name(ds, invest.indicator) if invest else "Investment"
    counts = project_counts(ds)
    last = milestone(ds, today)
    return [
        Card(
            "trade",
            f"Trade, {pair}, {trade.period}" if trade else f"Trade, {pair}",
            trade.value_text if trade else "no data",
            trade.delta_text if trade else None,
            source_line(trade),
        ),
        Card(
            "investment",
            f"{what}, {invest.period}" if invest else "Investment",
            invest.value_text if invest else "no data",
            None,
            source_line(invest),
        ),
        Card("projects", "Projects operational", str(counts.operational), None, counts.breakdown()),
        Card("milestone", "Latest milestone", last.date, None, last.text)
        if last
        else Card("milestone", "Latest milestone", "none", None, "No event is recorded."),
    ]
