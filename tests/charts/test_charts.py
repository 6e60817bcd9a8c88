"""Figure builders: pure functions of frames, tested without Streamlit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from indicators import load_dataset
from indicators.charts import project_views, standard, timeline, trade, views
from indicators.frames import formatting as fmt
from indicators.frames.projects import gantt_rows
from indicators.model import MAJOR_EVENTS
from tests.paths import DATA


@pytest.fixture(scope="module")
def ds():
    return load_dataset(DATA)


def _points(**rows: object) -> pd.DataFrame:
    base = {
        "indicator": "trade_total",
        "reporter": "CHN",
        "partner": "C5",
        "unit": "USD",
        "value_max": None,
        "source": "s1",
        "note": None,
        "n_sources": 1,
        "alternatives": [],
        "period_kind": "year",
    }
    records = []
    for period, (value, qualifier) in rows.items():
        y = int(period[1:])
        records.append(
            {
                **base,
                "period": str(y),
                "year": y,
                "value": value,
                "qualifier": qualifier,
                "period_end": pd.Timestamp(f"{y}-12-31"),
            }
        )
    return pd.DataFrame(records)


SOURCES = pd.DataFrame(
    [
        {
            "id": "s1",
            "title": "A title",
            "publisher": "People's Daily",
            "original_publisher": None,
            "published": "2025-06-18",
            "kind": "media",
            "url": "https://example.org",
        }
    ]
)


def test_lower_bound_is_a_distinct_marker_and_reads_as_such() -> None:
    pts = _points(y2023=(89.4e9, "exact"), y2024=(94.8e9, "exact"), y2025=(100e9, "more_than"))
    fig = trade.build_trade_timeline(pts, sources=SOURCES, names={"C5": "Central Asia"})
    trace = fig.data[0]
    assert list(trace.marker.symbol) == ["circle", "circle", "triangle-up"]
    assert trace.customdata[2][0].startswith("&gt; $100 bn")
    assert trace.customdata[0][0] == "$89.4 bn"
    assert "People's Daily, 18 Jun 2025" in trace.customdata[0][3]
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == "d"
    meta = fig.layout.meta
    assert meta["sources"] == ["People's Daily, 18 Jun 2025"]
    assert any(n.startswith(">: lower bound") for n in meta["notes"])


def test_a_gap_in_the_years_breaks_the_line() -> None:
    pts = _points(y2012=(46e9, "exact"), y2013=(43e9, "exact"), y2021=(49.5e9, "exact"))
    fig = trade.build_trade_timeline(pts, sources=SOURCES, names={})
    assert list(fig.data[0].x) == [2012, 2013, None, 2021]


def test_data_text_is_escaped_in_labels_and_hovers() -> None:
    hostile = pd.DataFrame(
        [{**SOURCES.iloc[0].to_dict(), "publisher": "<img src=x onerror=alert(1)>"}]
    )
    pts = _points(y2024=(94.8e9, "exact"))
    pts["note"] = "<script>alert(1)</script>"
    fig = trade.build_trade_timeline(pts, sources=hostile, names={"C5": "<b>C5</b>"})
    rendered = fig.to_plotly_json()
    rendered["layout"].pop("meta")  # not rendered; the export escapes it (test_export)
    blob = json.dumps(rendered, default=str)
    assert "<script>" not in blob and "<img" not in blob
    assert "&lt;script&gt;" in blob


def test_trade_view_follows_filters(ds) -> None:
    only_kaz = views.trade_view(ds, partners=("KAZ",), years=(2020, 2025))
    names = {t.name for t in only_kaz.data}
    assert "Kazakhstan" in names and "Central Asia" not in names
    xs = [x for t in only_kaz.data if t.x is not None for x in t.x if x is not None]
    assert xs and min(xs) >= 2020 and max(xs) <= 2030
    both = views.trade_view(ds, partners=("KAZ",), reporter="both", years=(2020, 2025))
    assert any("Kazakhstan's data" in (t.name or "") for t in both.data)


def test_share_of_total_is_in_percent(ds) -> None:
    fig = views.trade_view(ds, partners=("KAZ", "KGZ"), share=True, years=(2022, 2024))
    ys = [y for t in fig.data for y in (t.y or []) if y is not None]
    assert ys and all(0 < y < 100 for y in ys)
    assert fig.layout.yaxis.title.text == "% of total"


def test_map_draws_countries_routes_and_points(ds) -> None:
    fig = project_views.map_view(ds, year=2024)
    kinds = [t.type for t in fig.data]
    assert kinds.count("choropleth") == 2 and "scattergeo" in kinds
    shaded = fig.data[0]
    assert set(shaded.locations) <= {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert len(shaded.locations) >= 4
    dotted = [t for t in fig.data if t.type == "scattergeo" and t.line and t.line.dash == "dot"]
    assert dotted, "approximate routes are drawn visibly so"
    assert len(fig.to_json()) <= 300_000
    later = project_views.map_view(ds, year=2023)
    assert list(later.data[0].z) != list(shaded.z)


def test_stale_status_is_flagged_in_the_hover(ds) -> None:
    fig = project_views.map_view(ds, year=2024)
    hovers = [
        str(t.customdata[0][0])
        for t in fig.data
        if t.type == "scattergeo" and t.customdata is not None
    ]
    assert any("possibly stale" in h for h in hovers)
    assert any("possibly stale" not in h for h in hovers)


def test_gantt_colours_by_status_with_milestones_and_events(ds) -> None:
    fig = project_views.timeline_view(ds, top_level_only=True, today=date(2026, 11, 30))
    bars = [t for t in fig.data if t.type == "bar"]
    assert {t.name for t in bars} >= {"operational", "under construction"}
    assert any(t.name == "milestone" for t in fig.data)
    assert fig.layout.shapes, "events are vertical lines on the same axis"


def test_every_standard_chart_builds_with_sources(ds) -> None:
    for chart in standard.standard_charts():
        fig = chart.build(ds)
        meta = fig.layout.meta
        assert meta["chart_id"] == chart.id
        assert meta["sources"], chart.id
        assert len(fig.to_json()) < 1_000_000


def test_value_formatting_in_frames_matches_charts() -> None:
    assert fmt.format_value(30e9, "USD", "more_than") == "more than $30 bn"


def test_a_point_stated_by_many_sources_lists_the_first_figures_and_counts_the_rest() -> None:
    pts = _points(y2024=(94.8e9, "exact"))
    alts = [
        {"value": 90e9 + i * 1e9, "qualifier": "exact", "source": "s1", "value_max": None}
        for i in range(7)
    ]
    pts.at[0, "alternatives"] = alts
    pts.at[0, "n_sources"] = 12
    fig = trade.build_trade_timeline(pts, sources=SOURCES, names={})
    hover = fig.data[0].customdata[0][3]
    assert "+ 11 other source(s)" in hover
    listed = hover.split("Other figures: ")[1]
    assert listed.count("(People's Daily, 18 Jun 2025)") == 3
    assert listed.startswith("$90 bn") and "$92 bn" in listed and "$93 bn" not in listed
    assert listed.endswith(" and 4 more")
    # Every differing figure is still drawn, as its own marker.
    others = [t for t in fig.data if t.name and t.name.endswith("other sources")]
    assert len(others) == 1 and len(others[0].x) == 7


def test_few_differing_figures_are_all_listed() -> None:
    pts = _points(y2024=(94.8e9, "exact"))
    pts.at[0, "alternatives"] = [
        {"value": 90e9, "qualifier": "exact", "source": "s1", "value_max": None}
    ]
    fig = trade.build_trade_timeline(pts, sources=SOURCES, names={})
    assert (
        fig.data[0].customdata[0][3].endswith("Other figures: $90 bn (People's Daily, 18 Jun 2025)")
    )


def test_many_events_are_drawn_in_one_pass(ds) -> None:
    many = pd.concat(
        [ds.events.assign(when=ds.events["when"] + pd.Timedelta(days=i)) for i in range(10)],
        ignore_index=True,
    )
    fig = timeline.build_gantt(
        gantt_rows(ds),
        milestones=ds.milestones,
        events=many,
        sources=ds.sources,
        projects=ds.projects,
    )
    days = many[many["kind"].isin(MAJOR_EVENTS)]["when"].nunique()
    dotted = [s for s in fig.layout.shapes if s.line.dash == "dot"]
    assert len(dotted) == days
    assert all(s.yref == "y domain" and s.x0 == s.x1 for s in dotted)


def test_status_bars_keep_few_whole_ticks_as_projects_grow() -> None:
    from indicators.charts.timeline import build_status_bars

    def bars(n: int) -> go.Figure:
        projects = pd.DataFrame(
            {"status": ["operational"] * n, "part_of": [None] * n, "status_source": ["s"] * n}
        )
        return build_status_bars(projects, sources=pd.DataFrame(columns=["id", "publisher"]))

    assert bars(3).layout.xaxis.dtick == 1
    assert bars(22).layout.xaxis.dtick == 5  # 0, 5 … 20 fit a phone; 0 … 22 in ones do not
    assert bars(26).layout.xaxis.dtick == 10


@pytest.mark.parametrize("build", ["trade", "dated", "mirror"])
def test_hover_leaves_out_source_titles_only_past_the_threshold(
    build: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At scale the hover names each source by publisher and date, and the chart says where
    the titles are; below the threshold every point's hover has its source's title."""
    from indicators.charts import dated, marks

    pts = _points(y2023=(89.4e9, "exact"), y2024=(94.8e9, "exact"), y2025=(100e9, "more_than"))
    mirror = pd.DataFrame(
        {
            "partner": ["KAZ", "UZB"],
            "period": ["2024", "2024"],
            "unit": ["USD", "USD"],
            "focus_value": [43.8e9, 13.8e9],
            "partner_value": [41.0e9, 14.5e9],
            "focus_qualifier": ["exact", "exact"],
            "partner_qualifier": ["exact", "exact"],
            "focus_source": ["s1", "s1"],
            "partner_source": ["s1", "s1"],
            "gap_pct": [6.8, -4.8],
        }
    )
    drawn = {"trade": len(pts), "dated": len(pts), "mirror": 2 * len(mirror)}[build]

    def draw() -> go.Figure:
        if build == "trade":
            return trade.build_trade_timeline(pts, sources=SOURCES, names={"C5": "Central Asia"})
        if build == "mirror":
            return trade.build_mirror_chart(mirror, sources=SOURCES, names={}, view="CHN")
        return dated.build_dated_points(
            pts.assign(basis="actual"), sources=SOURCES, names={}, title="t"
        )

    fig = draw()
    assert all(row[2] == "A title" for row in fig.data[0].customdata)
    assert all(row[3] == "People's Daily, 18 Jun 2025" for row in fig.data[0].customdata)
    assert "%{customdata[3]}" in fig.data[0].hovertemplate
    assert marks.UNTITLED_NOTE not in fig.layout.meta["notes"]
    monkeypatch.setattr(marks, "TITLED_HOVER_POINTS", drawn - 1)
    fig = draw()
    # No empty column either: each one is repeated for every point.
    assert all(row[2:] == ["People's Daily, 18 Jun 2025"] for row in fig.data[0].customdata)
    assert "%{customdata[3]}" not in fig.data[0].hovertemplate
    assert "%{customdata[2]}" in fig.data[0].hovertemplate
    assert "A title" not in json.dumps(fig.to_plotly_json()["data"])
    assert marks.UNTITLED_NOTE in fig.layout.meta["notes"]


