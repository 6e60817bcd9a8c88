"""Copies of a datapoint, and figures from different sources that disagree, on whole columns.

Like the other observation checks (``observations.py``), this gives the problems a loop over
records would, in the same order.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd

from indicators.check.observations import group_ids
from indicators.problems import Problem
from indicators.read.obsblock import ObservationTable

# What makes two figures the same fact; the last, the unit's base, is not a column.
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
