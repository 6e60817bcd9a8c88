"""Pure functions: periods, formatting, representatives, mirror statistics, Gantt rows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicators import load_dataset
from indicators.frames import formatting as fmt
from indicators.frames import tidy as F
from indicators.frames.projects import gantt_rows
from indicators.periods import PeriodError, parse_period
from tests.paths import DATA


@pytest.fixture(scope="module")
def ds():
    return load_dataset(DATA)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "partial"),
    [
        ("2024", "year", date(2024, 1, 1), date(2024, 12, 31), False),
        ("2024-Q2", "quarter", date(2024, 4, 1), date(2024, 6, 30), True),
        ("2024-H1", "half", date(2024, 1, 1), date(2024, 6, 30), True),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), True),
        ("2024-05-18", "date", date(2024, 5, 18), date(2024, 5, 18), False),
        ("2025-01/2025-05", "span", date(2025, 1, 1), date(2025, 5, 31), True),
        ("2013/2024", "span", date(2013, 1, 1), date(2024, 12, 31), False),
        ("..2025-06", "cumulative", None, date(2025, 6, 30), False),
    ],
)
def test_periods(text: str, kind: str, start: date | None, end: date, partial: bool) -> None:
    p = parse_period(text)
    assert (p.kind, p.start, p.end, p.is_partial_year) == (kind, start, end, partial)


@pytest.mark.parametrize(
    "text", ["2024-02-30", "2024-13", "2024-05/2024-01", "24", "Q2 2024", "2024-Q5", "..", "2024/"]
)
def test_bad_periods(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_labels() -> None:
    assert parse_period("2025-01/2025-05").label() == "Jan–May 2025"
    assert parse_period("2025-01/2025-05").partial_label() == "Jan–May"
    assert parse_period("..2025-06").label() == "up to Jun 2025"


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "plain", "signed"),
    [
        (30e9, "USD", "more_than", "more than $30 bn", "> $30 bn"),
        (94.8e9, "USD", "exact", "$94.8 bn", "$94.8 bn"),
        (30e9, "USD", "at_least", "at least $30 bn", "≥ $30 bn"),
        (208e6, "USD", "approximately", "about $208 mn", "≈ $208 mn"),
        (1.5e9, "CNY", "exact", "¥1.5 bn", "¥1.5 bn"),
        (43.2e9, "m3", "exact", "43.2 bcm", "43.2 bcm"),
    ],
)
def test_format_value_keeps_the_qualifier(
    value: float, unit: str, qualifier: str, plain: str, signed: str
) -> None:
    assert fmt.format_value(value, unit, qualifier) == plain
    assert fmt.format_value(value, unit, qualifier, sign=True) == signed


def _obs(**kw: object) -> dict:
    base = {
        "indicator": "trade_total",
        "reporter": "CHN",
        "partner": "KAZ",
        "period": "2024",
        "unit": "USD",
        "value": 43.8e9,
        "value_max": None,
        "qualifier": "exact",
        "source": "a",
        "note": None,
        "year": 2024,
        "period_end": pd.Timestamp("2024-12-31"),
    }
    return {**base, **kw}


def test_representative_prefers_exact_and_agreement_and_keeps_the_others() -> None:
    sources = pd.DataFrame(
        [
            {"id": "a", "kind": "media", "published": "2025-01-01"},
            {"id": "b", "kind": "media", "published": "2025-02-01"},
            {"id": "c", "kind": "official_statistics", "published": "2024-01-01"},
            {"id": "d", "kind": "media", "published": "2025-03-01"},
        ]
    )
    obs = pd.DataFrame(
        [
            _obs(source="a"),
            _obs(source="b"),
            _obs(source="c", value=41e9),
            _obs(source="d", value=40e9, qualifier="more_than"),
        ]
    )
    rep = F.representatives(obs, sources)
    assert len(rep) == 1
    row = rep.iloc[0]
    assert row["value"] == 43.8e9  # two sources agree on it: it beats the official outlier
    assert row["n_sources"] == 4 and set(row["sources"]) == {"a", "b", "c", "d"}
    assert sorted(a["value"] for a in row["alternatives"]) == [40e9, 41e9]


def test_partial_periods_never_join_the_annual_series(ds) -> None:
    annual = F.series(ds, "trade_total", reporters=["CHN"], partners=["C5"])
    assert set(annual["period_kind"]) == {"year"}
    jan_may = F.series(
        ds, "trade_total", reporters=["CHN"], partners=["C5"], annual=False, partial_label="Jan–May"
    )
    assert not jan_may.empty and jan_may["partial"].all()
    assert set(jan_may["period"]).isdisjoint(annual["period"])


def test_headline_trade_names_its_source(ds) -> None:
    h = F.headline(ds, "trade_total", "CHN", "C5", "trade")
    assert h is not None and h.value_text.startswith("$") and h.source
    inv = F.headline(ds, "investment_cumulative", "CHN", "C5", "inv", annual=False)
    assert inv is not None and inv.value_text.startswith("more than $")


def test_mirror_table_pairs_both_reporters(ds) -> None:
    table = F.mirror_table(ds, ["KAZ", "KGZ"], indicator="trade_total", focus="CHN")
    kaz22 = table[(table["partner"] == "KAZ") & (table["period"] == "2022")].iloc[0]
    assert kaz22["focus_value"] == pytest.approx(31.2e9)
    assert kaz22["partner_value"] == pytest.approx(24.2e9)
    assert kaz22["gap_pct"] == pytest.approx((31.2 / 24.2 - 1) * 100)
    kgz24 = table[(table["partner"] == "KGZ") & (table["period"] == "2024")].iloc[0]
    assert kgz24["gap_pct"] > 300  # China's figure about four times Kyrgyzstan's


def test_gantt_runs_open_projects_to_today(ds) -> None:
    today = date(2026, 11, 30)
    rows = gantt_rows(ds, today)
    cku = rows[rows["id"] == "cku-railway"].iloc[0]
    assert cku["open_ended"] and cku["end"] == pd.Timestamp(today)
    done = rows[~rows["open_ended"]]
    assert not done.empty and (done["end"] <= pd.Timestamp(today)).all()


def test_filter_observations_search_and_ranges(ds) -> None:
    some = F.filter_observations(
        ds, indicators=["trade_total"], partners=["KGZ"], years=(2023, 2024)
    )
    assert not some.empty
    assert set(some["indicator"]) == {"trade_total"}
    assert some["year"].between(2023, 2024).all()
    assert ((some["partner"] == "KGZ") | (some["reporter"] == "KGZ")).all()
    found = F.filter_observations(ds, text="cagp")
    assert not found.empty and (found["project"].fillna("").str.contains("cagp")).all()