def test_past_the_threshold_the_hover_lists_one_differing_figure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from indicators.charts import marks

    alts = [
        {"value": v, "qualifier": "exact", "value_max": None, "source": "s1"}
        for v in (90e9, 91e9, 92e9)
    ]
    pts = _points(y2024=(94.8e9, "exact"))
    pts["alternatives"] = [alts]

    def hover() -> str:
        fig = trade.build_trade_timeline(pts, sources=SOURCES, names={"C5": "Central Asia"})
        return str(fig.data[0].customdata[0][-1])

    assert "Other figures: $90 bn" in hover() and "$92 bn" in hover()
    monkeypatch.setattr(marks, "TITLED_HOVER_POINTS", 1)
    assert "Other figures: $90 bn (People's Daily, 18 Jun 2025) and 2 more" in hover()
    assert "$91 bn" not in hover()


_SPECS = """
import hashlib, sys
import plotly.io as pio
from indicators import load_dataset
from indicators.site.charts import site_charts
for c in site_charts(load_dataset(sys.argv[1])):
    spec = pio.to_json(c.figure, validate=False)
    print(c.id, hashlib.sha256(spec.encode()).hexdigest())
"""


def test_the_same_data_gives_the_same_figures_in_every_process() -> None:
    """The site redraws a chart when its figure's JSON changes, and the app's caches key on
    it: a figure that followed the hash seed (a set's order) would redraw every build."""
    runs = [
        subprocess.run(
            [sys.executable, "-c", _SPECS, str(DATA)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    ]
    assert len(runs[0].splitlines()) > 10
    assert runs[0] == runs[1] == runs[2]
