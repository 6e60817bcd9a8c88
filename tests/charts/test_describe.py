"""Each chart's generated description: what kind of chart, what it shows, its highest value."""

from __future__ import annotations

from indicators import load_dataset
from indicators.charts import project_views, standard, views
from indicators.charts.describe import describe
from tests.paths import DATA


def test_every_standard_chart_is_described_from_what_it_draws() -> None:
    ds = load_dataset(DATA)
    for chart in standard.standard_charts(ds):
        fig = chart.build(ds)
        text = describe(fig)
        assert text.startswith(("Line chart", "Bar chart", "Map", "Timeline", "Dot chart")), text
        assert fig.layout.meta["title"] in text
        assert "<" not in text and "&amp;" not in text  # plain text, not plotly's markup


def test_the_trade_chart_names_its_series_and_its_highest_point() -> None:
    ds = load_dataset(DATA)
    text = describe(views.trade_view(ds, partners=["C5"]))
    assert "1 series: Central Asia;" in text
    assert "highest $106 bn in 2025 (Central Asia)" in text
    text = describe(views.trade_view(ds, partners=["KAZ", "UZB"], years=(2015, 2020)))
    assert "Kazakhstan" in text and "Uzbekistan" in text and "2025" not in text.split(";")[-1]


def test_the_map_names_its_largest_partner() -> None:
    text = describe(project_views.map_view(load_dataset(DATA), show_projects=False))
    assert text.startswith("Map, Trade by partner") and "for Kazakhstan" in text
