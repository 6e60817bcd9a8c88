"""The Trade page's tables: growth rates as sources state them beside the growth the levels
give, and mirror statistics with figures as stated and short citations."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from indicators.dataset import Dataset
from indicators.frames import formatting as fmt
from indicators.frames import labels as L
from indicators.frames import roles as R
from indicators.frames import tidy as F
from indicators.periods import parse_period


def stated_growth(
    ds: Dataset, partners: Sequence[str], years: tuple[int, int], view: str | None = None
) -> pd.DataFrame:
    """Trade growth rates as sources state them, next to the growth the levels give."""
    cols = ["Partner", "Period", "Compared with", "Stated", "Derived from levels", "Source"]
    obs = ds.observations
    growth = R.role_indicator(ds, "growth")
    total = R.trade_measure(ds, "total")
    if obs.empty or growth is None or total is None:
        return pd.DataFrame(columns=cols)
    view = R.view_of(ds, view)
    stated = obs[
        (obs["indicator"] == growth)
        & (obs["reporter"] == view)
        & obs["partner"].isin(partners)
        & obs["year"].between(*years)
        & (obs["unit"] == "percent")
    ]
    if stated.empty:
        return pd.DataFrame(columns=cols)
    levels = F.series(ds, total, reporters=[view], partners=list(partners), annual=None, unit="USD")
    lookup = dict(
        zip(zip(levels["partner"], levels["period"], strict=True), levels["value"], strict=True)
    )
    rows = []
    for partner, period, base, value, qualifier, source in zip(
        stated["partner"],
        stated["period"],
        stated["base_period"],
        stated["value"],
        stated["qualifier"],
        stated["source"],
        strict=True,
    ):
        now, then = lookup.get((partner, period)), lookup.get((partner, base))
        derived = (
            f"{(now / then - 1) * 100:+.1f}%" if isinstance(base, str) and now and then else "–"
        )
        rows.append(
            {
                "Partner": R.name(ds, partner),
                "Period": L.period(period),
                "Compared with": L.period(base),
                "Stated": fmt.format_value(value, "percent", qualifier),
                "Derived from levels": derived,
                "Source": fmt.source_label(ds.sources, source),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def mirror_rows(
    ds: Dataset,
    *,
    partners: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    view: str | None = None,
) -> pd.DataFrame:
    """The mirror table as the Trade page lists it: figures as stated, gap, short citations,
    headed by whose figure each is."""
    view = R.view_of(ds, view)
    who = R.name(ds, view)
    table = F.mirror_table(
        ds,
        R.mirror_partners(ds, view, partners),
        years,
        indicator=R.trade_measure(ds, "total") or "",
        focus=view,
    )
    names = fmt.entity_names(ds)
    labels = {
        s: fmt.source_label(ds.sources, s)
        for s in {*table["focus_source"], *table["partner_source"]}
    }
    return pd.DataFrame(
        {
            "partner": table["partner"].map(names),
            "period": [parse_period(p).label() for p in table["period"]],
            "focus": [
                fmt.format_value(v, u, q)
                for v, u, q in zip(
                    table["focus_value"], table["unit"], table["focus_qualifier"], strict=True
                )
            ],
            "own": [
                fmt.format_value(v, u, q)
                for v, u, q in zip(
                    table["partner_value"], table["unit"], table["partner_qualifier"], strict=True
                )
            ],
            "gap": [f"{g:+.0f}%" if abs(g) >= 0.5 else "±0%" for g in table["gap_pct"]],
            "focus_source": [labels.get(s, s) for s in table["focus_source"]],
            "partner_source": [labels.get(s, s) for s in table["partner_source"]],
        },
        columns=["partner", "period", "focus", "own", "gap", "focus_source", "partner_source"],
    ).rename(
        columns={
            "partner": "Partner",
            "period": "Period",
            "focus": f"{who}'s figure",
            "own": "Partner's figure",
            "gap": "Gap",
            "focus_source": f"{who}'s source",
            "partner_source": "Partner's source",
        }
    )
