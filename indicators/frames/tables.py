"""The tables the pages show beside their charts: datapoints, sources, events and consistency
checks, with the columns readers see."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from indicators.dataset import Dataset
from indicators.frames import formatting as fmt
from indicators.frames import labels as L
from indicators.frames import tidy as F


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


def investment_rows(
    ds: Dataset, *, partners: Sequence[str], indicators: Sequence[str], years: tuple[int, int]
) -> pd.DataFrame:
    """:func:`investment_points` as readers see them: names, figures as stated, sources."""
    shown = investment_points(ds, partners=partners, indicators=indicators, years=years)
    return L.datapoints(shown, ds, cited=shown)


def indicators_with_data(ds: Dataset, topic: str) -> list[str]:
    """The indicators of a topic that have at least one datapoint, in the catalogue's order."""
    inds = ds.indicators[ds.indicators["topic"] == topic]
    present = set(ds.observations["indicator"].unique()) if not ds.observations.empty else set()
    return [i for i in inds["id"] if i in present]


def events_table(ds: Dataset) -> pd.DataFrame:
    """The relationship's events for the Timeline page's table, each with its citations."""
    ev = ds.events
    cols = ["Date", "Event", "Kind", "Place", "Countries", "Sources"]
    if ev.empty:
        return pd.DataFrame(columns=cols)
    lab = L.of(ds)
    return pd.DataFrame(
        {
            "Date": ev["date"].map(fmt.format_date),
            "Event": ev["name"].map(lab.prose),
            "Kind": ev["kind"].map(L.word),
            "Place": ev["place"].map(lambda p: p if isinstance(p, str) else ""),
            "Countries": ev["countries"].map(lab.entities_of),
            "Sources": ev["sources"].map(
                lambda cs: "; ".join(
                    f"{fmt.source_label(ds.sources, c['source'])} ({c['locator']})" for c in cs
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
        published=src["published"].map(fmt.format_date),
        url=src["url"].map(fmt.http_url),
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


def search_sources(table: pd.DataFrame, text: str) -> pd.DataFrame:
    """The rows of ``sources_table`` whose title, publisher, original publisher or id
    contains ``text``, ignoring case; every row for no text."""
    if not text:
        return table
    hay = (
        table["title"].fillna("")
        + " "
        + table["publisher"].fillna("")
        + " "
        + table["original_publisher"].fillna("")
        + " "
        + table["id"]
    ).str.casefold()
    return table[hay.str.contains(text.casefold(), regex=False)]


def sources_shown(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``sources_table`` with the columns and headings readers see."""
    return table[list(SOURCE_COLUMNS)].rename(columns=SOURCE_COLUMNS).fillna("")


def source_choice(ds: Dataset, source_id: str) -> str:
    """A source as a picker lists it: its short citation and its title."""
    row = fmt.source_row(ds.sources, source_id) or {}
    return f"{fmt.source_label(ds.sources, source_id)} · {row.get('title', '')}"


def excluded_table(ds: Dataset, source_id: str) -> pd.DataFrame:
    """The figures of a report left out of the data, and why."""
    excluded = ds.excluded[ds.excluded["source"] == source_id]
    return pd.DataFrame(
        {"Locator": excluded["locator"], "Reason": excluded["reason"].map(L.of(ds).prose)}
    )


# The columns of a chart's CSV, where the datapoints have them.
CHART_CSV_COLUMNS = (
    "indicator",
    "reporter",
    "partner",
    "period",
    "value",
    "unit",
    "value_as_stated",
    "unit_as_stated",
    "qualifier",
    "basis",
    "source",
    "locator",
    "note",
    "project",
)


def chart_points(points: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """The CSV behind a chart: the datapoints drawn, with their citations."""
    if points.empty:
        return points
    out = points[[c for c in CHART_CSV_COLUMNS if c in points]].copy()
    titles = dict(zip(ds.sources["id"], ds.sources["title"], strict=True))
    urls = dict(zip(ds.sources["id"], ds.sources["url"], strict=True))
    out["source_title"] = out["source"].map(titles)
    out["source_url"] = out["source"].map(urls)
    return out


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


def data_shown(table: pd.DataFrame, ds: Dataset, limit: int = DATA_ROWS_SHOWN) -> pd.DataFrame:
    """The first ``limit`` rows of ``data_rows`` as the Data page shows them: names, figures
    as stated, citations, and the file and line each was read from."""
    head = table.head(limit)
    return L.datapoints(head, ds, cited=head).assign(
        File=[f"{f}:{n}" for f, n in zip(head["file"], head["line"], strict=True)]
    )


def source_entry(table: pd.DataFrame, source_id: str) -> pd.Series | None:
    """The row of ``sources_table`` of one source, if registered."""
    found = table[table["id"] == source_id]
    return None if found.empty else found.iloc[0]


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
    labels = {s: fmt.source_label(ds.sources, s) for s in sums["total_source"].unique()}
    lab = L.of(ds)
    sums = pd.DataFrame(
        {
            "Reporter": sums["reporter"].map(lab.entity),
            "Period": sums["period"].map(L.period),
            "Total": [fmt.format_value(v, "USD") for v in sums["total"]],
            "Sum of members": [fmt.format_value(v, "USD") for v in sums["sum_of_members"]],
            "Gap": [f"{g:+.2f}%" for g in sums["gap_pct"]],
            "Members": sums["members"],
            "Source of the total": [labels.get(s, s) for s in sums["total_source"]],
            "Within tolerance": sums["ok"],
        }
    )
    shares = consistency.shares_against_levels(ds)
    labels = {s: fmt.source_label(ds.sources, s) for s in shares["source"].unique()}
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
