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

from . import charts
from . import frames as F
from .dataset import Dataset

PARTNERS = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
MEASURES = {"total": "trade_total", "exports": "exports", "imports": "imports",
            "balance": "balance"}
MEASURE_LABELS = {"total": "Total trade", "exports": "China's exports",
                  "imports": "China's imports", "balance": "Trade balance (exports − imports)"}
INVESTMENT_INDICATORS = ("fdi_stock", "investment_cumulative", "fdi_flow")
VOLUME_INDICATORS = ("gas_volume", "oil_imports", "oil_volume", "oil_transit", "train_trips",
                     "container_volume", "cargo_volume", "transit_containers")


def _years_text(years: tuple[int, int] | None) -> str:
    return f"{years[0]}–{years[1]}" if years else "all years"


def _balance(ds: Dataset, reporters: Sequence[str], partners: Sequence[str], *, annual: bool,
             partial_label: str | None, years: tuple[int, int] | None) -> pd.DataFrame:
    """Exports minus imports where both are stated for the same pair and period."""
    kw = {"reporters": reporters, "partners": partners, "annual": annual,
          "partial_label": partial_label, "years": years}
    ex = F.series(ds, "exports", **kw)
    im = F.series(ds, "imports", **kw)
    if ex.empty or im.empty:
        return ex.iloc[0:0]
    merged = ex.merge(im, on=["reporter", "partner", "period", "unit"], suffixes=("", "_im"))
    out = merged[ex.columns].copy()
    out["value"] = merged["value"] - merged["value_im"]
    out["indicator"] = "balance"
    # A balance of two bounds is no figure at all; one of two approximations is approximate.
    out["qualifier"] = [q if q == qi else "approximately"
                        for q, qi in zip(merged["qualifier"], merged["qualifier_im"], strict=True)]
    keep = ~(merged["qualifier"].isin(F.LOWER + F.UPPER)
             | merged["qualifier_im"].isin(F.LOWER + F.UPPER))
    out["note"] = [f"exports {F.format_value(e, u)} less imports {F.format_value(i, u)}"
                   for e, i, u in zip(merged["value"], merged["value_im"], merged["unit"],
                                      strict=True)]
    out["alternatives"] = [[] for _ in range(len(out))]
    return out[keep.to_numpy()].reset_index(drop=True)


def trade_points(ds: Dataset, *, partners: Sequence[str], measure: str = "total",
                 reporter: str = "CHN", period: str = "annual",
                 years: tuple[int, int] | None = None) -> pd.DataFrame:
    """The datapoints the trade chart draws. ``reporter``: CHN (China's data), partner
    (each partner's own statistics) or both."""
    annual = period == "annual"
    partial = None if annual else period
    if reporter == "CHN":
        pairs = [("CHN", p) for p in partners]
    elif reporter == "partner":
        pairs = [(p, "CHN") for p in partners if p != "C5"]
    else:
        pairs = [("CHN", p) for p in partners] + [(p, "CHN") for p in partners if p != "C5"]
    frames = []
    for rep, par in pairs:
        if measure == "balance":
            frames.append(_balance(ds, [rep], [par], annual=annual, partial_label=partial,
                                   years=years))
        else:
            frames.append(F.series(ds, MEASURES[measure], reporters=[rep], partners=[par],
                                   annual=annual, partial_label=partial, years=years,
                                   unit="USD"))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return F.series(ds, "__none__")
    out = pd.concat(frames, ignore_index=True)
    # A partner's own figure (reporter KAZ, partner CHN) is drawn in the partner's colour;
    # the reporter column still tells the two sides apart.
    flip = out["partner"] == "CHN"
    out.loc[flip, "partner"] = out.loc[flip, "reporter"]
    return out


def default_years(ds: Dataset, span: int = 13) -> tuple[int, int]:
    """The recent years where the series are dense: the last ``span`` years with data."""
    lo, hi = F.year_bounds(ds, ["trade_total"])
    return max(lo, hi - span), hi


