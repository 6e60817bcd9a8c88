"""The Streamlit script under AppTest: every page on the bundled data and on broken data,
filters that change the charts, URL state, and a warm rerun that parses nothing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import indicators.loader
from dashboard import loading
from tests.dashboard.views import open_folded
from tests.paths import ROOT

APP = str(ROOT / "dashboard" / "app.py")
PAGES = {
    "app_pages/overview.py": 3,
    "app_pages/trade.py": 2,
    "app_pages/investment.py": 1,
    "app_pages/map.py": 1,
    "app_pages/timeline.py": 2,
    "app_pages/data_table.py": 0,
    "app_pages/sources.py": 0,
}
TITLES = {
    "app_pages/overview.py": "China–Central Asia economic ties",
    "app_pages/trade.py": "Trade",
    "app_pages/investment.py": "Investment",
    "app_pages/map.py": "Map",
    "app_pages/timeline.py": "Timeline",
    "app_pages/data_table.py": "Data",
    "app_pages/sources.py": "Sources",
}


def run(page: str, *, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if params:
        for k, v in params.items():
            at.query_params[k] = v
    if page != "app_pages/overview.py":
        # Before a first run AppTest knows a page by its file name, and data_table.py is
        # registered as "data": switching then would quietly run the default page.
        at.run()
        at.switch_page(page)
    return at.run()


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def trace_names(spec: dict) -> set[str]:
    return {t.get("name", "") for t in spec["data"]}


@pytest.fixture
def bad_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    (root / "reports" / "zz-broken.yaml").write_text(
        "observations:\n  - indicator: trade_total\n    reporter: CHN\n    vaule: 1\n",
        encoding="utf-8",
    )
    (root / "reports" / "zz-syntax.yaml").write_text("sources: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("INDICATORS_DATA", str(root))
    return root


@pytest.mark.parametrize(("page", "charts"), PAGES.items(), ids=list(PAGES))
def test_every_page_renders_on_the_bundled_data(page: str, charts: int) -> None:
    at = run(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == TITLES[page], "the page asked for, not the default one"
    assert len(at.get("plotly_chart")) >= charts
    assert not any("problem(s) in the data files" in e.label for e in at.expander)


@pytest.mark.parametrize(("page", "charts"), PAGES.items(), ids=list(PAGES))
def test_every_page_survives_bad_data_with_a_banner(bad_data: Path, page: str, charts: int) -> None:
    at = run(page)
    assert not at.exception, [e.value for e in at.exception]
    banner = [e for e in at.expander if "problem(s) in the data files" in e.label]
    assert banner, "the problems are listed"
    listing = banner[0].get("code")[0].value
    assert "zz-broken.yaml:4: unknown field 'vaule'" in listing
    assert "zz-syntax.yaml" in listing
    assert len(at.get("plotly_chart")) >= charts, "valid data is still charted"


def test_trade_partner_filter_changes_the_chart() -> None:
    at = run("app_pages/trade.py")
    before = trace_names(specs(at)[0])
    assert "Kazakhstan" in before and "Central Asia" in before
    at.multiselect(key="trade-partners").set_value(["KGZ"]).run()
    after = trace_names(specs(at)[0])
    assert "Kyrgyzstan" in after and "Kazakhstan" not in after
    assert at.query_params["partners"] in ("KGZ", ["KGZ"])


def test_trade_measure_and_style_change_the_chart() -> None:
    at = run("app_pages/trade.py")
    at.selectbox(key="trade-style").set_value("bar").run()
    assert {t["type"] for t in specs(at)[0]["data"]} >= {"bar"}
    at.selectbox(key="trade-measure").set_value("exports").run()
    assert specs(at)[0]["layout"]["meta"]["title"] == "China's exports"


def test_map_year_slider_changes_the_shading() -> None:
    at = run("app_pages/map.py")
    first = specs(at)[0]["data"][0]
    slider = at.select_slider(key="map-year")
    years = [int(o) for o in slider.options]
    other = 2023 if slider.value != 2023 and 2023 in years else years[0]
    slider.set_value(other).run()
    second = specs(at)[0]["data"][0]
    assert second.get("z") != first.get("z")
    assert at.query_params["year"] in (str(other), [str(other)])


def test_url_filters_reproduce_the_view() -> None:
    at = run("app_pages/trade.py", params={"partners": "KAZ,UZB", "from": "2020", "to": "2024"})
    names = trace_names(specs(at)[0])
    assert {"Kazakhstan", "Uzbekistan"} <= names and "Kyrgyzstan" not in names
    assert at.slider(key="trade-years").value == (2020, 2024)


@pytest.mark.parametrize(
    "params",
    [
        {"partners": "XXX,<script>", "from": "2030", "to": "1990"},
        {"partners": "K" * 10_000, "year": "9" * 5000, "indicator": "drop table"},
        {"from": "abc", "to": "-5", "period": "Jan–Dec"},
    ],
    ids=["unknown-and-reversed", "very-long", "garbage"],
)
def test_hostile_query_parameters_are_ignored_or_corrected(params: dict[str, str]) -> None:
    for page in ("app_pages/trade.py", "app_pages/map.py", "app_pages/data_table.py"):
        at = run(page, params=params)
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
    at = run("app_pages/trade.py", params=params)
    lo, hi = at.slider(key="trade-years").value
    assert lo <= hi


def test_warm_rerun_does_no_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    (root / "catalog" / "touch.yaml").write_text(
        "# a new file: a new cache key\n", encoding="utf-8"
    )
    monkeypatch.setenv("INDICATORS_DATA", str(root))
    calls = {"n": 0}
    real = indicators.loader._validate

    def counting(*args: object, **kwargs: object):
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(indicators.loader, "_validate", counting)
    at = run("app_pages/overview.py")
    assert calls["n"] == 1
    at.run()
    at.switch_page("app_pages/trade.py").run()
    assert calls["n"] == 1, "an unchanged dataset is never loaded twice"
    (root / "catalog" / "touch.yaml").write_text("# changed\n", encoding="utf-8")
    # One walk of the files stands for RECHECK_S seconds; a rerun after that sees the change.
    later = loading._clock() + loading.RECHECK_S
    monkeypatch.setattr(loading, "_clock", lambda: later)
    at.run()
    assert calls["n"] == 2, "a changed file is picked up once RECHECK_S has passed"


def test_no_data_text_is_rendered_as_html() -> None:
    from dashboard import ui

    # The only HTML on a page is the app's own style sheet and each chart's reserved height.
    reserved = re.compile(
        r"<style>\.st-key-chart-[0-9a-f]{10} \.stPlotlyChart"
        r"\{min-height:\d+px\}</style>"
    )
    for page in PAGES:
        at = open_folded(run(page))
        for element in at.get("html"):
            body = element.proto.body
            assert body == ui.CSS.strip() or reserved.fullmatch(body), (page, body[:200])
        for md in at.markdown:
            assert not getattr(md.proto, "allow_html", False), page


def test_without_chromium_the_image_formats_say_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    at = run("app_pages/investment.py")
    assert not at.exception
    assert any("Chromium is not installed" in w.value for w in at.warning)
    buttons = {b.label: b for b in at.get("download_button")}
    assert buttons["PNG"].disabled and buttons["SVG"].disabled and buttons["PDF"].disabled
    assert not buttons["CSV"].disabled


def test_data_page_caption_states_the_count_and_the_csv_holds_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from indicators import load_dataset
    from indicators.frames import tables

    total = len(load_dataset(ROOT / "data").observations)
    at = run("app_pages/data_table.py")
    counts = [c.value for c in at.caption if c.value.endswith(f" of {total:,} datapoints")]
    assert len(counts) == 1
    matching = int(counts[0].split(" of ")[0].replace(",", ""))
    assert 0 < matching <= total
    assert at.dataframe[0].value.shape[0] == matching
    monkeypatch.setattr(tables, "DATA_ROWS_SHOWN", 5)
    at.run()
    caption = next(c.value for c in at.caption if "datapoints match" in c.value)
    assert caption.startswith(f"{matching:,} of {total:,} datapoints match these filters")
    assert "the table shows the first 5" in caption
    assert f"download the CSV: it holds all {matching:,}" in caption
    assert at.dataframe[0].value.shape[0] == 5
    assert any(b.label == "Download all matching rows as CSV" for b in at.get("download_button"))


def test_data_rows_are_every_match_with_its_citation() -> None:
    from indicators import load_dataset
    from indicators.frames import tables
    from indicators.frames import tidy as F

    ds = load_dataset(ROOT / "data")
    table = tables.data_table(ds)
    for filters in ({}, {"partners": ["KAZ"]}, {"years": (2020, 2022), "text": "customs"}):
        cached = tables.data_rows(ds, table=table, **filters)
        fresh = F.with_citations(F.filter_observations(ds, **filters), ds.sources)
        assert list(cached.columns) == tables.DATA_COLUMNS
        assert cached.equals(fresh[tables.DATA_COLUMNS])
        assert tables.data_rows(ds, **filters).equals(cached)


def test_data_caption_says_when_the_table_is_cut() -> None:
    from indicators.frames import tables

    assert tables.data_caption(12, 40, 1000) == "12 of 40 datapoints"
    text = tables.data_caption(100_000, 100_000, 1000)
    assert "the table shows the first 1,000" in text and "holds all 100,000" in text


def test_the_file_walk_sees_the_files_the_loader_reads(tmp_path: Path) -> None:
    from indicators.loader import data_files

    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    (root / "reports" / ".draft.yaml").write_text("a: 1\n", encoding="utf-8")
    (root / "reports" / "notes.txt").write_text("not data\n", encoding="utf-8")
    (root / "reports" / "short.yml").write_text("a: 1\n", encoding="utf-8")
    (root / "deep" / "er").mkdir(parents=True)
    (root / "deep" / "er" / "z.yaml").write_text("a: 1\n", encoding="utf-8")
    (root / "linked").symlink_to(root / "deep", target_is_directory=True)
    (root / "alias.yaml").symlink_to(root / "reports" / "short.yml")
    walked = sorted(entry[0] for entry in loading.signature(root))
    assert walked == sorted(str(p) for p in data_files(root))
    one = root / "reports" / "short.yml"
    assert [e[0] for e in loading.signature(one)] == [str(one)]
    assert loading.signature(tmp_path / "missing") == ()
    before = loading.signature_key(loading.signature(root))
    one.write_text("a: 2\n", encoding="utf-8")
    assert loading.signature_key(loading.signature(root)) != before


def test_a_chart_is_sent_as_its_figure_json_serialised_once() -> None:
    import plotly.io as pio
    import plotly.tools

    from dashboard import ui
    from indicators import load_dataset
    from indicators.charts import payload, views

    fig = views.investment_view(load_dataset(ROOT / "data"))
    spec = ui.serialised(fig)
    plain = payload.bake_template(payload.compact(json.loads(pio.to_json(fig, validate=False))))
    # ... its template baked in, with a digest of its data as plotly's data revision (see
    # the next test)
    assert spec["layout"].pop("datarevision") == ui.data_revision(plain["data"])
    assert spec == plain
    spec["layout"]["datarevision"] = ui.data_revision(plain["data"])
    # The browser gets the shapes of the points as plotly.js's numbers: the same chart.
    shapes = [
        t["marker"]["symbol"]
        for t in spec["data"]
        if isinstance(t.get("marker", {}).get("symbol"), list)
    ]
    assert shapes and all(isinstance(s, int) for row in shapes for s in row)
    assert ui.serialised(fig) is spec, "computed once per figure"
    # What st.plotly_chart does with what ui.chart gives it.
    sent = plotly.tools.return_figure_from_figure_or_data(
        ui._Serialised(spec), validate_figure=True
    )
    assert sent is spec
    assert json.loads(pio.to_json(sent, validate=False)) == spec


def test_the_data_revision_follows_the_data_and_nothing_else() -> None:
    """Plotly skips comparing the data of a chart whose revision is unchanged: the same data
    must give the same revision, in any process, and any change in it another one."""
    import plotly.graph_objects as go

    from dashboard import ui
    from indicators import load_dataset
    from indicators.charts import views

    ds = load_dataset(ROOT / "data")
    some = ui.serialised(views.trade_view(ds, partners=("KAZ",)))
    again = ui.serialised(views.trade_view(ds, partners=("KAZ",)))
    other = ui.serialised(views.trade_view(ds, partners=("KAZ", "UZB")))
    assert some is not again
    assert some["layout"]["datarevision"] == again["layout"]["datarevision"]
    assert some["layout"]["datarevision"] != other["layout"]["datarevision"]
    # one value, one marker, one name: each is data
    base = [{"type": "scatter", "x": [2020, 2021], "y": [1.0, 2.0], "name": "Kazakhstan"}]
    changed = [
        [{**base[0], "y": [1.0, 2.5]}],
        [{**base[0], "marker": {"symbol": [0, 5]}}],
        [{**base[0], "name": "Uzbekistan"}],
        [*base, {"type": "scatter", "x": [], "y": []}],
    ]
    revisions = {ui.data_revision(t) for t in [base, *changed]}
    assert len(revisions) == 1 + len(changed)
    assert ui.data_revision(list(reversed([dict(reversed(base[0].items()))]))) == (
        ui.data_revision(base)
    ), "key order is not data"
    assert isinstance(go.Figure(some), go.Figure), "plotly accepts the revision"


def test_the_page_shows_the_figure_of_its_filters() -> None:
    from dashboard import ui
    from indicators import load_dataset
    from indicators.charts import payload, views

    at = run("app_pages/investment.py")
    sent = specs(at)[0]
    fig = views.investment_view(
        load_dataset(ROOT / "data"),
        partners=at.multiselect(key="investment-partners").value,
        indicators=at.multiselect(key="investment-indicators").value,
        years=tuple(at.slider(key="investment-years").value),
    )
    expected = payload.bake_template(payload.compact(json.loads(fig.to_json())))
    expected["layout"]["datarevision"] = ui.data_revision(expected["data"])
    assert sent == expected
    at.run()
    assert specs(at)[0] == sent, "a warm rerun sends the same figure"


def test_cached_calls_compute_once_per_dataset_and_arguments() -> None:
    import dataclasses

    from dashboard import cached
    from indicators import load_dataset

    ds = load_dataset(ROOT / "data")
    calls: list[tuple] = []

    def probe(ds_: object, *args: object, **kwargs: object) -> list:
        calls.append((args, tuple(sorted(kwargs.items()))))
        return [args, kwargs]

    cached_probe = cached.cached(probe)
    first = cached_probe(ds, 1, years=[2020, 2024])
    assert cached_probe(ds, 1, years=(2020, 2024)) is first
    assert len(calls) == 1, "lists and tuples are the same arguments"
    cached_probe(ds, 2, years=(2020, 2024))
    assert len(calls) == 2
    other = dataclasses.replace(ds, fingerprint=ds.fingerprint + "-changed")
    assert cached_probe(other, 1, years=(2020, 2024)) is not first
    assert len(calls) == 3, "another dataset computes afresh"


def test_a_loader_that_fails_leaves_an_empty_dataset_that_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    def broken(path: str) -> object:
        raise RuntimeError("disk on fire")

    monkeypatch.setenv("INDICATORS_DATA", str(tmp_path))
    monkeypatch.setattr(loading, "load_dataset", broken)
    loading._load.clear()
    try:
        ds = loading.dataset()
    finally:
        loading._load.clear()
    assert [p.code for p in ds.report.problems] == ["load-failed"]
    assert "disk on fire" in ds.report.problems[0].message
    assert ds.observations.empty and list(ds.observations.columns)


def _folded(at: AppTest) -> list:
    return [e for e in at.expander if e.proto.id]


@pytest.mark.parametrize("page", [p for p in PAGES if p != "app_pages/sources.py"])
def test_folded_sections_are_filled_only_once_opened(page: str) -> None:
    """Closed, a folded section (a chart's "Data" view, the growth rates, the consistency
    checks) sends nothing for the browser to draw; opened, it holds its tables, and a chart's
    Data view cites a source on every row; closed again, its table goes."""
    from dashboard import ui

    at = run(page)
    folded = _folded(at)
    assert len(folded) >= max(PAGES[page], 1)
    assert all(not e.children for e in folded), [e.label for e in folded if e.children]
    before = len(at.dataframe)
    at = open_folded(at)
    assert not at.exception
    for e in _folded(at):
        tables = e.get("dataframe")
        assert tables, f"{e.label}: nothing once opened"
        if e.label == "Data":
            table = tables[0].value
            cited = [c for c in table.columns if "source" in c.lower()]
            assert len(table) > 0 and cited, list(table.columns)
    opened = len(at.dataframe)
    assert opened > before
    if PAGES[page]:
        at.session_state[ui.data_view_key(at.get("plotly_chart")[0].key)] = False
        assert len(at.run().dataframe) == opened - 1


def test_a_charts_data_view_is_made_once_per_figure() -> None:
    """The "Data" view of a cached figure is labelled once, not on every rerun; another
    figure (other filters) gets its own."""
    import pandas as pd
    import plotly.graph_objects as go

    from dashboard import ui

    calls: list[int] = []

    def table() -> pd.DataFrame:
        calls.append(1)
        return pd.DataFrame({"Figure": [len(calls)]})

    fig, other = go.Figure(), go.Figure()
    first = ui._table_of(fig, table)
    assert ui._table_of(fig, table) is first and len(calls) == 1
    assert ui._table_of(other, table).iloc[0, 0] == 2 and len(calls) == 2
    given = pd.DataFrame({"Figure": [9]})
    assert ui._table_of(fig, given) is given
