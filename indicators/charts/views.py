"""The dashboard's charts as functions of the dataset and the user's filters.

A page reads its widgets and calls one of these; ``indicators export`` calls the same
functions with their defaults. So what an analyst exports is what they saw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from indicators.charts import maps, style, timeline, trade
from indicators.charts.describe import describe
from indicators.dataset import Dataset
from indicators.frames import labels as L
from indicators.frames import roles as R
from indicators.frames import tidy as F
from indicators.periods import parse_period


def _years_text(years: tuple[int, int] | None) -> str:
    return f"{years[0]}–{years[1]}" if years else "all years"


def _stamp(fig: go.Figure, ds: Dataset) -> go.Figure:
    """What a finished figure carries: the dataset and licence an exported image's footer
    names, and its description (for screen readers and alt text), made once here rather
    than on every rerun that draws the cached figure."""
    rel = ds.relationship
    fig.update_layout(
        meta={
            **(fig.layout.meta or {}),
            "project": rel.title,
            "licence": rel.licence,
            "description": describe(fig),
        }
    )
    return fig


def _context(ds: Dataset) -> dict:
    """What every chart builder needs to know about the dataset: names and colours."""
    return {"sources": ds.sources, "names": F.entity_names(ds), "colours": style.colours(ds)}


def _measure_indicator(ds: Dataset, measure: str) -> str | None:
    return R.trade_measures(ds).get(measure)


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
    ex = F.series(ds, _measure_indicator(ds, "exports") or "", **kw)
    im = F.series(ds, _measure_indicator(ds, "imports") or "", **kw)
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
        merged["qualifier"].isin(F.LOWER + F.UPPER) | merged["qualifier_im"].isin(F.LOWER + F.UPPER)
    )
    out["note"] = [
        f"exports {F.format_value(e, u)} less imports {F.format_value(i, u)}"
        for e, i, u in zip(merged["value"], merged["value_im"], merged["unit"], strict=True)
    ]
    out["alternatives"] = [[] for _ in range(len(out))]
    return out[keep.to_numpy()].reset_index(drop=True)


def _view(ds: Dataset, view: str | None) -> str:
    return view or ds.relationship.focus


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
    view = _view(ds, view)
    partners = list(partners) if partners is not None else R.default_partners(ds, view)
    annual = period == "annual"
    partial = None if annual else period
    groups = R.groups(ds)
    own = [(view, p) for p in partners]
    mirrored = [(p, view) for p in partners if p not in groups]
    pairs = {"view": own, "partner": mirrored}.get(reporter, own + mirrored)
    indicator = _measure_indicator(ds, measure)
    frames = []
    for rep, par in pairs:
        if measure == "balance":
            frames.append(
                _balance(ds, [rep], [par], annual=annual, partial_label=partial, years=years)
            )
        elif indicator is not None:
            frames.append(
                F.series(
                    ds,
                    indicator,
                    reporters=[rep],
                    partners=[par],
                    annual=annual,
                    partial_label=partial,
                    years=years,
                    unit="USD",
                )
            )
    frames = [f for f in frames if not f.empty]
    if not frames:
        return F.series(ds, "__none__")
    out = pd.concat(frames, ignore_index=True)
    # A partner's own figure (reporter KAZ, partner the view) is drawn in the partner's
    # colour; the reporter column still tells the two sides apart.
    flip = out["partner"] == view
    out.loc[flip, "partner"] = out.loc[flip, "reporter"]
    return out


def default_years(ds: Dataset, span: int = 13) -> tuple[int, int]:
    """The recent years where the series are dense: the last ``span`` years with data."""
    total = _measure_indicator(ds, "total")
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
    view = _view(ds, view)
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
    total_id = _measure_indicator(ds, "total")
    # The share of a total: the group's figure where the view is the focus.
    whole = rel.group if view == rel.focus else None
    total = None
    if share and whole:
        points = points[points["partner"] != whole]
        total = F.series(
            ds,
            _measure_indicator(ds, measure) or total_id or "",
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
    return _stamp(
        trade.build_trade_timeline(
            points,
            **_context(ds),
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
) -> tuple[go.Figure, pd.DataFrame]:
    view = _view(ds, view)
    chosen = _mirror_partners(ds, view, partners)
    table = F.mirror_table(
        ds, chosen, years, indicator=_measure_indicator(ds, "total") or "", focus=view
    )
    who = R.name(ds, view)
    fig = trade.build_mirror_chart(
        table,
        **_context(ds),
        view=view,
        view_name=who,
        subtitle=f"Total trade, {_years_text(years)}: {who}'s figures against each partner's "
        "own statistics, US dollars",
    )
    return _stamp(fig, ds), table


def _mirror_partners(ds: Dataset, view: str, partners: Sequence[str] | None) -> list[str]:
    """Mirror statistics pair two reporters: groups are left out; none chosen means all."""
    groups = R.groups(ds)
    chosen = [p for p in (partners or ()) if p not in groups]
    return chosen or [p for p in R.counterparts(ds, view) if p not in groups]


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
    return _stamp(
        trade.build_dated_points(
            points,
            **_context(ds),
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


def map_partners(ds: Dataset) -> list[str]:
    """The countries the map shades: the focus's counterparts that are not groups."""
    groups = R.groups(ds)
    return [p for p in R.counterparts(ds, ds.relationship.focus) if p not in groups]