def trade_view(ds: Dataset, *, partners: Sequence[str] = ("C5", *PARTNERS),
               measure: str = "total", reporter: str = "CHN", style: str = "line",
               share: bool = False, years: tuple[int, int] | None = None,
               period: str = "annual", show_events: bool = True, show_targets: bool = True,
               chart_id: str = "trade-timeline", height: int = 480) -> go.Figure:
    years = years or default_years(ds)
    points = trade_points(ds, partners=partners, measure=measure, reporter=reporter,
                          period=period, years=years)
    if share:
        points = points[points["partner"] != "C5"]
    total = None
    if share:
        total = F.series(ds, MEASURES.get(measure, "trade_total"), reporters=["CHN"],
                         partners=["C5"], annual=period == "annual",
                         partial_label=None if period == "annual" else period, years=years,
                         unit="USD")
    targets = None
    if show_targets and measure == "total" and period == "annual":
        targets = F.series(ds, "trade_total", reporters=["CHN", *PARTNERS],
                           partners=[*list(partners), "CHN"], annual=True,
                           basis=("target",), unit="USD")
        if not targets.empty:
            flip = targets["partner"] == "CHN"
            targets.loc[flip, "partner"] = targets.loc[flip, "reporter"]
            targets = targets[targets["partner"].isin(partners)
                              & (targets["year"] >= years[0])]
    who = {"CHN": "China's customs and ministries", "partner": "partners' own statistics",
           "both": "both reporters (partners' figures dotted)"}[reporter]
    period_text = "calendar years" if period == "annual" else f"{period} of each year"
    title = MEASURE_LABELS[measure] + (" (share of China–Central Asia total)" if share else "")
    subtitle = f"China with Central Asia, {period_text}, {_years_text(years)}; {who}; " + (
        "% of total" if share else "US dollars")
    return charts.build_trade_timeline(
        points, sources=ds.sources, names=F.entity_names(ds),
        events=ds.events if show_events else None, style=style, share_of=total,
        targets=targets, title=title, subtitle=subtitle, chart_id=chart_id, height=height)


def mirror_view(ds: Dataset, *, partners: Sequence[str] = PARTNERS,
                years: tuple[int, int] | None = None) -> tuple[go.Figure, pd.DataFrame]:
    table = F.mirror_table(ds, [p for p in partners if p != "C5"], years)
    fig = charts.build_mirror_chart(
        table, sources=ds.sources, names=F.entity_names(ds),
        subtitle=f"Total trade, {_years_text(years)}: China's customs against each partner's "
                 "own statistics, US dollars")
    return fig, table


def investment_view(ds: Dataset, *, partners: Sequence[str] = ("C5", *PARTNERS),
                    indicators: Sequence[str] = INVESTMENT_INDICATORS,
                    years: tuple[int, int] | None = None, include_pledges: bool = True,
                    show_events: bool = False, chart_id: str = "investment") -> go.Figure:
    obs = ds.observations
    basis = ("actual", "pledge", "target") if include_pledges else ("actual",)
    mask = (obs["indicator"].isin(indicators) & obs["basis"].isin(basis)
            & obs["unit"].eq("USD")
            & (obs["partner"].isin(partners) | obs["reporter"].isin(partners)))
    if years is not None:
        mask &= obs["year"].between(years[0], years[1])
    points = F.representatives(obs[mask], ds.sources,
                               keys=("indicator", "reporter", "partner", "period", "unit",
                                     "basis"))
    names = F.entity_names(ds)
    return charts.build_dated_points(
        points, sources=ds.sources, names=names,
        title="Chinese investment in Central Asia",
        subtitle=f"Stocks and cumulative totals at the date they refer to, {_years_text(years)}; "
                 "US dollars", chart_id=chart_id, events=ds.events if show_events else None)


def map_years(ds: Dataset, indicator: str = "trade_total") -> list[int]:
    s = F.series(ds, indicator, reporters=["CHN"], partners=list(PARTNERS), unit="USD")
    return sorted(int(y) for y in s["year"].unique()) if not s.empty else []


def default_map_year(ds: Dataset, indicator: str = "trade_total") -> int | None:
    """The latest year in which the most partners have a figure: a map of one country
    shaded is a poor default."""
    s = F.series(ds, indicator, reporters=["CHN"], partners=list(PARTNERS), unit="USD")
    if s.empty:
        return None
    counts = s.groupby("year")["partner"].nunique()
    return int(counts[counts == counts.max()].index.max())


