"""The pages' data logic, tested without Streamlit: the Overview's cards, the project lists
of the Map and Timeline, and the Sources page's search."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest

from indicators import Dataset, load_dataset
from indicators.frames import projects, summary, tables
from indicators.frames.formatting import source_label
from indicators.frames.projects import gantt_rows
from indicators.frames.tidy import Headline
from indicators.periods import parse_period
from tests.paths import ROOT


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset(ROOT / "data")


def _headline(period_end: str, indicator: str) -> Headline:
    return Headline("x", "1", period_end[:4], "s", "s", None, 1, indicator, period_end)


def test_the_latest_headline_is_the_most_recent_and_the_first_given_on_a_tie() -> None:
    a, b, c = (
        _headline("2024-12-31", "a"),
        _headline("2025-06-18", "b"),
        _headline("2025-06-18", "c"),
    )
    assert summary.latest_headline([a, None, b, c]) is b
    assert summary.latest_headline([c, b]) is c
    assert summary.latest_headline([None, None]) is None
    assert summary.latest_headline([]) is None


def test_project_counts_count_projects_not_their_sections(ds: Dataset) -> None:
    top = ds.projects[ds.projects["part_of"].isna()].head(4).copy()
    top["status"] = ["operational", "operational", "planned", "agreed"]
    section = ds.projects[ds.projects["part_of"].notna()].head(1).copy()
    section["status"] = "operational"
    small = dataclasses.replace(ds, projects=pd.concat([top, section]))
    counts = summary.project_counts(small)
    assert (counts.operational, counts.under_construction) == (2, 0)
    assert (counts.planned_or_agreed, counts.total) == (2, 4)
    assert counts.breakdown() == "0 under construction · 2 planned or agreed · 4 in all"
    empty = summary.project_counts(dataclasses.replace(ds, projects=ds.projects.head(0)))
    assert empty.total == 0


def test_the_milestone_is_the_last_one_up_to_today_and_names_the_next(ds: Dataset) -> None:
    events = ds.events
    last = summary.milestone(ds, date(2025, 6, 17))
    assert last is not None
    assert last.date == "17 Jun 2025"
    final = events[events["date"] == "2025-06-17"].iloc[-1]
    assert last.text.startswith(summary.sentence(final["name"]))
    # The next milestone is not a visit or an "other" event: only the kinds that count.
    later = events[(events["when"] > "2025-06-17") & events["kind"].isin(summary.MILESTONE_KINDS)]
    if later.empty:
        assert last.text.endswith("No later milestone is dated in the data.")
    else:
        assert f"Next: {later.iloc[0]['name']}" in last.text
    before = summary.milestone(ds, date(2025, 6, 16))
    assert before is not None and before.date == "16 Jun 2025"
    assert "Kazakhstan sign" in before.text, "an agreement counts; the same day's visit does not"
    assert "Next: Second China–Central Asia Summit" in before.text
    assert summary.milestone(ds, date(1900, 1, 1)) is None


def test_a_sentence_ends_with_one_full_stop() -> None:
    assert summary.sentence("Astana summit") == "Astana summit."
    assert summary.sentence(" n.d. ") == "n.d."
    assert summary.sentence("Really?") == "Really?"


def test_the_source_line_says_how_many_more_sources_state_it() -> None:
    h = dataclasses.replace(_headline("2025-01-01", "a"), source="People's Daily", n_sources=3)
    assert summary.source_line(h) == "Source: People's Daily (and 2 more)"
    assert summary.source_line(None) == "No datapoint yet."


def test_the_gantt_filters_keep_the_chosen_kinds_and_drop_sections_on_request(
    ds: Dataset,
) -> None:
    rows = gantt_rows(ds)
    kinds = projects.project_kinds(ds)
    assert kinds == sorted(set(ds.projects["kind"]))
    everything = projects.gantt_shown(rows, kinds, top_only=False)
    tops = projects.gantt_shown(rows, kinds, top_only=True)
    assert len(everything) == len(rows)
    assert rows["part_of"].notna().any(), "the bundled data has sections to hide"
    assert len(tops) == rows["part_of"].isna().sum()
    one = kinds[0]
    assert set(projects.gantt_shown(rows, [one], top_only=False)["kind"]) == {one}
    assert projects.gantt_shown(rows, [], top_only=False).empty
    table = projects.gantt_table(tops, ds.sources)
    assert list(table["Project"]) == list(tops["name"])
    assert "_" not in "".join(table["Status"]), "statuses in words, not ids"


def test_each_gantt_bar_is_cited_by_the_records_that_date_it(ds: Dataset) -> None:
    """A bar's start is the date of a status or milestone of its project, its end the first
    'operational' status (or today): the row names those records' sources and the status's,
    each once, by publisher and date, never by id."""
    rows = gantt_rows(ds)
    table = projects.gantt_table(rows, ds.sources)
    ms = ds.milestones
    for (_, r), cited in zip(rows.iterrows(), table["Sources"], strict=True):
        p = ds.projects.set_index("id").loc[r["id"]]
        records = [
            (parse_period(s["as_of"]).start or parse_period(s["as_of"]).end, s["source"])
            for s in p["status_history"]
        ]
        mine = ms[ms["project"] == r["id"]]
        records += [(w.date(), s) for w, s in zip(mine["when"], mine["source"], strict=True)]
        assert (r["start"].date(), r["start_source"]) in records, r["id"]
        if r["open_ended"]:
            assert pd.isna(r["end_source"])
        else:
            ends = [
                s["source"]
                for s in p["status_history"]
                if s["status"] == "operational"
                and (parse_period(s["as_of"]).start or parse_period(s["as_of"]).end)
                == r["end"].date()
            ]
            assert r["end_source"] in ends, r["id"]
        labels = cited.split("; ")
        assert len(labels) == len(set(labels))
        wanted = {r["start_source"], r["status_source"]}
        wanted |= set() if r["open_ended"] else {r["end_source"]}
        assert set(labels) == {source_label(ds.sources, s) for s in wanted}
        assert not set(labels) & set(ds.sources["id"]), "publishers, not ids"


def test_the_details_panel_lists_names_and_projects_only_when_drawn(ds: Dataset) -> None:
    partners = ds.relationship.partners
    with_projects = projects.detail_choices(ds, partners, with_projects=True)
    without = projects.detail_choices(ds, partners, with_projects=False)
    focus = ds.relationship.focus
    assert list(without) == [focus, *partners]
    assert without[focus] != focus, "a country by its name, not its code"
    pid = ds.projects["id"].iloc[0]
    assert with_projects[pid] == ds.projects["name"].iloc[0]
    assert pid not in without


def test_a_country_s_datapoints_for_a_year(ds: Dataset) -> None:
    partner = ds.relationship.partners[0]
    every = projects.entity_datapoints(ds, partner, None)
    assert ((every["partner"] == partner) | (every["reporter"] == partner)).all()
    year = int(every["year"].max())
    that_year = projects.entity_datapoints(ds, partner, year)
    assert not that_year.empty and set(that_year["year"]) == {year}
    assert len(that_year) < len(every)


def test_a_project_s_row_status_line_and_milestones(ds: Dataset) -> None:
    pid = ds.milestones["project"].iloc[0]
    row = projects.project_row(ds, pid)
    assert row is not None and row["id"] == pid
    assert projects.project_row(ds, "no-such-project") is None
    line = projects.status_line(row)
    assert " as of " in line and "_" not in line.split(" as of ")[0]
    table = projects.milestones_table(ds, pid)
    assert len(table) == (ds.milestones["project"] == pid).sum()
    assert list(table.columns) == ["Date", "Milestone", "Source", "Locator"]
    stale = projects.status_line(pd.Series({**row.to_dict(), "stale": True}))
    assert "possibly stale" in stale


def test_the_sources_search_ignores_case_and_matches_publishers(ds: Dataset) -> None:
    table = tables.sources_table(ds)
    assert tables.search_sources(table, "") is table
    found = tables.search_sources(table, "pEOPLE'S dAILY")
    assert not found.empty
    for _, row in found.iterrows():
        fields = (row["title"], row["publisher"], row["original_publisher"], row["id"])
        assert any("people's daily" in str(f).casefold() for f in fields)
    assert (found["publisher"] == "People's Daily Online").any(), "a publisher matches"
    assert tables.search_sources(table, "no such publisher anywhere").empty
    shown = tables.sources_shown(found)
    assert list(shown.columns) == list(tables.SOURCE_COLUMNS.values())
    assert "id" not in shown.columns


def test_a_source_choice_and_its_excluded_figures(ds: Dataset) -> None:
    sid = ds.excluded["source"].iloc[0]
    title = ds.sources.set_index("id").loc[sid, "title"]
    assert tables.source_choice(ds, sid).endswith(f" · {title}")
    excluded = tables.excluded_table(ds, sid)
    assert len(excluded) == (ds.excluded["source"] == sid).sum()
    assert excluded["Reason"].str.len().gt(0).all()


def test_a_chart_s_csv_holds_the_datapoints_with_their_citations(ds: Dataset) -> None:
    points = ds.observations.head(5)
    out = tables.chart_points(points, ds)
    assert len(out) == 5
    for _, row in out.iterrows():
        source = ds.sources[ds.sources["id"] == row["source"]].iloc[0]
        assert row["source_title"] == source["title"]
    assert "file" not in out.columns, "the CSV holds the datapoint, not where it was read"
    assert tables.chart_points(points.head(0), ds).empty


def test_the_data_page_shows_the_first_rows_with_the_file_and_line_read(ds: Dataset) -> None:
    table = tables.data_rows(ds, text="")
    shown = tables.data_shown(table, ds, limit=7)
    assert len(shown) == 7
    first = ds.observations.iloc[0]
    assert shown["File"].iloc[0] == f"{first['file']}:{first['line']}"
    assert len(tables.data_shown(table.head(3), ds, limit=7)) == 3


def test_a_source_entry_by_id(ds: Dataset) -> None:
    table = tables.sources_table(ds)
    sid = ds.sources["id"].iloc[-1]
    entry = tables.source_entry(table, sid)
    assert entry is not None and entry["id"] == sid
    assert tables.source_entry(table, "no-such-source") is None


def test_the_mirror_table_is_headed_by_whose_figure_each_is(ds: Dataset) -> None:
    from indicators.frames import roles, trade_tables

    focus = ds.relationship.focus
    rows = trade_tables.mirror_rows(ds)
    who = roles.name(ds, focus)
    assert who != focus
    assert list(rows.columns) == [
        "Partner",
        "Period",
        f"{who}'s figure",
        "Partner's figure",
        "Gap",
        f"{who}'s source",
        "Partner's source",
    ]
    assert not rows.empty, "the bundled data has mirror pairs"