def map_series(ds: Dataset, indicator: str | None = None, year: int | None = None) -> pd.DataFrame:
    """The focus's figures with each counterpart, for the map's shading."""
    indicator = indicator or _measure_indicator(ds, "total") or ""
    return F.series(
        ds,
        indicator,
        reporters=[ds.relationship.focus],
        partners=map_partners(ds),
        unit="USD",
        years=(year, year) if year else None,
    )


def map_indicators(ds: Dataset) -> dict[str, str]:
    """The map's shadings: the catalog's trade measures, labelled from the focus's view."""
    return {ind: R.measure_label(ds, role) for role, ind in R.trade_measures(ds).items()}


def map_years(ds: Dataset, indicator: str | None = None) -> list[int]:
    s = map_series(ds, indicator)
    return sorted(int(y) for y in s["year"].unique()) if not s.empty else []


def default_map_year(ds: Dataset, indicator: str | None = None) -> int | None:
    """The latest year in which the most partners have a figure: a map of one country
    shaded is a poor default."""
    s = map_series(ds, indicator)
    if s.empty:
        return None
    counts = s.groupby("year")["partner"].nunique()
    return int(counts[counts == counts.max()].index.max())


def map_view(
    ds: Dataset,
    *,
    indicator: str | None = None,
    year: int | None = None,
    show_projects: bool = True,
    colour_by: str = "kind",
    height: int = 620,
    chart_id: str = "map",
    kinds: Sequence[str] | None = None,
    today: date | None = None,
) -> go.Figure:
    rel = ds.relationship
    indicator = indicator or _measure_indicator(ds, "total") or ""
    if year is None:
        year = default_map_year(ds, indicator)
    values = map_series(ds, indicator, year) if year else map_series(ds, indicator).iloc[0:0]
    projects = ds.projects
    if kinds:
        projects = projects[projects["kind"].isin(kinds)]
    figures = ds.observations[ds.observations["project"].notna()]
    ind_name = map_indicators(ds).get(indicator) or R.indicator_name(ds, indicator)
    focus = R.name(ds, rel.focus)
    return _stamp(
        maps.build_map(
            values,
            projects,
            **_context(ds),
            focus=rel.focus,
            indicator_name=ind_name,
            year=year,
            figures=figures,
            title="Trade and connectivity" if show_projects else "Trade by partner",
            subtitle=f"{ind_name} with {focus} in {year or 'n/a'} ({focus}'s data, US dollars)"
            + ("; corridor and infrastructure projects" if show_projects else ""),
            chart_id=chart_id,
            colour_by=colour_by,
            show_projects=show_projects,
            height=height,
            today=today,
        ),
        ds,
    )


