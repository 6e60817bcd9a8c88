"""Every control that changes what a page shows is in the URL and restored from it: a link
opens each page with each control as it was (AppTest, bundled data)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.paths import ROOT

APP = str(ROOT / "dashboard" / "app.py")


def run(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "app_pages/overview.py":
        at.switch_page(page)
        at.run()
    assert not at.exception
    return at


def widget(at: AppTest, key: str):
    for kind in (
        "selectbox",
        "multiselect",
        "radio",
        "toggle",
        "slider",
        "select_slider",
        "text_input",
    ):
        for w in at.get(kind):
            if w.key == key:
                return w
    raise KeyError(key)


# page, the URL's parameters, and each widget's value the link must restore
CASES = [
    (
        "app_pages/trade.py",
        {
            "view": "CHN",
            "partners": "KAZ,UZB",
            "measure": "exports",
            "period": "annual",
            "whose": "both",
            "style": "bar",
            "share": "0",
            "events": "0",
            "targets": "0",
            "from": "2015",
            "to": "2023",
        },
        {
            "trade-view": "CHN",
            "trade-partners": ["KAZ", "UZB"],
            "trade-measure": "exports",
            "trade-period": "annual",
            "trade-reporter": "both",
            "trade-style": "bar",
            "trade-share": False,
            "trade-events": False,
            "trade-targets": False,
            "trade-years": (2015, 2023),
        },
    ),
    ("app_pages/trade.py", {"view": "KAZ"}, {"trade-view": "KAZ"}),
    (
        "app_pages/investment.py",
        {"partners": "C5", "inds": "fdi_stock", "pledges": "0", "from": "2015", "to": "2024"},
        {
            "investment-partners": ["C5"],
            "investment-indicators": ["fdi_stock"],
            "investment-pledges": False,
            "investment-years": (2015, 2024),
        },
    ),
    (
        "app_pages/map.py",
        {
            "indicator": "exports",
            "year": "2023",
            "colour": "status",
            "projects": "0",
            "select": "KAZ",
        },
        {
            "map-indicator": "exports",
            "map-year": 2023,
            "map-colour": "status",
            "map-projects": False,
            "map-select": "KAZ",
        },
    ),
    ("app_pages/map.py", {"select": "cagp"}, {"map-select": "cagp"}),
    (
        "app_pages/timeline.py",
        {
            "kinds": "pipeline,railway",
            "top": "0",
            "events": "0",
            "project": "titr",
            "series": "cargo_volume",
        },
        {
            "timeline-kinds": ["pipeline", "railway"],
            "timeline-top": False,
            "timeline-events": False,
            "timeline-project": "titr",
        },
    ),
    (
        "app_pages/data_table.py",
        {
            "dinds": "trade_total",
            "partners": "KGZ",
            "dsources": "001-orda-china-ca-trade-2024",
            "q": "GAC",
            "from": "2020",
            "to": "2024",
        },
        {
            "data-indicators": ["trade_total"],
            "data-partners": ["KGZ"],
            "data-sources": ["001-orda-china-ca-trade-2024"],
            "data-search": "GAC",
            "data-years": (2020, 2024),
        },
    ),
    (
        "app_pages/sources.py",
        {"sq": "Orda", "source": "001-orda-china-ca-trade-2024"},
        {"sources-search": "Orda", "sources-pick": "001-orda-china-ca-trade-2024"},
    ),
]


@pytest.mark.parametrize(
    ("page", "params", "expected"),
    CASES,
    ids=[f"{c[0].split('/')[-1][:-3]}-{i}" for i, c in enumerate(CASES)],
)
def test_a_link_restores_every_control(
    page: str, params: dict[str, str], expected: dict[str, object]
) -> None:
    at = run(page, params)
    for key, value in expected.items():
        got = widget(at, key).value
        if isinstance(value, tuple):
            got = tuple(got)
        assert got == value, (key, got, value)
    # And the URL still holds every parameter after the page ran (nothing dropped).
    for k in params:
        assert k in at.query_params, k


def test_timeline_series_is_restored_for_its_project() -> None:
    at = run("app_pages/timeline.py", {"project": "titr", "series": "container_volume"})
    series = next(w for w in at.selectbox if w.label == "Series")
    assert series.value == "container_volume"


def test_changing_a_control_writes_it_to_the_url() -> None:
    at = run("app_pages/trade.py", {})
    widget(at, "trade-style").set_value("stacked").run()
    widget(at, "trade-events").set_value(False).run()
    assert at.query_params["style"] == "stacked" and at.query_params["events"] == "0"
    at = run("app_pages/map.py", {})
    widget(at, "map-select").set_value("UZB").run()
    assert at.query_params["select"] == "UZB"
    assert any(h.value == "Uzbekistan" for h in at.subheader)
