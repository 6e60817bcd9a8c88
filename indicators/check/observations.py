"""The checks across files for observations, on whole columns (copies and conflicting
figures: ``conflicts.py``).

Each check gives the same problems, in the same order, as a loop over records would: a
problem belongs to a row, and rows keep file order. Only the rows that have a problem are
turned into Python values, to word the message.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from indicators.check.records import SOURCES_HOME, figures_in
from indicators.periods import parse_period
from indicators.problems import Problem
from indicators.read.obsblock import ObservationTable

_CATALOG = "data/catalog/entities.yaml"
# (field, id section, what it names, where to register it), in the order they are reported.
_REFERENCES = (
    ("indicator", "indicators", "indicator", "data/catalog/indicators/ (the file of its topic)"),
    ("reporter", "entities", "entity", _CATALOG),
    ("partner", "entities", "entity", _CATALOG),
    ("source", "sources", "source", SOURCES_HOME),
    ("project", "projects", "project", "data/projects/"),
    ("event", "events", "event", "data/events/"),
    ("share_of", "entities", "entity", _CATALOG),
)
# What the conflict check (conflicts.py) reports: figures that disagree, with or without a
# note saying why.
CONFLICT_CODES = ("conflict", "conflict-unexplained")


def group_ids(columns: list[np.ndarray]) -> np.ndarray:
    """One id per distinct combination of codes, numbered in order of first appearance."""
    n = len(columns[0]) if columns else 0
    ids = np.zeros(n, dtype=np.int64)
    for codes in columns:
        ids = ids * (int(codes.max()) + 1 if n else 1) + codes
        ids, _ = pd.factorize(ids)  # keeps the ids below n, so the product never overflows
    return ids.astype(np.int64, copy=False)


def _accepted(ind: dict[str, Any], units: dict[str, Any]) -> list[str]:
    return sorted(
        u for u, v in units.items() if v.data["base"] in [ind["unit"], *ind["also_accepts"]]
    )


def check_references(
    obs: ObservationTable, index: dict[str, dict], problems: list[Problem]
) -> None:
    """References, units, signs and ranges of each observation."""
    if not len(obs):
        return

    def text(column: str, row: int) -> Any:
        return obs.table.column(column)[row].as_py()

    found: list[tuple[int, Problem]] = []
    known_indicator = np.ones(len(obs), dtype=bool)
    for column, section, what, where in _REFERENCES:
        table = index[section]
        unknown = obs.matches(column, lambda v, table=table: v is not None and v not in table)
        if column == "indicator":
            known_indicator = ~unknown
        for row in np.flatnonzero(unknown):
            found.append(
                (
                    row,
                    obs.at(
                        row,
                        column,
                        "unknown-reference",
                        f"unknown {what} {text(column, row)!r}",
                        f"register it in {where} first, or fix the spelling",
                    ),
                )
            )
    orphan = obs.matches("reporter", lambda v: v is None) & obs.matches(
        "project", lambda v: v is None
    )
    for row in np.flatnonzero(orphan):
        found.append(
            (
                row,
                obs.at(
                    row,
                    "reporter",
                    "missing-field",
                    "an observation needs a reporter (or a project)",
                    "reporter is whose statistics or statement it is: CHN, KAZ...",
                ),
            )
        )

    units, indicators = index["units"], index["indicators"]
    ind = obs.lookup("indicator", {k: v.data for k, v in indicators.items()})
    base = obs.lookup("unit", {k: v.data["base"] for k, v in units.items()})
    pair = group_ids([obs.codes("indicator")[0], obs.codes("unit")[0]])
    first = np.unique(pair, return_index=True)[1]
    converts = np.array(
        [
            ind[r] is None
            or base[r] is None
            or base[r] in (ind[r]["unit"], *ind[r]["also_accepts"])
            for r in first
        ],
        dtype=bool,
    )[pair]
    unit_unknown = known_indicator & obs.matches("unit", lambda v: v not in units)
    for row in np.flatnonzero(unit_unknown):
        found.append(
            (
                row,
                obs.at(
                    row,
                    "unit",
                    "unit",
                    f"unknown unit {text('unit', row)!r}",
                    "use one of: " + ", ".join(_accepted(ind[row], units)),
                ),
            )
        )
    for row in np.flatnonzero(known_indicator & ~unit_unknown & ~converts):
        d = ind[row]
        found.append(
            (
                row,
                obs.at(
                    row,
                    "unit",
                    "unit",
                    f"unit {text('unit', row)!r} does not convert to {d['name']!r} ({d['unit']})",
                    "use one of: " + ", ".join(_accepted(d, units)),
                ),
            )
        )
    value = obs.table.column("value").to_numpy()
    allow = obs.matches(
        "indicator", lambda v: v in indicators and indicators[v].data["allow_negative"]
    )
    for row in np.flatnonzero(known_indicator & (value < 0) & ~allow):
        found.append(
            (
                row,
                obs.at(
                    row,
                    "value",
                    "negative",
                    f"{ind[row]['name']} cannot be negative",
                    "a fall is a separate change indicator; check the sign",
                ),
            )
        )
    value_max = obs.table.column("value_max").to_numpy()
    is_range = obs.matches("qualifier", lambda v: v == "range")
    has_max = ~np.isnan(value_max)
    with np.errstate(invalid="ignore"):
        low_max = has_max & (value_max < value)
    for row in np.flatnonzero(known_indicator & is_range & (~has_max | low_max)):
        found.append(
            (
                row,
                obs.at(
                    row,
                    "value_max",
                    "bad-range",
                    "a range needs value_max at least value",
                    "write the low end in value and the high in value_max",
                ),
            )
        )
    for row in np.flatnonzero(known_indicator & ~is_range & has_max):
        found.append(
            (
                row,
                obs.at(
                    row,
                    "value_max",
                    "bad-range",
                    "value_max is only for qualifier `range`",
                    "set qualifier: range or remove value_max",
                ),
            )
        )
    # Each rule above runs over all rows, in the order a loop over one record applies them;
    # a stable sort by row alone gives each row's problems in that order.
    found.sort(key=lambda item: item[0])
    problems.extend(p for _, p in found)


def check_periods(obs: ObservationTable, problems: list[Problem], today: date) -> None:
    """An actual figure for a period that has not begun is a mistake in basis or period."""
    if not len(obs):
        return
    future = obs.matches(
        "period", lambda v: (p := parse_period(v)).start is not None and p.start > today
    )
    actual = obs.matches("basis", lambda v: v == "actual")
    for row in np.flatnonzero(future & actual):
        problems.append(
            obs.at(
                row,
                "period",
                "future-date",
                f"an actual figure for {obs.table.column('period')[row].as_py()}, which has not "
                "begun",
                "set basis: target, plan or forecast for future periods",
            )
        )


def sources_used(obs: ObservationTable) -> set[str]:
    return {s for s in obs.codes("source")[1] if s is not None}


def figures_cited(obs: ObservationTable) -> dict[str, set[int]]:
    """The figure numbers (locator ``fig N``) each source's observations cite."""
    cited: dict[str, set[int]] = {}
    if not len(obs):
        return cited
    # Locators repeat (`fig 3`) but pair with many sources: each distinct locator is read
    # once, and the (source, figure) pairs are joined on whole columns.
    loc_codes, locators = obs.codes("locator")
    src_codes, sources = obs.codes("source")
    figs = [(code, n) for code, text in enumerate(locators) for n in figures_in(text)]
    if not figs:
        return cited
    cites = (
        pd.DataFrame({"loc": loc_codes, "src": src_codes})
        .drop_duplicates()
        .merge(pd.DataFrame(figs, columns=["loc", "fig"]), on="loc")
    )
    for src, group in cites.groupby("src", sort=False)["fig"]:
        cited[sources[src]] = set(group.unique().tolist())
    return cited
