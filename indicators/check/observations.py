"""The checks across files for observations, on whole columns.

Each check gives the same problems, in the same order, as a loop over records would: a
problem belongs to a row, and rows keep file order. Only the rows that have a problem are
turned into Python values, to word the message.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from indicators.check.records import SOURCES_HOME
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
# What the conflict check reports: figures that disagree, with or without a note saying why.
CONFLICT_CODES = ("conflict", "conflict-unexplained")
_FACT = (
    "indicator",
    "reporter",
    "partner",
    "period",
    "project",
    "basis",
    "base_period",
    "share_of",
    "base",
)


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

    found: list[tuple[int, int, Problem]] = []
    known_indicator = np.ones(len(obs), dtype=bool)
    for seq, (column, section, what, where) in enumerate(_REFERENCES):
        table = index[section]
        unknown = obs.matches(column, lambda v, table=table: v is not None and v not in table)
        if column == "indicator":
            known_indicator = ~unknown
        for row in np.flatnonzero(unknown):
            found.append(
                (
                    row,
                    seq,
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
                7,
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
                8,
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
                8,
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
                9,
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
                10,
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
                10,
                obs.at(
                    row,
                    "value_max",
                    "bad-range",
                    "value_max is only for qualifier `range`",
                    "set qualifier: range or remove value_max",
                ),
            )
        )
    found.sort(key=lambda item: (item[0], item[1]))
    problems.extend(p for _, _, p in found)


@lru_cache(maxsize=262144)
def _half_step(stated: float) -> float:
    """Half the rounding step of a figure as written: 94.8 allows ±0.05, 30 ±0.5."""
    exponent = Decimal(repr(stated)).normalize().as_tuple().exponent
    step = 10.0 ** min(int(exponent), 0) if isinstance(exponent, int) else 1.0
    return step / 2


def intervals(
    stated: np.ndarray, factor: np.ndarray, qualifier: np.ndarray, value_max: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """What each stated figure allows, in canonical units: rounding for exact figures,
    ±5 % for approximate ones, a half-line for bounds."""
    value = stated * factor
    distinct, inverse = np.unique(stated, return_inverse=True)
    half = np.array([_half_step(s) for s in distinct.tolist()], dtype=float)[inverse] * factor
    lo, hi = value - half, value + half
    approx = np.isin(qualifier, ("approximately", "nearly"))
    a, b = value * 0.95, value * 1.05
    lo = np.where(approx, np.minimum(a, b), lo)
    hi = np.where(approx, np.maximum(a, b), hi)
    ranged = (qualifier == "range") & ~np.isnan(value_max)
    lo = np.where(ranged, value, lo)
    hi = np.where(ranged, value_max * factor, hi)
    upper = np.isin(qualifier, ("at_most", "less_than"))
    lo = np.where(upper, -math.inf, lo)
    hi = np.where(upper, value, hi)
    lower = np.isin(qualifier, ("at_least", "more_than"))
    lo = np.where(lower, value, lo)
    hi = np.where(lower, math.inf, hi)
    return lo, hi


def check_duplicates_and_conflicts(
    obs: ObservationTable, index: dict[str, dict], problems: list[Problem]
) -> None:
    """A second copy of a datapoint from the same source is an error; figures for the
    same fact from different sources that cannot both be true are a warning."""
    if not len(obs):
        return
    units = index["units"]
    # A source that states a figure in yuan and in dollars gives two datapoints: the fact
    # is in the unit's base, or in the unit as written when the unit is unknown.
    unit_codes, unit_names = obs.codes("unit")
    base_names = [units[u].data["base"] if u in units else u for u in unit_names]
    base = pd.factorize(pd.Series(base_names, dtype=object))[0][unit_codes]
    known_unit = obs.matches("unit", lambda v: v in units)
    fact = group_ids([obs.codes(c)[0] for c in _FACT[:-1]] + [base])
    key = group_ids([fact, obs.codes("source")[0]])
    first = np.unique(key, return_index=True)[1]
    duplicate = first[key] != np.arange(len(obs))
    dup_rows = np.flatnonzero(duplicate)
    if len(dup_rows):
        d = obs.columns(dup_rows, ("indicator", "reporter", "partner", "period", "source"))
        problems.extend(
            obs.problems(
                dup_rows,
                "source",
                "duplicate",
                [
                    f"the same datapoint ({ind}, {rep}→{par}, {per}) from {src!r} is already at {w}"
                    for ind, rep, par, per, src, w in zip(
                        d["indicator"],
                        d["reporter"],
                        d["partner"],
                        d["period"],
                        d["source"],
                        obs.where(first[key[dup_rows]]),
                        strict=True,
                    )
                ],
                "a source gives a figure once: remove one, or fix the period or indicator",
            )
        )

    # Pairs (a, b) of the same fact, a before b, ordered by fact then a then b.
    candidate = np.flatnonzero(~duplicate & known_unit)
    sizes = np.bincount(fact[candidate], minlength=int(fact.max()) + 1)
    rows = candidate[sizes[fact[candidate]] >= 2]
    if not len(rows):
        return
    rows = rows[np.lexsort((rows, fact[rows]))]
    factor = obs.lookup("unit", {k: v.data["factor"] for k, v in units.items()}, 1.0)
    q_codes, q_names = obs.codes("qualifier")
    lo, hi = intervals(
        obs.table.column("value").to_numpy()[rows],
        factor[rows].astype(float),
        np.array(q_names, dtype=object)[q_codes[rows]],
        obs.table.column("value_max").to_numpy()[rows],
    )
    groups = fact[rows]
    pairs_a, pairs_b = [], []
    for k in range(1, int(sizes.max())):
        i = np.flatnonzero(groups[:-k] == groups[k:])
        apart = (lo[i] > hi[i + k]) | (lo[i + k] > hi[i])
        pairs_a.append(i[apart])
        pairs_b.append(i[apart] + k)
    a, b = np.concatenate(pairs_a), np.concatenate(pairs_b)
    order = np.lexsort((b, a, groups[a]))
    a, b = rows[a[order]], rows[b[order]]
    names = (
        "indicator",
        "reporter",
        "partner",
        "project",
        "period",
        "source",
        "value",
        "unit",
        "qualifier",
        "note",
    )
    da, db = obs.columns(a, names), obs.columns(b, names)
    messages = [
        f"{fact_label(ind, rep, par, prj)} {per}: {src_b} gives {val_b:g} {unit_b} ({q_b}), "
        f"{src_a} gives {val_a:g} {unit_a} ({q_a}) at {w}"
        for ind, rep, par, prj, per, src_a, val_a, unit_a, q_a, src_b, val_b, unit_b, q_b, w in zip(
            da["indicator"],
            da["reporter"],
            da["partner"],
            da["project"],
            da["period"],
            da["source"],
            da["value"],
            da["unit"],
            da["qualifier"],
            db["source"],
            db["value"],
            db["unit"],
            db["qualifier"],
            obs.where(a),
            strict=True,
        )
    ]
    # A disagreement is information only when the data says why the figures differ; a note
    # on either record is where it says so.
    explained = np.array(
        [bool(na) or bool(nb) for na, nb in zip(da["note"], db["note"], strict=True)], dtype=bool
    )
    unexplained_hint = (
        "both are kept and shown; say in the note of the record that differs why the figures "
        "differ (another section or period, a rounding, the other side's statistics, yuan "
        "against dollars), or that the sources do not say"
    )
    by_kind = {
        True: iter(
            obs.problems(
                b[explained],
                "value",
                "conflict",
                [m for m, e in zip(messages, explained, strict=True) if e],
                "both are kept and shown, with the note that says why they differ",
                "notice",
            )
        ),
        False: iter(
            obs.problems(
                b[~explained],
                "value",
                "conflict-unexplained",
                [m for m, e in zip(messages, explained, strict=True) if not e],
                unexplained_hint,
                "warning",
            )
        ),
    }
    # In the order of the pairs, whichever kind each is.
    problems.extend(next(by_kind[bool(e)]) for e in explained)


def fact_label(
    indicator: str, reporter: str | None, partner: str | None, project: str | None
) -> str:
    """The fact two figures disagree on, as a contributor reads it in a message."""
    who = f" {reporter or '?'}→{partner or '?'}" if reporter or partner else ""
    return f"{indicator}{who}" + (f" of {project}" if project else "")


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


_FIG = re.compile(r"fig\s*(\d+)")


@lru_cache(maxsize=65536)
def _figures(locator: str) -> tuple[int, ...]:
    return tuple(int(m.group(1)) for m in _FIG.finditer(locator))


def figures_cited(obs: ObservationTable) -> dict[str, set[int]]:
    """The figure numbers (locator ``fig N``) each source's observations cite."""
    cited: dict[str, set[int]] = {}
    if not len(obs):
        return cited
    # Locators repeat (`fig 3`) but pair with many sources: each distinct locator is read
    # once, and the (source, figure) pairs are joined on whole columns.
    loc_codes, locators = obs.codes("locator")
    src_codes, sources = obs.codes("source")
    figs = [(code, n) for code, text in enumerate(locators) for n in _figures(text)]
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
