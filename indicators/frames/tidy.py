"""Tidy frames for charts and tables: series, headlines, mirror statistics, Gantt rows.

Everything here is pure pandas: the dashboard and the CLI export call the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from indicators.dataset import Dataset
from indicators.frames.formatting import (
    SOURCE_KIND_RANK,
    _source_index,
    format_value,
    http_url,
    source_label,
)
from indicators.periods import parse_period


def _published_key(sources: pd.DataFrame) -> dict[str, tuple[int, str]]:
    """Each source's kind rank and publication date, by id: column-wise, since every chart
    asks for it on every cache miss (a row loop was half the cost of a trade chart)."""
    ranks = [SOURCE_KIND_RANK.get(k, 9) for k in sources["kind"].tolist()]
    pubs = [p if isinstance(p, str) else "" for p in sources["published"].tolist()]
    return dict(zip(sources["id"].tolist(), zip(ranks, pubs, strict=True), strict=True))


def representatives(
    obs: pd.DataFrame,
    sources: pd.DataFrame,
    keys: Sequence[str] = ("indicator", "reporter", "partner", "period", "unit"),
) -> pd.DataFrame:
    """One row per datapoint key, chosen among the sources that state it.

    Preference: an exact figure over a qualified one, the figure most sources agree on, an
    official source over media, the more recent publication. Every source stays listed in
    ``sources`` and the differing figures in ``alternatives``: nothing is dropped from view.
    """
    if obs.empty:
        out = obs.copy()
        for col in ("sources", "n_sources", "alternatives"):
            out[col] = pd.Series(dtype=object)
        return out
    ranks = _published_key(sources)
    n = len(obs)
    group = obs.groupby(list(keys), dropna=False, sort=False).ngroup().to_numpy()
    rounded = obs["value"].round(6).to_numpy()
    # How many of its group's sources state each row's (rounded) figure.
    agree = (
        pd.Series(np.ones(n, dtype=np.int64))
        .groupby([group, rounded], dropna=False)
        .transform("size")
        .to_numpy()
    )
    src = obs["source"].tolist()
    keyed = [ranks.get(s, (9, "")) for s in src]
    kind_rank = np.fromiter((k for k, _ in keyed), dtype=np.int64, count=n)
    pubs = [p for _, p in keyed]
    # Later publications first, in the order of the reference tuple of negated characters.
    pub_order = {p: i for i, p in enumerate(sorted(set(pubs), key=_neg))}
    pub_rank = np.fromiter((pub_order[p] for p in pubs), dtype=np.int64, count=n)
    no_pub = np.fromiter((p == "" for p in pubs), dtype=bool, count=n)
    qualifier = obs["qualifier"].to_numpy()
    not_exact = qualifier != "exact"
    # Groups in order of first appearance, then the preference; ties keep the data's order.
    first_seen = np.full(group.max() + 1, n, dtype=np.int64)
    np.minimum.at(first_seen, group, np.arange(n))
    order = np.lexsort(
        (np.arange(n), pub_rank, no_pub, kind_rank, -agree, not_exact, first_seen[group])
    )
    g_sorted = group[order]
    starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
    best_pos = order[starts]
    sizes = np.diff(np.r_[starts, n])
    values = obs["value"].to_numpy(dtype=float)
    value_max = obs["value_max"].tolist()
    value_list = values.tolist()
    qual_list = qualifier.tolist()
    best_of_row = np.repeat(best_pos, sizes)  # for each position in ``order``
    bv = values[best_of_row]
    ov = values[order]
    same = (np.abs(ov - bv) <= 1e-9 * np.maximum(np.abs(ov), np.abs(bv))) & (
        qualifier[order] == qualifier[best_of_row]
    )
    out = obs.iloc[best_pos].copy()
    for col in out.columns:
        # Rows rebuilt one by one used to turn a text column with no value at all into
        # floats (NaN); keep that, so downstream frames look the same.
        if isinstance(out[col].dtype, pd.StringDtype) and out[col].isna().all():
            out[col] = out[col].astype(float)
    all_sources: list[list[str]] = []
    alternatives: list[list[dict]] = []
    order_list = order.tolist()
    same_list = same.tolist()
    for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
        members = order_list[start : start + size]
        all_sources.append([src[i] for i in members])
        alternatives.append(
            [
                {
                    "value": value_list[i],
                    "qualifier": qual_list[i],
                    "source": src[i],
                    "value_max": value_max[i],
                }
                for j, i in enumerate(members[1:], start + 1)
                if not same_list[j]
            ]
        )
    out["sources"] = all_sources
    out["n_sources"] = sizes.astype(np.int64)
    out["alternatives"] = alternatives
    return out.reset_index(drop=True)


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def series(
    ds: Dataset,
    indicator: str | Sequence[str],
    *,
    reporters: Sequence[str] | None = None,
    partners: Sequence[str] | None = None,
    annual: bool | None = True,
    partial_label: str | None = None,
    basis: Sequence[str] = ("actual",),
    unit: str | None = None,
    years: tuple[int, int] | None = None,
    project: str | None = None,
) -> pd.DataFrame:
    """Observations of an indicator, filtered, with one representative per point."""
    obs = ds.observations
    if obs.empty:
        return representatives(obs, ds.sources)
    inds = [indicator] if isinstance(indicator, str) else list(indicator)
    mask = obs["indicator"].isin(inds) & obs["basis"].isin(basis)
    if reporters is not None:
        mask &= obs["reporter"].isin(reporters)
    if partners is not None:
        mask &= obs["partner"].isin(partners)
    if annual is True:
        mask &= obs["period_kind"] == "year"
    elif partial_label is not None:
        mask &= obs["partial_label"] == partial_label
    if unit is not None:
        mask &= obs["unit"] == unit
    if years is not None:
        mask &= obs["year"].between(years[0], years[1])
    if project is not None:
        mask &= obs["project"] == project
    picked = representatives(obs[mask], ds.sources)
    if picked.empty:
        return picked
    return picked.sort_values(["partner", "period_end"], kind="stable").reset_index(drop=True)


def partial_labels(ds: Dataset, indicator: str) -> list[str]:
    """The partial periods an indicator has (Jan–May, Jan–Jun, ...), most frequent first."""
    obs = ds.observations
    sub = obs[(obs["indicator"] == indicator) & obs["partial"]]
    return sub["partial_label"].value_counts().index.tolist()


@dataclass(frozen=True, slots=True)
class Headline:
    label: str
    value_text: str
    period: str
    source: str
    source_id: str
    delta_text: str | None
    n_sources: int
    indicator: str = ""
    period_end: str = ""


def headline(
    ds: Dataset, indicator: str, reporter: str, partner: str, label: str, *, annual: bool = True
) -> Headline | None:
    """The latest figure of a series, with the change on the previous period where the
    data has both as exact figures, and the source it comes from."""
    s = series(
        ds, indicator, reporters=[reporter], partners=[partner], annual=True if annual else None
    )
    if s.empty:
        return None
    s = s.sort_values("period_end")
    last = s.iloc[-1]
    delta = None
    if annual and len(s) > 1:
        prev = s[s["year"] == last["year"] - 1]
        if not prev.empty and last["qualifier"] == "exact" and prev.iloc[0]["qualifier"] == "exact":
            change = (last["value"] / prev.iloc[0]["value"] - 1) * 100
            delta = f"{change:+.1f}% on {int(prev.iloc[0]['year'])}"
    return Headline(
        label=label,
        value_text=format_value(last["value"], last["unit"], last["qualifier"], last["value_max"]),
        period=parse_period(last["period"]).label(),
        source=source_label(ds.sources, last["source"]),
        source_id=last["source"],
        delta_text=delta,
        n_sources=int(last["n_sources"]),
        indicator=str(last["indicator"]),
        period_end=str(last["period_end"]),
    )


def mirror_table(
    ds: Dataset,
    partners: Sequence[str],
    years: tuple[int, int] | None = None,
    indicator: str = "",
    focus: str = "",
) -> pd.DataFrame:
    """The focus's figure and the partner's own figure for the same trade, side by side.

    The focus's figure is ``reporter focus, partner X``; the partner's is ``reporter X,
    partner focus``. Both must be in the same unit and for the same period to be compared.
    """
    cols = [
        "partner",
        "period",
        "year",
        "focus_value",
        "partner_value",
        "gap_pct",
        "focus_source",
        "partner_source",
        "unit",
        "focus_qualifier",
        "partner_qualifier",
    ]
    obs = ds.observations
    if obs.empty or not indicator or not focus:
        return pd.DataFrame(columns=cols)
    base = obs[(obs["indicator"] == indicator) & (obs["basis"] == "actual")]
    mine = representatives(
        base[(base["reporter"] == focus) & base["partner"].isin(partners)], ds.sources
    )
    own = representatives(
        base[base["reporter"].isin(partners) & (base["partner"] == focus)], ds.sources
    )
    if mine.empty or own.empty:
        return pd.DataFrame(columns=cols)
    own = own.rename(columns={"reporter": "mirror_partner"})
    merged = mine.merge(
        own,
        left_on=["partner", "period", "unit"],
        right_on=["mirror_partner", "period", "unit"],
        suffixes=("_c", "_p"),
    )
    partner_value = merged["value_p"].astype(float)
    gap = (merged["value_c"].astype(float) / partner_value.where(partner_value != 0) - 1) * 100
    out = pd.DataFrame(
        {
            "partner": merged["partner_c"],
            "period": merged["period"],
            "year": merged["year_c"],
            "focus_value": merged["value_c"],
            "partner_value": merged["value_p"],
            "gap_pct": gap,
            "focus_source": merged["source_c"],
            "partner_source": merged["source_p"],
            "unit": merged["unit"],
            "focus_qualifier": merged["qualifier_c"],
            "partner_qualifier": merged["qualifier_p"],
        },
        columns=cols,
    )
    if years is not None and not out.empty:
        out = out[out["year"].between(years[0], years[1])]
    return out.sort_values(["partner", "period"]).reset_index(drop=True)


MIRROR_NOTE = (
    "Importers usually value goods including cost, insurance and freight (CIF) and by country "
    "of origin, counting trade that arrives through third countries; exporters value them free "
    "on board (FOB), attribute re-exports differently and may miss informal border trade. The "
    "two sides of the same trade therefore rarely agree."
)


def year_bounds(ds: Dataset, indicators: Sequence[str] | None = None) -> tuple[int, int]:
    obs = ds.observations
    if indicators is not None:
        obs = obs[obs["indicator"].isin(indicators)]
    if not obs.empty:
        obs = obs[obs["basis"] == "actual"]  # a 2030 target does not extend the data's years
    if obs.empty:
        this = date.today().year
        return this - 10, this
    return int(obs["year"].min()), int(obs["year"].max())


def datapoints_of_source(ds: Dataset, source_id: str) -> pd.DataFrame:
    obs = ds.observations
    return obs[obs["source"] == source_id]


def with_citations(obs: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Datapoints with their figure as stated (qualifier kept), a short citation and the
    source's address (http(s) only) for tables and CSVs."""
    index = _source_index(sources) if not sources.empty else {}
    # Once per source, not per datapoint: 100,000 datapoints cite a few hundred sources.
    ids = obs["source"].dropna().unique().tolist() if not obs.empty else []
    labels = {s: source_label(sources, s) for s in ids}
    urls = {s: http_url((index.get(s) or {}).get("url")) for s in ids}
    return obs.assign(
        figure=[
            format_value(v, u, q, m)
            for v, u, q, m in zip(
                obs["value"], obs["unit"], obs["qualifier"], obs["value_max"], strict=True
            )
        ],
        citation=[labels.get(s, s) for s in obs["source"]],
        url=[urls.get(s) for s in obs["source"]],
    )


def filter_observations(
    ds: Dataset,
    *,
    indicators: Sequence[str] | None = None,
    partners: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    sources: Sequence[str] | None = None,
    text: str = "",
) -> pd.DataFrame:
    """The Data page's filters: every argument narrows; empty means all."""
    obs = ds.observations
    mask = pd.Series(True, index=obs.index)
    if indicators:
        mask &= obs["indicator"].isin(indicators)
    if partners:
        mask &= obs["partner"].isin(partners) | obs["reporter"].isin(partners)
    if years is not None:
        mask &= obs["year"].between(years[0], years[1])
    if sources:
        mask &= obs["source"].isin(sources)
    if text:
        needle = text.casefold()
        hay = (
            obs["indicator"].astype(str)
            + " "
            + obs["note"].fillna("").astype(str)
            + " "
            + obs["source"].astype(str)
            + " "
            + obs["project"].fillna("").astype(str)
            + " "
            + obs["period"].astype(str)
            + " "
            + obs["reporter"].fillna("").astype(str)
            + " "
            + obs["partner"].fillna("").astype(str)
        )
        mask &= hay.str.casefold().str.contains(needle, regex=False)
    return obs[mask]