def timeline_view(
    ds: Dataset,
    *,
    kinds: Sequence[str] | None = None,
    top_level_only: bool = False,
    show_events: bool = True,
    today: date | None = None,
    chart_id: str = "timeline",
) -> go.Figure:
    rows = F.gantt_rows(ds, today)
    if kinds:
        rows = rows[rows["kind"].isin(kinds)]
    if top_level_only:
        rows = rows[rows["part_of"].isna()]
    return _stamp(
        timeline.build_gantt(
            rows,
            milestones=ds.milestones,
            events=ds.events if show_events else None,
            sources=ds.sources,
            projects=ds.projects,
            subtitle="From the start of construction (else the first dated status or milestone) "
            "to completion, or to today while under way",
            chart_id=chart_id,
            today=today,
        ),
        ds,
    )


def status_view(ds: Dataset) -> go.Figure:
    return _stamp(
        timeline.build_status_bars(
            ds.projects,
            sources=ds.sources,
            subtitle="Corridor and infrastructure projects (sections counted with their project)",
        ),
        ds,
    )


def _volume_points(ds: Dataset) -> pd.DataFrame:
    """Every project's volume datapoints that a volume chart can draw."""
    obs = ds.observations
    if obs.empty:
        return obs
    return obs[
        obs["project"].notna()
        & obs["indicator"].isin(R.volume_indicators(ds))
        & (obs["basis"] == "actual")
        & ~obs["period_kind"].isin(["cumulative"])
    ]


def _ranked_series(points: pd.DataFrame) -> list[tuple[str, str]]:
    """(project, indicator) pairs, the longest series first: most years, then most points."""
    if points.empty:
        return []
    g = (
        points.groupby(["project", "indicator"])
        .agg(years=("year", "nunique"), n=("year", "size"))
        .reset_index()
    )
    g = g.sort_values(
        ["years", "n", "project", "indicator"], ascending=[False, False, True, True], kind="stable"
    )
    return list(zip(g["project"], g["indicator"], strict=True))


def volume_indicators(ds: Dataset, project: str) -> list[str]:
    """A project's volume series, the longest first."""
    pts = _volume_points(ds)
    return [i for p, i in _ranked_series(pts[pts["project"] == project])] if not pts.empty else []


def default_volume_project(ds: Dataset) -> str | None:
    """The project with the longest volume series."""
    ranked = _ranked_series(_volume_points(ds))
    return ranked[0][0] if ranked else None


def volumes_view(
    ds: Dataset,
    *,
    project: str | None = None,
    indicator: str | None = None,
    chart_id: str = "project-volumes",
) -> go.Figure:
    project = project or default_volume_project(ds) or ""
    options = volume_indicators(ds, project)
    indicator = indicator or (options[0] if options else "")
    obs = ds.observations
    sub = obs[
        (obs["project"] == project)
        & (obs["indicator"] == indicator)
        & (obs["basis"] == "actual")
        & ~obs["period_kind"].isin(["cumulative"])
    ]
    points = F.representatives(sub, ds.sources)
    pname = ds.projects.loc[ds.projects["id"] == project, "name"]
    name = str(pname.iloc[0]) if not pname.empty else "No project"
    what = R.indicator_name(ds, indicator).lower() if indicator else "no volume series"
    return _stamp(
        timeline.build_volume_series(
            points,
            **_context(ds),
            title=f"{name}: {what}",
            subtitle="Volumes by period as stated by the sources",
            chart_id=chart_id,
        ),
        ds,
    )


