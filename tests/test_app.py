"""The Streamlit script under AppTest: every page on the bundled data and on broken data,
filters that change the charts, URL state, and a warm rerun that parses nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import indicators.loader

ROOT = Path(__file__).parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PAGES = {
    "app_pages/overview.py": 3, "app_pages/trade.py": 2, "app_pages/investment.py": 1,
    "app_pages/map.py": 1, "app_pages/timeline.py": 2, "app_pages/data_table.py": 0,
    "app_pages/sources.py": 0,
}


def run(page: str, *, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if params:
        for k, v in params.items():
            at.query_params[k] = v
    if page != "app_pages/overview.py":
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
        encoding="utf-8")
    (root / "reports" / "zz-syntax.yaml").write_text("sources: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("INDICATORS_DATA", str(root))
    return root


@pytest.mark.parametrize(("page", "charts"), PAGES.items(), ids=list(PAGES))
def test_every_page_renders_on_the_bundled_data(page: str, charts: int) -> None:
    at = run(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.get("plotly_chart")) >= charts
    assert not any("problem(s) in the data files" in e.label for e in at.expander)


@pytest.mark.parametrize(("page", "charts"), PAGES.items(), ids=list(PAGES))
def test_every_page_survives_bad_data_with_a_banner(bad_data: Path, page: str,
                                                    charts: int) -> None:
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
    assert "Kazakhstan" in before and "Central Asia (total)" in before
    at.multiselect(key="trade-partners").set_value(["KGZ"]).run()
    after = trace_names(specs(at)[0])
    assert "Kyrgyzstan" in after and "Kazakhstan" not in after
    assert at.query_params["partners"] in ("KGZ", ["KGZ"])


def test_trade_measure_and_style_change_the_chart() -> None:
    at = run("app_pages/trade.py")
    at.radio(key="trade-style").set_value("bar").run()
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


@pytest.mark.parametrize("params", [
    {"partners": "XXX,<script>", "from": "2030", "to": "1990"},
    {"partners": "K" * 10_000, "year": "9" * 5000, "indicator": "drop table"},
    {"from": "abc", "to": "-5", "period": "Jan–Dec"},
], ids=["unknown-and-reversed", "very-long", "garbage"])
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
    (root / "catalog" / "touch.yaml").write_text("# a new file: a new cache key\n",
                                                 encoding="utf-8")
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
    at.run()
    assert calls["n"] == 2, "a changed file is picked up on the next rerun"


def test_no_data_text_is_rendered_as_html() -> None:
    for page in PAGES:
        at = run(page)
        assert not at.get("html"), page
        for md in at.markdown:
            assert not getattr(md.proto, "allow_html", False), page


def test_without_chromium_the_image_formats_say_so(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    at = run("app_pages/investment.py")
    assert not at.exception
    assert any("Chromium is not installed" in w.value for w in at.warning)
    buttons = {b.label: b for b in at.get("download_button")}
    assert buttons["PNG"].disabled and buttons["SVG"].disabled and buttons["PDF"].disabled
    assert not buttons["CSV"].disabled
