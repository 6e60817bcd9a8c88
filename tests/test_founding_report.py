"""The founding report is a registered source cited by its own paragraphs, and what it
names reaches the pages: its figures, the six connectivity links of P9, the dated items of
P2, P4, P5, P15 and P16, and the two agricultural links of P7 (bundled data)."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from indicators import load_dataset
from tests.paths import ROOT

APP = str(ROOT / "dashboard" / "app.py")
FOUNDING = "000-peoples-daily-2025-06-18"


@pytest.fixture(scope="module")
def ds():
    return load_dataset(ROOT / "data")


def _paragraphs(locator: str) -> set[str]:
    return {w.strip("(),") for w in locator.split() if w.strip("(),").startswith("P")}


def test_registered_without_an_address_and_with_the_reason(ds) -> None:
    src = ds.sources.set_index("id").loc[FOUNDING]
    assert not isinstance(src["url"], str)
    assert "not recorded" in src["url_note"]
    assert str(src["published"]) == "2025-06-18"
    assert not [p for p in ds.report.problems if p.code == "uncovered-figure"]


@pytest.mark.parametrize(
    ("indicator", "period", "value", "qualifier", "paragraph"),
    [
        ("trade_total", "2024", 94.8e9, "exact", "P9"),
        ("investment_cumulative", "..2025-06-18", 30e9, "more_than", "P10"),
        ("principles", "2023-05", 4, "exact", "P5"),
        ("proposals", "2023-05", 8, "exact", "P5"),
    ],
)
def test_its_figures_cite_its_paragraphs(
    ds, indicator: str, period: str, value: float, qualifier: str, paragraph: str
) -> None:
    obs = ds.observations
    mine = obs[(obs["source"] == FOUNDING) & (obs["indicator"] == indicator)]
    assert len(mine) == 1
    row = mine.iloc[0]
    assert (row["period"], row["value"], row["qualifier"]) == (period, value, qualifier)
    assert paragraph in _paragraphs(row["locator"])


def test_the_six_links_of_p9_carry_its_status_wording(ds) -> None:
    cited = {
        pid: [s for s in history if s["source"] == FOUNDING]
        for pid, history in zip(ds.projects["id"], ds.projects["status_history"], strict=True)
    }
    links = {pid: s for pid, s in cited.items() if s and "P9" in _paragraphs(s[0]["locator"])}
    assert set(links) == {
        "china-europe-trains",
        "titr",
        "cku-railway",
        "cagp",
        "china-ca-fibre-optic",
        "china-ca-air-routes",
    }
    assert links["cku-railway"][0]["status"] == "under_construction"
    assert all('"' in s[0]["note"] for s in links.values()), "each note quotes P9's word"


@pytest.mark.parametrize(
    ("event", "paragraph"),
    [
        ("mechanism-2020", "P4"),
        ("virtual-summit-2022", "P4"),
        ("summit-2023-xian", "P4"),
        ("xian-declaration-2023", "P4"),
        ("summit-mechanism-2023", "P4"),
        ("summit-2025-astana", "P16"),
        ("brics-partners-2025", "P15"),
    ],
)
def test_the_dated_items_cite_it(ds, event: str, paragraph: str) -> None:
    sources = ds.events.set_index("id").loc[event, "sources"]
    mine = [c for c in sources if c["source"] == FOUNDING]
    assert mine and paragraph in _paragraphs(mine[0]["locator"])
    assert len(sources) > 1, "the earlier reports of the same event stay cited"


def test_the_agricultural_links_of_p7_are_on_the_timeline(ds) -> None:
    links = ds.projects[ds.projects["kind"] == "agricultural_link"]
    assert len(links) == 2
    for history in links["status_history"]:
        assert [(s["source"], "P7" in _paragraphs(s["locator"])) for s in history] == [
            (FOUNDING, True)
        ]
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("app_pages/timeline.py")
    at.run()
    assert not at.exception
    drawn = {
        str(y).replace("<br>", " ")
        for chart in at.get("plotly_chart")
        for trace in json.loads(chart.proto.spec)["data"]
        for y in trace.get("y") or []
    }
    assert any(y.startswith("Kazakh wheat") for y in drawn), sorted(drawn)[:20]
    assert any(y.startswith("Yangling") for y in drawn)


def test_the_sources_page_says_why_there_is_no_address() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["source"] = FOUNDING
    at.run()
    at.switch_page("app_pages/sources.py")
    at.run()
    assert not at.exception
    text = " ".join(t.value for t in at.text)
    assert "Address unknown: the project holds the release's full text" in text


def test_a_citation_line_has_no_empty_parts(ds) -> None:

    from indicators.frames import tables

    table = tables.sources_table(ds).set_index("id", drop=False)
    founding = tables.citation(table.loc[FOUNDING])
    assert founding.startswith("People's Daily, distributed by PR Newswire")
    assert "18 Jun 2025. Address unknown: the project holds" in founding
    plain = table[table["published_note"].eq("") & table["url"].notna()].iloc[0]
    line = tables.citation(plain)
    assert "; ." not in line and "nan" not in line
    assert line.endswith(". " + plain["url"])