def stated_growth(
    ds: Dataset, partners: Sequence[str], years: tuple[int, int], view: str | None = None
) -> pd.DataFrame:
    """Trade growth rates as sources state them, next to the growth the levels give."""
    cols = ["Partner", "Period", "Compared with", "Stated", "Derived from levels", "Source"]
    obs = ds.observations
    growth = R.role_indicator(ds, "growth")
    total = _measure_indicator(ds, "total")
    if obs.empty or growth is None or total is None:
        return pd.DataFrame(columns=cols)
    view = _view(ds, view)
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
                "Stated": F.format_value(value, "percent", qualifier),
                "Derived from levels": derived,
                "Source": F.source_label(ds.sources, source),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def investment_points(
    ds: Dataset, *, partners: Sequence[str], indicators: Sequence[str], years: tuple[int, int]
) -> pd.DataFrame:
    """Every investment datapoint behind the filters, with its figure as stated and its
    citation: the page's table and its CSV."""
    obs = ds.observations
    shown = obs[
        obs["indicator"].isin(indicators)
        & obs["year"].between(*years)
        & (obs["partner"].isin(partners) | obs["reporter"].isin(partners))
    ]
    return F.with_citations(shown, ds.sources)


def indicators_with_data(ds: Dataset, topic: str) -> list[str]:
    """The indicators of a topic that have at least one datapoint, in the catalogue's order."""
    inds = ds.indicators[ds.indicators["topic"] == topic]
    present = set(ds.observations["indicator"].unique()) if not ds.observations.empty else set()
    return [i for i in inds["id"] if i in present]


def mirror_rows(
    ds: Dataset,
    *,
    partners: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    view: str | None = None,
) -> pd.DataFrame:
    """The mirror table as the Trade page lists it: figures as stated, gap, short citations."""
    view = _view(ds, view)
    table = F.mirror_table(
        ds,
        _mirror_partners(ds, view, partners),
        years,
        indicator=_measure_indicator(ds, "total") or "",
        focus=view,
    )
    names = F.entity_names(ds)
    labels = {
        s: F.source_label(ds.sources, s) for s in {*table["focus_source"], *table["partner_source"]}
    }
    return pd.DataFrame(
        {
            "partner": table["partner"].map(names),
            "period": [parse_period(p).label() for p in table["period"]],
            "focus": [
                F.format_value(v, u, q)
                for v, u, q in zip(
                    table["focus_value"], table["unit"], table["focus_qualifier"], strict=True
                )
            ],
            "own": [
                F.format_value(v, u, q)
                for v, u, q in zip(
                    table["partner_value"], table["unit"], table["partner_qualifier"], strict=True
                )
            ],
            "gap": [f"{g:+.0f}%" if abs(g) >= 0.5 else "±0%" for g in table["gap_pct"]],
            "focus_source": [labels.get(s, s) for s in table["focus_source"]],
            "partner_source": [labels.get(s, s) for s in table["partner_source"]],
        },
        columns=["partner", "period", "focus", "own", "gap", "focus_source", "partner_source"],
    )


def projects_with_volumes(ds: Dataset) -> list[str]:
    """Projects with a volume series (gas, oil, trains…), in the projects' order."""
    pts = _volume_points(ds)
    if pts.empty or ds.projects.empty:
        return []
    present = set(pts["project"])
    return [p for p in ds.projects["id"] if p in present]


def events_table(ds: Dataset) -> pd.DataFrame:
    """The relationship's events for the Timeline page's table, each with its citations."""
    ev = ds.events
    cols = ["Date", "Event", "Kind", "Place", "Countries", "Sources"]
    if ev.empty:
        return pd.DataFrame(columns=cols)
    lab = L.of(ds)
    return pd.DataFrame(
        {
            "Date": ev["date"].map(F.format_date),
            "Event": ev["name"].map(lab.prose),
            "Kind": ev["kind"].map(L.word),
            "Place": ev["place"].map(lambda p: p if isinstance(p, str) else ""),
            "Countries": ev["countries"].map(lab.entities_of),
            "Sources": ev["sources"].map(
                lambda cs: "; ".join(
                    f"{F.source_label(ds.sources, c['source'])} ({c['locator']})" for c in cs
                )
            ),
        },
        columns=cols,
    )


def sources_table(ds: Dataset) -> pd.DataFrame:
    """Every registered source with the number of datapoints it supports (Sources page)."""
    src = ds.sources
    counts = ds.observations["source"].value_counts() if not ds.observations.empty else {}
    return src.assign(
        datapoints=src["id"].map(counts).fillna(0).astype(int),
        published=src["published"].map(F.format_date),
        url=src["url"].map(F.http_url),
        kind=src["kind"].map(L.word),
        published_note=src["published_note"].map(L.of(ds).prose),
        url_note=src["url_note"].map(L.of(ds).prose),
    )


