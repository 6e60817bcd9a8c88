"""Consistency checks across datapoints, reported rather than hidden.

Sources disagree and round differently; these checks do not fail the data. They list where
per-country figures do not add up to a regional total, or a stated share does not match the
levels, so an analyst sees the size of the gap and the sources behind it.
"""

from __future__ import annotations

import pandas as pd

from . import frames as F
from .dataset import Dataset

TOLERANCE_PCT = 2.0


def sums_against_totals(ds: Dataset, indicator: str = "trade_total",
                        group: str = "C5") -> pd.DataFrame:
    """For each reporter and period with a regional total and every member's figure:
    the members' sum against the total."""
    cols = ["reporter", "period", "total", "sum_of_members", "gap_pct", "members",
            "total_source", "ok"]
    members_row = ds.entities[ds.entities["id"] == group]
    if members_row.empty or ds.observations.empty:
        return pd.DataFrame(columns=cols)
    members = list(members_row.iloc[0]["members"])
    obs = ds.observations
    base = obs[(obs["indicator"] == indicator) & (obs["basis"] == "actual")]
    reps = F.representatives(base, ds.sources)
    rows = []
    for (reporter, period, _unit), grp in reps.groupby(["reporter", "period", "unit"],
                                                      dropna=True):
        total = grp[grp["partner"] == group]
        parts = grp[grp["partner"].isin(members)]
        if total.empty or set(parts["partner"]) != set(members):
            continue
        t = float(total.iloc[0]["value"])
        s = float(parts["value"].sum())
        gap = (s / t - 1) * 100 if t else float("nan")
        rows.append({"reporter": reporter, "period": period, "total": t, "sum_of_members": s,
                     "gap_pct": gap, "members": len(parts),
                     "total_source": total.iloc[0]["source"],
                     "ok": abs(gap) <= TOLERANCE_PCT})
    return pd.DataFrame(rows, columns=cols)


def shares_against_levels(ds: Dataset) -> pd.DataFrame:
    """A stated share (`trade_share` with `share_of`) against the share the levels give."""
    cols = ["reporter", "partner", "share_of", "period", "stated_pct", "from_levels_pct",
            "gap_points", "source", "ok"]
    obs = ds.observations
    shares = obs[(obs["indicator"] == "trade_share") & obs["share_of"].notna()]
    if shares.empty:
        return pd.DataFrame(columns=cols)
    levels = F.representatives(obs[(obs["indicator"] == "trade_total")
                                   & (obs["basis"] == "actual") & (obs["unit"] == "USD")],
                               ds.sources)
    lookup = {(r["reporter"], r["partner"], r["period"]): r["value"]
              for _, r in levels.iterrows()}
    rows = []
    for _, s in shares.iterrows():
        part = lookup.get((s["reporter"], s["partner"], s["period"]))
        whole = lookup.get((s["reporter"], s["share_of"], s["period"]))
        if not part or not whole:
            continue
        derived = part / whole * 100
        gap = s["value"] - derived
        rows.append({"reporter": s["reporter"], "partner": s["partner"],
                     "share_of": s["share_of"], "period": s["period"],
                     "stated_pct": s["value"], "from_levels_pct": derived, "gap_points": gap,
                     "source": s["source"], "ok": abs(gap) <= TOLERANCE_PCT})
    return pd.DataFrame(rows, columns=cols)