def map_view(ds: Dataset, *, indicator: str = "trade_total", year: int | None = None,
             show_projects: bool = True, colour_by: str = "kind", height: int = 620,
             chart_id: str = "map", kinds: Sequence[str] | None = None,
             today: date | None = None) -> go.Figure:
    if year is None:
        year = default_map_year(ds, indicator)
    values = F.series(ds, indicator, reporters=["CHN"], partners=list(PARTNERS), unit="USD",
                      years=(year, year) if year else None)
    projects = ds.projects
    if kinds:
        projects = projects[projects["kind"].isin(kinds)]
    figures = ds.observations[ds.observations["project"].notna()]
    ind_name = _indicator_name(ds, indicator)
    return charts.build_map(
        values, projects, sources=ds.sources, names=F.entity_names(ds),
        indicator_name=ind_name, year=year, figures=figures,
        title="China and Central Asia: trade and connectivity",
        subtitle=f"{ind_name} with China in {year or 'n/a'} (China's data, US dollars); "
                 "corridor and infrastructure projects", chart_id=chart_id,
        colour_by=colour_by, show_projects=show_projects, height=height, today=today)


def _indicator_name(ds: Dataset, indicator: str) -> str:
    row = ds.indicators[ds.indicators["id"] == indicator]
    return str(row["name"].iloc[0]) if not row.empty else indicator


def timeline_view(ds: Dataset, *, kinds: Sequence[str] | None = None,
                  top_level_only: bool = False, show_events: bool = True,
                  today: date | None = None, chart_id: str = "timeline") -> go.Figure:
    rows = F.gantt_rows(ds, today)
    if kinds:
        rows = rows[rows["kind"].isin(kinds)]
    if top_level_only:
        rows = rows[rows["part_of"].isna()]
    return charts.build_gantt(
        rows, milestones=ds.milestones, events=ds.events if show_events else None,
        sources=ds.sources, projects=ds.projects,
        subtitle="From the first dated milestone to completion, or to today while under way",
        chart_id=chart_id, today=today)


def status_view(ds: Dataset) -> go.Figure:
    return charts.build_status_bars(
        ds.projects, sources=ds.sources,
        subtitle="Corridor and infrastructure projects (sections counted with their project)")


def volume_indicators(ds: Dataset, project: str) -> list[str]:
    obs = ds.observations
    sub = obs[(obs["project"] == project) & obs["indicator"].isin(VOLUME_INDICATORS)]
    return sub["indicator"].value_counts().index.tolist()


def volumes_view(ds: Dataset, *, project: str = "cagp", indicator: str | None = None,
                 chart_id: str = "project-volumes") -> go.Figure:
    options = volume_indicators(ds, project)
    indicator = indicator or (options[0] if options else "gas_volume")
    obs = ds.observations
    sub = obs[(obs["project"] == project) & (obs["indicator"] == indicator)
              & (obs["basis"] == "actual") & ~obs["period_kind"].isin(["cumulative"])]
    points = F.representatives(sub, ds.sources)
    pname = ds.projects.loc[ds.projects["id"] == project, "name"]
    name = str(pname.iloc[0]) if not pname.empty else project
    return charts.build_volume_series(
        points, sources=ds.sources, names=F.entity_names(ds),
        title=f"{name}: {_indicator_name(ds, indicator).lower()}",
        subtitle="Volumes by period as stated by the sources", chart_id=chart_id)


def stated_growth(ds: Dataset, partners: Sequence[str],
                  years: tuple[int, int]) -> pd.DataFrame:
    """Trade growth rates as sources state them, next to the growth the levels give."""
    cols = ["partner", "period", "compared with", "stated", "derived from levels", "source"]
    obs = ds.observations
    if obs.empty:
        return pd.DataFrame(columns=cols)
    stated = obs[(obs["indicator"] == "trade_growth") & (obs["reporter"] == "CHN")
                 & obs["partner"].isin(partners) & obs["year"].between(*years)
                 & (obs["unit"] == "percent")]
    if stated.empty:
        return pd.DataFrame(columns=cols)
    levels = F.series(ds, "trade_total", reporters=["CHN"], partners=list(partners),
                      annual=None, unit="USD")
    lookup = dict(zip(zip(levels["partner"], levels["period"], strict=True), levels["value"],
                      strict=True))
    rows = []
    for partner, period, base, value, qualifier, source in zip(
            stated["partner"], stated["period"], stated["base_period"], stated["value"],
            stated["qualifier"], stated["source"], strict=True):
        now, then = lookup.get((partner, period)), lookup.get((partner, base))
        derived = f"{(now / then - 1) * 100:+.1f}%" if isinstance(base, str) and now and then \
            else "–"
        rows.append({"partner": partner, "period": period, "compared with": base,
                     "stated": F.format_value(value, "percent", qualifier),
                     "derived from levels": derived,
                     "source": F.source_label(ds.sources, source)})
    return pd.DataFrame(rows, columns=cols)


