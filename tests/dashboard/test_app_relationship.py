"""The Streamlit script under AppTest on other relationships: the test fixture's every page,
a new dataset's empty pages, a counterpart added by pull request, and a root with two
datasets switched from a picker and restored from the URL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indicators.contrib.newdataset import new_dataset
from tests.dashboard.views import open_folded
from tests.paths import ROOT
from tests.test_relationship import FIXTURE, FORBIDDEN, MONGOLIA

APP = str(ROOT / "dashboard" / "app.py")
PAGES = [
    "app_pages/overview.py",
    "app_pages/trade.py",
    "app_pages/investment.py",
    "app_pages/map.py",
    "app_pages/timeline.py",
    "app_pages/data_table.py",
    "app_pages/sources.py",
]


def run(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.run()
    if page != PAGES[0]:
        at.switch_page(page)
        at.run()
    return open_folded(at)


def page_text(at: AppTest) -> str:
    """Every text a reader sees: titles, captions, notes, chart titles and series, and the
    options of every picker."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error"):
        parts += [str(e.value) for e in at.get(kind)]
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        parts.append(spec["layout"].get("title", {}).get("text", ""))
        parts += [str(t.get("name", "")) for t in spec["data"]]
        parts += [str(t.get("text", "")) for t in spec["data"]]
    for d in at.dataframe:
        parts.append(d.value.to_csv(index=False))
    for w in [*at.get("multiselect"), *at.get("selectbox"), *at.get("radio")]:
        parts.append(w.label)
        parts += [str(o) for o in w.options]
    return "\n".join(parts)


@pytest.fixture
def fixture_data(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INDICATORS_DATA", str(FIXTURE))
    return FIXTURE


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_fixture_relationship_only(fixture_data: Path, page: str) -> None:
    at = run(page)
    assert not at.exception
    text = page_text(at)
    assert not [w for w in FORBIDDEN if w in text], text
    # Data pages list names from the fixture; chart pages name them in titles and legends.
    assert "Brazil" in text or "Argentina" in text or "Test" in text, text


def test_the_fixture_trade_page_offers_its_partners_and_reporters(fixture_data: Path) -> None:
    at = run("app_pages/trade.py")
    assert at.multiselect(key="trade-partners").options == [
        "Southern Cone",
        "Argentina",
        "Paraguay",
        "Uruguay",
    ]
    view = at.selectbox(key="trade-view")
    assert view.options == ["Brazil", "Argentina"]
    view.set_value("ARG").run()
    assert not at.exception
    assert at.query_params["view"] == "ARG"
    legend = {t["name"] for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]}
    assert {"Brazil", "Paraguay"} <= legend


def test_a_new_dataset_opens_with_an_explanation_on_every_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_dataset(tmp_path / "new", ident="new", focus="MNG", partners=["CHN", "RUS"])
    monkeypatch.setenv("INDICATORS_DATA", str(tmp_path / "new"))
    for page in PAGES:
        at = run(page)
        assert not at.exception, page
        assert not at.get("plotly_chart"), f"{page} draws an empty chart"
        notes = [str(e.value) for e in at.get("info")]
        assert notes or page == "app_pages/data_table.py", page


def test_a_counterpart_added_by_pull_request_reaches_trade_and_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    (root / "reports" / "zz-test-mongolia.yaml").write_text(MONGOLIA, encoding="utf-8")
    monkeypatch.setenv("INDICATORS_DATA", str(root))
    at = run("app_pages/trade.py", {"partners": "KAZ,MNG", "from": "2020", "to": "2025"})
    assert "Mongolia" in at.multiselect(key="trade-partners").options
    names = {t["name"] for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]}
    assert "Mongolia" in names
    at = run("app_pages/map.py", {"year": "2025"})
    shaded = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert "MNG" in shaded["locations"]


@pytest.fixture
def two_roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "root"
    shutil.copytree(ROOT / "data", root / "china-central-asia")
    shutil.copytree(FIXTURE, root / "southern-cone")
    monkeypatch.setenv("INDICATORS_DATA", str(root))
    return root


def test_the_picker_switches_datasets_and_the_url_keeps_the_choice(two_roots: Path) -> None:
    at = run("app_pages/overview.py")
    choice = at.selectbox(key="dataset-choice")
    assert choice.options == [
        "China–Central Asia economic ties",
        "Brazil and the Southern Cone (test data)",
    ]
    assert at.title[0].value == "China–Central Asia economic ties"
    choice.set_value("southern-cone-test").run()
    assert at.query_params["dataset"] == "southern-cone-test"
    assert "Brazil" in at.title[0].value
    # A link with the choice opens on it.
    at = run("app_pages/trade.py", {"dataset": "southern-cone-test"})
    assert at.selectbox(key="dataset-choice").value == "southern-cone-test"
    assert "Argentina" in at.multiselect(key="trade-partners").options


def test_a_bad_file_in_one_dataset_never_hides_the_other(two_roots: Path) -> None:
    (two_roots / "southern-cone" / "reports" / "zz-bad.yaml").write_text(
        "observations: [unclosed\n", encoding="utf-8"
    )
    at = run("app_pages/overview.py")
    assert not at.exception and len(at.get("plotly_chart")) == 3
    at = run("app_pages/overview.py", {"dataset": "southern-cone-test"})
    assert not at.exception and "Brazil" in at.title[0].value
    assert any("problem" in str(e.label) for e in at.get("expander"))
    assert len(at.get("plotly_chart")) >= 2
