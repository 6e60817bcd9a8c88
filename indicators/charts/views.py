"""The dashboard's charts as functions of the dataset and the user's filters.

A page reads its widgets and calls one of these; ``indicators export`` calls the same
functions with their defaults. So what an analyst exports is what they saw.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from indicators.charts import dated, margins, style, trade
from indicators.charts.describe import describe
from indicators.dataset import Dataset
from indicators.frames import formatting as fmt
from indicators.frames import labels as L
from indicators.frames import roles as R
from indicators.frames import tidy as F
from indicators.frames.tables import indicators_with_data


def _years_text(years: tuple[int, int] | None) -> str:
    return f"{years[0]}–{years[1]}" if years else "all years"


def stamp(fig: go.Figure, ds: Dataset) -> go.Figure:
    """What a finished figure carries: the dataset and licence an exported image's footer
    names, its description (for screen readers and alt text) and margins that hold its
    axis labels on the first draw, made once here rather than on every rerun that draws
    the cached figure."""
    rel = ds.relationship
    margins.fit(fig)
    fig.update_layout(
        meta={
            **(fig.layout.meta or {}),
            "project": rel.title,
            "licence": rel.licence,
            "description": describe(fig),
        }
    )
    return fig


def context(ds: Dataset) -> dict:
    """What every chart builder needs to know about the dataset: names and colours."""
    return {"sources": ds.sources, "names": fmt.entity_names(ds), "colours": style.colours(ds)}


def _balance(
    ds: Dataset,
    reporters: Sequence[str],
    partners: Sequence[str],
    *,
    annual: bool,
    partial_label: str | None,
    years: tuple[int, int] | None,
) -> pd.DataFrame:
    """Exports minus imports where both are stated for the same pair and period."""
    kw = {
        "reporters": reporters,
        "partners": partners,
        "annual": annual,
        "partial_label": partial_label,
        "years": years,
    }
    ex = F.series(ds, R.trade_measure(ds, "exports") or "", **kw)
    im = F.series(ds, R.trade_measure(ds, "imports") or "", **kw)
    if ex.empty or im.empty:
        return ex.iloc[0:0]
    merged = ex.merge(im, on=["reporter", "partner", "period", "unit"], suffixes=("", "_im"))
    out = merged[ex.columns].copy()
    out["value"] = merged["value"] - merged["value_im"]
    out["indicator"] = "balance"
    # A balance of two bounds is no figure at all; one of two approximations is approximate.
    out["qualifier"] = [
        q if q == qi else "approximately"
        for q, qi in zip(merged["qualifier"], merged["qualifier_im"], strict=True)
    ]
    keep = ~(
        merged["qualifier"].isin(fmt.LOWER + fmt.UPPER)
        | merged["qualifier_im"].isin(fmt.LOWER + fmt.UPPER)
    )
    out["note"] = [
        f"exports {fmt.format_value(e, u)} less imports {fmt.format_value(i, u)}"
        for e, i, u in zip(merged["value"], merged["value_im"], merged["unit"], strict=True)
    ]
    out["alternatives"] = [[] for _ in range(len(out))]
    return out[keep.to_numpy()].reset_index(drop=True)


def trade_points(
    ds: Dataset,
    *,
    partners: Sequence[str] | None = None,
    measure: str = "total",
    view: str | None = None,
    reporter: str = "view",
    period: str = "annual",
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The datapoints the trade chart draws. ``view``: whose trade (the focus by default);
    ``reporter``: ``view`` (its own statistics), ``partner`` (each partner's statistics of
    the same trade) or ``both``."""
    view = R.view_of(ds, view)
    partners = list(partners) if partners is not None else R.default_partners(ds, view)
    annual = period == "annual"
    partial = None if annual else period
    groups = R.groups(ds)
    own = [(view, p) for p in partners]
    mirrored = [(p, view) for p in partners if p not in groups]
    pairs = {"view": own, "partner": mirrored}.get(reporter, own + mirrored)
    indicator = R.trade_measure(ds, measure)
    kw = {"annual": annual, "partial_label": partial, "years": years}
    frames = []
    if measure == "balance":
        frames = [_balance(ds, [rep], [par], **kw) for rep, par in pairs]
    elif indicator is not None:
        # One selection per side rather than one per pair: reporter and partner are part of a
        # datapoint's key, so each pair's representatives are the same rows either way.
        sides = [
            ("view", [view], [p for _, p in own]),
            ("partner", [r for r, _ in mirrored], [view]),
        ]
        for side, reps, pars in sides:
            if reporter in (side, "both") and reps and pars:
                frames.append(
                    F.series(ds, indicator, reporters=reps, partners=pars, unit="USD", **kw)
                )
    frames = [f for f in frames if not f.empty]
    if not frames:
        return F.series(ds, "__none__")
    out = pd.concat(frames, ignore_index=True)
    # In the order of the pairs asked for, each pair's points by date.
    rank = {pair: i for i, pair in enumerate(pairs)}
    at = [rank.get(pair, len(rank)) for pair in zip(out["reporter"], out["partner"], strict=True)]
    out = out.iloc[np.argsort(at, kind="stable")].reset_index(drop=True)
    # A partner's own figure (reporter KAZ, partner the view) is drawn in the partner's
    # colour; the reporter column still tells the two sides apart.
    flip = out["partner"] == view
    out.loc[flip, "partner"] = out.loc[flip, "reporter"]
    return out


def default_years(ds: Dataset, span: int = 13) -> tuple[int, int]:
    """The recent years where the series are dense: the last ``span`` years with data."""
    total = R.trade_measure(ds, "total")
    lo, hi = F.year_bounds(ds, [total] if total else None)
    return max(lo, hi - span), hi