def citation(row: pd.Series) -> str:
    """A row of ``sources_table`` as one citation line: who, when (and why the date is
    uncertain), and where, or why the address is unknown."""

    def text(key: str) -> str:
        value = row.get(key)
        return value if isinstance(value, str) else ""

    original = f" (originally {text('original_publisher')})" if text("original_publisher") else ""
    when = text("published") or "date unknown"
    note = f"; {text('published_note')}" if text("published_note") else ""
    where = text("url") or f"Address unknown: {text('url_note') or 'not recorded'}"
    return f"{text('publisher')}{original}, {when}{note}. {where}"


# The Sources page's columns, as readers see them: the title first, no slug.
SOURCE_COLUMNS = {
    "title": "Title",
    "publisher": "Publisher",
    "original_publisher": "Originally published by",
    "published": "Published",
    "published_note": "Date note",
    "kind": "Kind",
    "language": "Language",
    "datapoints": "Datapoints",
    "url": "Address",
    "url_note": "Address note",
}


# The Data page: every datapoint with its figure as stated and its citation.
DATA_COLUMNS = [
    "indicator",
    "reporter",
    "partner",
    "period",
    "figure",
    "value_as_stated",
    "unit_as_stated",
    "qualifier",
    "basis",
    "value",
    "unit",
    "citation",
    "locator",
    "url",
    "note",
    "project",
    "source",
    "file",
    "line",
]
# Rows the Data page's table shows at most; the CSV holds every matching row. Sending
# 100,000 rows to the browser on each rerun took seconds, and nobody reads them on screen.
DATA_ROWS_SHOWN = 1000


def data_filter_options(ds: Dataset) -> tuple[list[str], list[str], list[str]]:
    """The Data page's choices: indicators and countries with datapoints, and sources."""
    obs = ds.observations
    indicators = sorted(obs["indicator"].unique()) if not obs.empty else []
    entities = (
        sorted(set(obs["partner"].dropna()) | set(obs["reporter"].dropna()))
        if not obs.empty
        else []
    )
    sources = sorted(ds.sources["id"]) if not ds.sources.empty else []
    return indicators, entities, sources


def data_table(ds: Dataset) -> pd.DataFrame:
    """Every datapoint as the Data page lists it (and its CSV holds it)."""
    return F.with_citations(ds.observations, ds.sources)[DATA_COLUMNS]


