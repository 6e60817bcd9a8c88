"""What the Overview's cards say: the latest of the headline figures, the projects by
status, and the latest and next milestone of the relationship."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from indicators.dataset import Dataset
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