def trade_view(
    ds: Dataset,
    *,
    partners: Sequence[str] | None = None,
    measure: str = "total",
    view: str | None = None,
    reporter: str = "view",
    style: str = "line",
    share: bool = False,
    years: tuple[int, int] | None = None,
    period: str = "annual",
    show_events: bool = True,
    show_targets: bool = True,
    chart_id: str = "trade-timeline",
    height: int = 480,
) -> go.Figure:
    rel = ds.relationship
    view = R.view_of(ds, view)
    partners = list(partners) if partners is not None else R.default_partners(ds, view)
    years = years or default_years(ds)
    points = trade_points(
        ds,
        partners=partners,
        measure=measure,
        view=view,
        reporter=reporter,
        period=period,
        years=years,
    )
    total_id = R.trade_measure(ds, "total")
    # The share of a total: the group's figure where the view is the focus.
    whole = rel.group if view == rel.focus else None
    total = None
    if share and whole:
        points = points[points["partner"] != whole]
        total = F.series(
            ds,
            R.trade_measure(ds, measure) or total_id or "",
            reporters=[view],
            partners=[whole],
            annual=period == "annual",
            partial_label=None if period == "annual" else period,
            years=years,
            unit="USD",
        )
    targets = None
    if show_targets and measure == "total" and period == "annual" and total_id:
        targets = F.series(
            ds,
            total_id,
            reporters=[view, *partners],
            partners=[*partners, view],
            annual=True,
            basis=("target",),
            unit="USD",
        )
        if not targets.empty:
            targets = targets[(targets["reporter"] == view) | (targets["partner"] == view)]
            flip = targets["partner"] == view
            targets.loc[flip, "partner"] = targets.loc[flip, "reporter"]
            targets = targets[targets["partner"].isin(partners) & (targets["year"] >= years[0])]
    who_name = R.name(ds, view)
    who = {
        "view": f"{who_name}'s figures",
        "partner": "the partners' own figures",
        "both": f"{who_name}'s and the partners' figures (partners' dotted)",
    }.get(reporter, f"{who_name}'s figures")
    period_text = "calendar years" if period == "annual" else f"{period} of each year"
    title = R.measure_label(ds, measure, view)
    if share and whole:
        title += f" (share of {R.name(ds, view)}–{R.name(ds, whole)} total)"
    subtitle = (
        f"{R.counterparts_label(ds, view, partners)}, {period_text}, "
        f"{_years_text(years)}; {who}; " + ("% of total" if share and whole else "US dollars")
    )
    if targets is not None and not targets.empty and not (share and whole):
        last = int(targets["year"].max())
        if last > years[1]:
            # Said where the axis is read: the years run past those chosen.
            subtitle += f"; targets to {last} widen the axis"
    return stamp(
        trade.build_trade_timeline(
            points,
            **context(ds),
            events=ds.events if show_events else None,
            style=style,
            share_of=total,
            targets=targets,
            title=title,
            subtitle=subtitle,
            chart_id=chart_id,
            height=height,
            view=view,
            group=rel.group,
        ),
        ds,
    )


def mirror_view(
    ds: Dataset,
    *,
    partners: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    view: str | None = None,
    chart_id: str = "trade-mirror",
) -> tuple[go.Figure, pd.DataFrame]:
    view = R.view_of(ds, view)
    chosen = R.mirror_partners(ds, view, partners)
    table = F.mirror_table(
        ds, chosen, years, indicator=R.trade_measure(ds, "total") or "", focus=view
    )
    who = R.name(ds, view)
    fig = trade.build_mirror_chart(
        table,
        **context(ds),
        view=view,
        view_name=who,
        chart_id=chart_id,
        subtitle=f"Total trade, {_years_text(years)}: {who}'s figures against each partner's "
        "own statistics, US dollars",
    )
    return stamp(fig, ds), table


def investment_view(
    ds: Dataset,
    *,
    partners: Sequence[str] | None = None,
    indicators: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    include_pledges: bool = True,
    show_events: bool = False,
    chart_id: str = "investment",
) -> go.Figure:
    rel = ds.relationship
    partners = list(partners) if partners is not None else list(rel.declared)
    indicators = list(indicators) if indicators is not None else default_investment(ds)
    obs = ds.observations
    basis = ("actual", "pledge", "target") if include_pledges else ("actual",)
    mask = (
        obs["indicator"].isin(indicators)
        & obs["basis"].isin(basis)
        & obs["unit"].eq("USD")
        & (obs["partner"].isin(partners) | obs["reporter"].isin(partners))
    )
    if years is not None:
        mask &= obs["year"].between(years[0], years[1])
    points = F.representatives(
        obs[mask], ds.sources, keys=("indicator", "reporter", "partner", "period", "unit", "basis")
    )
    return stamp(
        dated.build_dated_points(
            points,
            **context(ds),
            indicator_names=L.of(ds).indicators,
            focus=rel.focus,
            group=rel.group,
            title=f"Investment: {R.counterparts_label(ds, rel.focus, partners)}",
            subtitle=f"Stocks and cumulative totals at the date they refer to, "
            f"{_years_text(years)}; US dollars",
            chart_id=chart_id,
            events=ds.events if show_events else None,
        ),
        ds,
    )


def default_investment(ds: Dataset) -> list[str]:
    """The investment indicators drawn by default: the catalog's headline ones with data,
    else every investment indicator with data."""
    present = indicators_with_data(ds, "investment")
    return [i for i in R.headline_indicators(ds, "investment") if i in present] or present