def data_rows(
    ds: Dataset,
    *,
    indicators: Sequence[str] = (),
    partners: Sequence[str] = (),
    years: tuple[int, int] | None = None,
    sources: Sequence[str] = (),
    text: str = "",
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The datapoints matching the Data page's filters, in the order of the data. ``table``
    is :func:`data_table` of ``ds`` when the caller has it already (the dashboard caches it),
    so a change of filter only selects rows."""
    shown = F.filter_observations(
        ds, indicators=indicators, partners=partners, years=years, sources=sources, text=text
    )
    if table is not None and table.index.is_unique and table.index.equals(ds.observations.index):
        return table.loc[shown.index]
    return F.with_citations(shown, ds.sources)[DATA_COLUMNS]


def data_caption(matching: int, total: int, limit: int = DATA_ROWS_SHOWN) -> str:
    """What the Data page's table holds: all matching rows, or the first ``limit`` of them
    with the CSV holding all."""
    if matching <= limit:
        return f"{matching:,} of {total:,} datapoints"
    return (
        f"{matching:,} of {total:,} datapoints match these filters; the table shows the "
        f"first {limit:,} (sorting a column sorts those only). Narrow the filters, or "
        f"download the CSV: it holds all {matching:,}."
    )


def consistency_tables(ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Data page's consistency checks, formatted: members' sums against regional totals,
    and stated shares against the share the levels give."""
    from indicators.frames import consistency

    sums = consistency.sums_against_totals(ds)
    labels = {s: F.source_label(ds.sources, s) for s in sums["total_source"].unique()}
    lab = L.of(ds)
    sums = pd.DataFrame(
        {
            "Reporter": sums["reporter"].map(lab.entity),
            "Period": sums["period"].map(L.period),
            "Total": [F.format_value(v, "USD") for v in sums["total"]],
            "Sum of members": [F.format_value(v, "USD") for v in sums["sum_of_members"]],
            "Gap": [f"{g:+.2f}%" for g in sums["gap_pct"]],
            "Members": sums["members"],
            "Source of the total": [labels.get(s, s) for s in sums["total_source"]],
            "Within tolerance": sums["ok"],
        }
    )
    shares = consistency.shares_against_levels(ds)
    labels = {s: F.source_label(ds.sources, s) for s in shares["source"].unique()}
    shares = pd.DataFrame(
        {
            "Reporter": shares["reporter"].map(lab.entity),
            "Partner": shares["partner"].map(lab.entity),
            "Share of": shares["share_of"].map(lab.entity),
            "Period": shares["period"].map(L.period),
            "Stated (%)": shares["stated_pct"],
            "From levels (%)": shares["from_levels_pct"].round(2),
            "Gap (points)": shares["gap_points"].round(2),
            "Source": [labels.get(s, s) for s in shares["source"]],
            "Within tolerance": shares["ok"],
        }
    )
    return sums, shares


@dataclass(frozen=True, slots=True)
class ChartDef:
    id: str
    description: str
    build: Callable[[Dataset], go.Figure]


def overview_partners(ds: Dataset) -> tuple[str, ...]:
    """The Overview's trade chart: the partners' total, else the first partner."""
    rel = ds.relationship
    return (rel.group,) if rel.group else tuple(rel.partners[:1])


def standard_charts(ds: Dataset | None = None) -> list[ChartDef]:
    """One per dashboard chart, with the dashboard's default filters; described from the
    dataset's relationship where it is given (the ids are the same for every dataset)."""
    rel = ds.relationship if ds is not None else None
    pair = R.counterparts_label(ds) if ds is not None else "the focus with its partners"
    focus = R.name(ds, rel.focus) if ds is not None and rel is not None else "the focus"
    project = default_volume_project(ds) if ds is not None else None
    volumes = "Projects: the longest volume series"
    if ds is not None and project:
        pname = ds.projects.loc[ds.projects["id"] == project, "name"].tolist() or [project]
        series = R.indicator_name(ds, volume_indicators(ds, project)[0]).lower()
        volumes = f"Projects: {series}, {pname[0]}"
    return [
        ChartDef(
            "overview-trade",
            f"Overview: {pair}, total trade by year",
            lambda d: trade_view(
                d,
                partners=overview_partners(d),
                chart_id="overview-trade",
                show_events=True,
                height=380,
            ),
        ),
        ChartDef(
            "overview-map",
            "Overview: trade by partner on the map, latest year",
            lambda d: map_view(d, show_projects=False, chart_id="overview-map", height=460),
        ),
        ChartDef(
            "project-status",
            "Overview: corridor and infrastructure projects by status",
            status_view,
        ),
        ChartDef(
            "trade-timeline",
            "Trade: total trade by partner and year, with summits",
            lambda d: trade_view(d),
        ),
        ChartDef(
            "trade-mirror",
            f"Trade: {focus}'s and partners' statistics side by side",
            lambda d: mirror_view(d)[0],
        ),
        ChartDef(
            "investment",
            "Investment: stocks, cumulative totals and pledges",
            lambda d: investment_view(d),
        ),
        ChartDef(
            "map", "Map: trade shading, corridor routes and project points", lambda d: map_view(d)
        ),
        ChartDef(
            "timeline",
            "Timeline: projects as a Gantt with milestones and events",
            lambda d: timeline_view(d, top_level_only=True),
        ),
        ChartDef("project-volumes", volumes, lambda d: volumes_view(d)),
    ]