def investment_points(ds: Dataset, *, partners: Sequence[str], indicators: Sequence[str],
                      years: tuple[int, int]) -> pd.DataFrame:
    """Every investment datapoint behind the filters, with its figure as stated and its
    citation: the page's table and its CSV."""
    obs = ds.observations
    shown = obs[obs["indicator"].isin(indicators) & obs["year"].between(*years)
                & (obs["partner"].isin(partners) | obs["reporter"].isin(partners))]
    return F.with_citations(shown, ds.sources)


def indicators_with_data(ds: Dataset, topic: str) -> list[str]:
    """The indicators of a topic that have at least one datapoint, in the catalogue's order."""
    inds = ds.indicators[ds.indicators["topic"] == topic]
    present = set(ds.observations["indicator"].unique()) if not ds.observations.empty else set()
    return [i for i in inds["id"] if i in present]


def mirror_rows(ds: Dataset, *, partners: Sequence[str],
                years: tuple[int, int] | None = None) -> pd.DataFrame:
    """The mirror table as the Trade page lists it: figures as stated, gap, short citations."""
    table = F.mirror_table(ds, [p for p in partners if p != "C5"], years)
    names = F.entity_names(ds)
    labels = {s: F.source_label(ds.sources, s)
              for s in {*table["china_source"], *table["partner_source"]}}
    return pd.DataFrame({
        "partner": table["partner"].map(names),
        "period": table["period"],
        "china": [F.format_value(v, u, q) for v, u, q in zip(
            table["china_value"], table["unit"], table["china_qualifier"], strict=True)],
        "own": [F.format_value(v, u, q) for v, u, q in zip(
            table["partner_value"], table["unit"], table["partner_qualifier"], strict=True)],
        "gap": [f"{g:+.0f}%" if abs(g) >= 0.5 else "±0%" for g in table["gap_pct"]],
        "china_source": [labels.get(s, s) for s in table["china_source"]],
        "partner_source": [labels.get(s, s) for s in table["partner_source"]],
    }, columns=["partner", "period", "china", "own", "gap", "china_source", "partner_source"])


def projects_with_volumes(ds: Dataset) -> list[str]:
    """Projects with a volume series (gas, oil, trains…), in the projects' order."""
    obs = ds.observations
    if obs.empty or ds.projects.empty:
        return []
    present = set(obs.loc[obs["indicator"].isin(VOLUME_INDICATORS), "project"].dropna())
    return [p for p in ds.projects["id"] if p in present]


def events_table(ds: Dataset) -> pd.DataFrame:
    """The relationship's events for the Timeline page's table, each with its citations."""
    ev = ds.events
    cols = ["date", "name", "kind", "place", "countries", "sources"]
    if ev.empty:
        return pd.DataFrame(columns=cols)
    return ev.assign(
        date=ev["date"].map(F.format_date),
        sources=ev["sources"].map(lambda cs: "; ".join(
            f"{F.source_label(ds.sources, c['source'])} ({c['locator']})" for c in cs)),
        countries=ev["countries"].map(", ".join),
    )[cols]


def sources_table(ds: Dataset) -> pd.DataFrame:
    """Every registered source with the number of datapoints it supports (Sources page)."""
    src = ds.sources
    counts = ds.observations["source"].value_counts() if not ds.observations.empty else {}
    return src.assign(
        datapoints=src["id"].map(counts).fillna(0).astype(int),
        published=src["published"].map(F.format_date),
        url=src["url"].map(F.http_url),
    )


# The Data page: every datapoint with its figure as stated and its citation.
DATA_COLUMNS = ["indicator", "reporter", "partner", "period", "figure", "value_as_stated",
                "unit_as_stated", "qualifier", "basis", "value", "unit", "citation", "locator",
                "url", "note", "project", "source", "file", "line"]
# Rows the Data page's table shows at most; the CSV holds every matching row. Sending
# 100,000 rows to the browser on each rerun took seconds, and nobody reads them on screen.
DATA_ROWS_SHOWN = 1000


