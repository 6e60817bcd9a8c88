"""What readers see instead of ids: the one formatter for indicators, entities, qualifiers,
statuses, bases, kinds and periods, and the datapoint tables as a page shows them (the CSVs
keep the ids)."""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Iterable

import pandas as pd

from indicators.dataset import Dataset
from indicators.frames.formatting import format_date, source_label
from indicators.frames.tidy import with_citations
from indicators.periods import PeriodError, parse_period

WORDS = {
    # qualifiers
    "exact": "exact",
    "approximately": "approximate",
    "nearly": "nearly",
    "at_least": "at least",
    "more_than": "more than",
    "at_most": "at most",
    "less_than": "less than",
    "range": "range",
    # bases
    "actual": "actual",
    "target": "target",
    "pledge": "pledge",
    "plan": "plan",
    "forecast": "forecast",
    "estimate": "estimate",
    "design": "design",
    # project statuses
    "proposed": "proposed",
    "announced": "announced",
    "agreed": "agreed",
    "planned": "planned",
    "under_construction": "under construction",
    "operational": "operational",
    "suspended": "suspended",
    "cancelled": "cancelled",
    # precision of a route
    "endpoints_only": "endpoints only",
    "approximate": "approximate",
    # kinds of sources
    "official_statistics": "official statistics",
    "official_statement": "official statement",
    "think_tank": "think tank",
    "fibre_optic_cable": "fibre-optic cable",
    "air_route": "air route",
    "dry_port": "dry port",
    "multimodal_corridor": "multimodal corridor",
    "economic_zone": "economic zone",
    "power_line": "power line",
}


def word(code: object) -> str:
    """A code of the data model (qualifier, basis, status, kind) in words."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    text = str(code)
    return WORDS.get(text, text.replace("_", " "))


def period(text: object) -> str:
    """'2023-01/2023-10' -> 'Jan–Oct 2023'; text that is no period stays as it is."""
    if not isinstance(text, str) or not text:
        return ""
    try:
        return parse_period(text).label()
    except PeriodError:
        return text


class Labels:
    """Names of one dataset's ids, looked up once."""

    def __init__(self, ds: Dataset) -> None:
        self.entities = dict(zip(ds.entities["id"], ds.entities["name"], strict=True))
        self.indicators = dict(zip(ds.indicators["id"], ds.indicators["name"], strict=True))
        self.projects = dict(zip(ds.projects["id"], ds.projects["name"], strict=True))
        self._compiled: re.Pattern[str] | None = None
        self._names: dict[str, str] = {}

    def prose(self, text: object) -> str:
        """Curators' text (a note, a reason) as readers see it: an entity code standing
        alone ("range given jointly for KAZ, UZB") becomes its name, and an indicator id
        ("length_in_country") its name. Codes inside words ("KTZ-Express") stay."""
        if not isinstance(text, str) or not text:
            return ""
        return self._pattern().sub(lambda m: self._names[m.group(0)], text)

    def _pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._names = {
                **{k: v for k, v in self.entities.items() if k != v},
                **{k: v for k, v in self.indicators.items() if "_" in k},
            }
            words = sorted(self._names, key=len, reverse=True) or ["(?!x)x"]
            self._compiled = re.compile(
                r"(?<![\w+-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w+-])"
            )
        return self._compiled

    def entity(self, code: object) -> str:
        if not isinstance(code, str):
            return ""
        return self.entities.get(code, code)

    def entities_of(self, codes: Iterable[str]) -> str:
        return ", ".join(self.entity(c) for c in codes)

    def indicator(self, ident: object) -> str:
        if not isinstance(ident, str):
            return ""
        return self.indicators.get(ident, word(ident))

    def project(self, ident: object) -> str:
        if not isinstance(ident, str):
            return ""
        return self.projects.get(ident, ident)


_OF: dict[int, Labels] = {}


def of(ds: Dataset) -> Labels:
    """The names of ``ds``, looked up once per dataset: pages ask on every rerun, and the
    dataset (cached, never modified) outlives them."""
    key = id(ds)
    found = _OF.get(key)
    if found is None:
        found = _OF[key] = Labels(ds)
        weakref.finalize(ds, _OF.pop, key, None)
    return found


# The datapoint columns a page shows, figure and period first (what a narrow screen keeps).
SHOWN = [
    "Figure",
    "Period",
    "Indicator",
    "Reporter",
    "Partner",
    "Basis",
    "Source",
    "Locator",
    "Note",
    "Project",
    "Link",
]


def datapoints(
    obs: pd.DataFrame,
    ds: Dataset,
    *,
    columns: Iterable[str] = SHOWN,
    cited: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Datapoints as a page lists them: names, words and period labels, never ids; the
    figure as stated with its qualifier. ``cited`` is ``obs`` with citations when the caller
    has it (the Data page's cached table)."""
    wanted = list(columns)
    if obs.empty:
        return pd.DataFrame(columns=wanted)
    c = cited if cited is not None else with_citations(obs, ds.sources)
    lab = of(ds)
    out = pd.DataFrame(
        {
            "Figure": c["figure"],
            "Period": [period(p) for p in c["period"]],
            "Indicator": [lab.indicator(i) for i in c["indicator"]],
            "Reporter": [lab.entity(e) for e in c["reporter"]],
            "Partner": [lab.entity(e) for e in c["partner"]],
            "Basis": [word(b) for b in c["basis"]],
            "Source": c["citation"],
            "Locator": c["locator"],
            "Note": [lab.prose(n) for n in c["note"]] if "note" in c else "",
            "Project": [lab.project(p) for p in c["project"]] if "project" in c else "",
            "Link": c["url"],
        },
        index=c.index,
    )
    return out[[w for w in wanted if w in out.columns]]


def status_history(history: list[dict], ds: Dataset) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Status": word(s["status"]),
                "As of": format_date(s["as_of"]),
                "Source": source_label(ds.sources, s["source"]),
                "Locator": s["locator"],
            }
            for s in history
        ],
        columns=["Status", "As of", "Source", "Locator"],
    )