def data_filter_options(ds: Dataset) -> tuple[list[str], list[str], list[str]]:
    """The Data page's choices: indicators and countries with datapoints, and sources."""
    obs = ds.observations
    indicators = sorted(obs["indicator"].unique()) if not obs.empty else []
    entities = (sorted(set(obs["partner"].dropna()) | set(obs["reporter"].dropna()))
                if not obs.empty else [])
    sources = sorted(ds.sources["id"]) if not ds.sources.empty else []
    return indicators, entities, sources


def data_table(ds: Dataset) -> pd.DataFrame:
    """Every datapoint as the Data page lists it (and its CSV holds it)."""
    return F.with_citations(ds.observations, ds.sources)[DATA_COLUMNS]


def data_rows(ds: Dataset, *, indicators: Sequence[str] = (), partners: Sequence[str] = (),
              years: tuple[int, int] | None = None, sources: Sequence[str] = (),
              text: str = "", table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The datapoints matching the Data page's filters, in the order of the data. ``table``
    is :func:`data_table` of ``ds`` when the caller has it already (the dashboard caches it),
    so a change of filter only selects rows."""
    shown = F.filter_observations(ds, indicators=indicators, partners=partners,
                                  years=years, sources=sources, text=text)
    if table is not None and table.index.is_unique and table.index.equals(
            ds.observations.index):
        return table.loc[shown.index]
    return F.with_citations(shown, ds.sources)[DATA_COLUMNS]


def data_caption(matching: int, total: int, limit: int = DATA_ROWS_SHOWN) -> str:
    """What the Data page's table holds: all matching rows, or the first ``limit`` of them
    with the CSV holding all."""
    if matching <= limit:
        return f"{matching:,} of {total:,} datapoints"
    return (f"{matching:,} of {total:,} datapoints match these filters; the table shows the "
            f"first {limit:,} (sorting a column sorts those only). Narrow the filters, or "
            f"download the CSV: it holds all {matching:,}.")


def consistency_tables(ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Data page's consistency checks, formatted: members' sums against regional totals,
    and stated shares against the share the levels give."""
    from . import consistency

    sums = consistency.sums_against_totals(ds)
    labels = {s: F.source_label(ds.sources, s) for s in sums["total_source"].unique()}
    sums = sums.assign(
        total=[F.format_value(v, "USD") for v in sums["total"]],
        sum_of_members=[F.format_value(v, "USD") for v in sums["sum_of_members"]],
        gap_pct=[f"{g:+.2f}%" for g in sums["gap_pct"]],
        total_source=[labels.get(s, s) for s in sums["total_source"]],
    )
    shares = consistency.shares_against_levels(ds)
    labels = {s: F.source_label(ds.sources, s) for s in shares["source"].unique()}
    shares = shares.assign(source=[labels.get(s, s) for s in shares["source"]])
    return sums, shares


@dataclass(frozen=True, slots=True)
class ChartDef:
    id: str
    description: str
    build: Callable[[Dataset], go.Figure]


def standard_charts() -> list[ChartDef]:
    """One per dashboard chart, with the dashboard's default filters."""
    return [
        ChartDef("overview-trade", "Overview: China–Central Asia total trade by year",
                 lambda ds: trade_view(ds, partners=("C5",), chart_id="overview-trade",
                                       show_events=True, height=380)),
        ChartDef("overview-map", "Overview: trade by partner on the map, latest year",
                 lambda ds: map_view(ds, show_projects=False, chart_id="overview-map",
                                     height=460)),
        ChartDef("project-status", "Overview: corridor and infrastructure projects by status",
                 status_view),
        ChartDef("trade-timeline", "Trade: total trade by partner and year, with summits",
                 lambda ds: trade_view(ds)),
        ChartDef("trade-mirror", "Trade: China's and partners' statistics side by side",
                 lambda ds: mirror_view(ds)[0]),
        ChartDef("investment", "Investment: stocks, cumulative totals and pledges",
                 lambda ds: investment_view(ds)),
        ChartDef("map", "Map: trade shading, corridor routes and project points",
                 lambda ds: map_view(ds)),
        ChartDef("timeline", "Timeline: projects as a Gantt with milestones and events",
                 lambda ds: timeline_view(ds, top_level_only=True)),
        ChartDef("project-volumes", "Projects: gas delivered through the Central Asia–China "
                 "pipeline", lambda ds: volumes_view(ds, project="cagp")),
    ]
