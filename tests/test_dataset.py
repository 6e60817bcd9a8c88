"""The bundled China–Central Asia dataset: valid, complete by topic, and right where checked."""

from __future__ import annotations

import pytest

from indicators import load_dataset, validate_dataset
from indicators.frames import consistency
from tests.paths import DATA


@pytest.fixture(scope="module")
def ds():
    return load_dataset(DATA)


def test_bundled_data_passes_strict_and_every_conflict_is_explained() -> None:
    report = validate_dataset(DATA)
    assert report.errors == [], [p.format() for p in report.errors[:10]]
    assert report.warnings == [], [p.format() for p in report.warnings[:10]]
    assert {p.code for p in report.notices} == {"conflict"}
    assert all("why they differ" in p.hint for p in report.notices)


def test_counts_by_topic_never_drop(ds) -> None:
    counts = ds.report.counts
    assert counts["sources"] >= 260
    assert counts["observations"] >= 900
    assert counts["projects"] >= 36
    assert counts["milestones"] >= 90
    assert counts["events"] >= 32
    assert counts["excluded"] >= 210
    assert counts["observations"] + counts["projects"] + counts["events"] >= 700
    topic = dict(zip(ds.indicators["id"], ds.indicators["topic"], strict=True))
    by_topic = ds.observations["indicator"].map(topic).value_counts()
    floors = {
        "trade": 380,
        "transport": 215,
        "infrastructure": 120,
        "energy": 95,
        "investment": 45,
        "relations": 14,
        "agriculture": 8,
    }
    for name, floor in floors.items():
        assert by_topic.get(name, 0) >= floor, (name, by_topic.get(name, 0))


def test_every_collected_report_is_a_source_with_full_coverage(ds) -> None:
    ids = set(ds.sources["id"])
    numbered = {i.split("-", 1)[0] for i in ids}
    assert {f"{n:03d}" for n in range(1, 259)} <= numbered
    report = validate_dataset(DATA)
    assert not [p for p in report.problems if p.code in ("uncovered-figure", "bad-locator")]
    with_count = ds.sources[ds.sources["figures"].notna()]
    assert with_count["figures"].sum() >= 936


# (source, indicator, reporter, partner, period, value as stated, unit, qualifier)
SPOT_CHECKS = [
    ("001-orda-china-ca-trade-2024", "trade_total", "CHN", "C5", "2024", 94.8, "USD bn", "exact"),
    ("001-orda-china-ca-trade-2024", "trade_total", "CHN", "KAZ", "2024", 43.8, "USD bn", "exact"),
    ("001-orda-china-ca-trade-2024", "trade_total", "CHN", "KGZ", "2024", 22.7, "USD bn", "exact"),
    ("001-orda-china-ca-trade-2024", "trade_total", "CHN", "UZB", "2024", 13.7, "USD bn", "exact"),
    ("001-orda-china-ca-trade-2024", "trade_total", "CHN", "TKM", "2024", 10.6, "USD bn", "exact"),
    ("001-orda-china-ca-trade-2024", "trade_total", "CHN", "TJK", "2024", 3.8, "USD bn", "exact"),
    ("001-orda-china-ca-trade-2024", "trade_share", "CHN", "KAZ", "2024", 46, "percent", "exact"),
    (
        "000-peoples-daily-prnewswire-2025-06-16",
        "investment_cumulative",
        "CHN",
        "C5",
        "..2025-06-16",
        30,
        "USD bn",
        "more_than",
    ),
    (
        "023-trend-kz-china-31-4bn-2023",
        "trade_total",
        "KAZ",
        "CHN",
        "2023",
        31.4,
        "USD bn",
        "exact",
    ),
    (
        "023-trend-kz-china-31-4bn-2023",
        "trade_total",
        "KAZ",
        "CHN",
        "2022",
        24.2,
        "USD bn",
        "exact",
    ),
    ("038-24kg-kg-china-2024-5-3bn", "trade_total", "KGZ", "CHN", "2024", 5.3, "USD bn", "exact"),
    (
        "006-intellinews-china-ca-trade-2023-gacc",
        "trade_total",
        "CHN",
        "C5",
        "2023",
        89.4,
        "USD bn",
        "exact",
    ),
    (
        "006-intellinews-china-ca-trade-2023-gacc",
        "trade_total",
        "CHN",
        "C5",
        "2022",
        70.2,
        "USD bn",
        "exact",
    ),
    (
        "006-intellinews-china-ca-trade-2023-gacc",
        "exports",
        "CHN",
        "C5",
        "2023",
        61.4,
        "USD bn",
        "exact",
    ),
    (
        "006-intellinews-china-ca-trade-2023-gacc",
        "trade_total",
        "CHN",
        "KAZ",
        "2023",
        41,
        "USD bn",
        "exact",
    ),
    (
        "003-globaltimes-mirror-trade-jan-may-2025",
        "trade_total",
        "CHN",
        "C5",
        "2025-01/2025-05",
        286.42,
        "CNY bn",
        "exact",
    ),
    (
        "003-globaltimes-mirror-trade-jan-may-2025",
        "trade_total",
        "CHN",
        "C5",
        "2025-01/2025-05",
        39.93,
        "USD bn",
        "exact",
    ),
    (
        "003-globaltimes-mirror-trade-jan-may-2025",
        "trade_total",
        "CHN",
        "C5",
        "2024",
        674.15,
        "CNY bn",
        "exact",
    ),
    (
        "010-globaltimes-china-ca-trade-2025-106bn",
        "trade_total",
        "CHN",
        "C5",
        "2025",
        106.3,
        "USD bn",
        "exact",
    ),
    (
        "010-globaltimes-china-ca-trade-2025-106bn",
        "exports",
        "CHN",
        "C5",
        "2025",
        71.2,
        "USD bn",
        "exact",
    ),
    (
        "016-peoplescn-china-ca-trade-2012-46bn-fdi-7-82bn",
        "trade_total",
        "CHN",
        "C5",
        "2012",
        46,
        "USD bn",
        "exact",
    ),
    (
        "016-peoplescn-china-ca-trade-2012-46bn-fdi-7-82bn",
        "fdi_stock",
        "CHN",
        "C5",
        "2012-12-31",
        7.82,
        "USD bn",
        "exact",
    ),
    (
        "067-newscentralasia-wang-wentao-fdi-15bn",
        "fdi_stock",
        "CHN",
        "C5",
        "2022-12-31",
        15,
        "USD bn",
        "nearly",
    ),
    (
        "116-xinhua-ru-gas-pipeline-2022-43-2bcm",
        "gas_volume",
        "C5",
        "CHN",
        "2022",
        43.2,
        "bcm",
        "exact",
    ),
    (
        "167-astanatimes-khorgos-gateway-372000-teu-2025",
        "container_volume",
        "KAZ",
        None,
        "2025",
        372000,
        "TEU",
        "more_than",
    ),
    (
        "141-amigonews-cgtn-china-europe-19000-2024",
        "train_trips",
        "CHN",
        None,
        "2024",
        19000,
        "count",
        "exact",
    ),
    (
        "113-worldpipelines-line-d-construction-begins-2014",
        "length",
        None,
        None,
        "2014",
        1000,
        "km",
        "exact",
    ),
    ("111-trend-line-d-delays-966km-2024", "length", None, None, "2024", 966, "km", "exact"),
    ("194-chinalogist-kamchik-longest-tunnel", "length", None, None, "2016", 19.2, "km", "exact"),
    ("194-chinalogist-kamchik-longest-tunnel", "length", None, None, "2016", 123.1, "km", "exact"),
    (
        "130-tass-russian-oil-via-kz-10mt-2023",
        "oil_transit",
        "RUS",
        "CHN",
        "2023",
        10,
        "Mt",
        "exact",
    ),
    (
        "242-daryo-xi-grant-208mn-3000-training",
        "financing_pledge",
        "CHN",
        "C5",
        "2025",
        208,
        "USD mn",
        "more_than",
    ),
    (
        "242-daryo-xi-grant-208mn-3000-training",
        "financing_pledge",
        "CHN",
        "C5",
        "2025",
        1.5,
        "CNY bn",
        "exact",
    ),
    (
        "211-wikisum-china-central-asia-summit",
        "financing_pledge",
        "CHN",
        "C5",
        "2023",
        26,
        "CNY bn",
        "exact",
    ),
    (
        "000-danfetv-astana-summit-preview-2025",
        "principles",
        "CHN",
        "C5",
        "2023-05",
        4,
        "count",
        "exact",
    ),
    (
        "000-danfetv-astana-summit-preview-2025",
        "proposals",
        "CHN",
        "C5",
        "2023-05",
        8,
        "count",
        "exact",
    ),
]


@pytest.mark.parametrize(
    "check", SPOT_CHECKS, ids=[f"{c[0][:3]}-{c[1]}-{c[4]}-{c[5]}" for c in SPOT_CHECKS]
)
def test_spot_check(ds, check: tuple) -> None:
    source, indicator, reporter, partner, period, value, unit, qualifier = check
    obs = ds.observations
    rows = obs[
        (obs["source"] == source)
        & (obs["indicator"] == indicator)
        & (obs["period"] == period)
        & (obs["unit_as_stated"] == unit)
        & (obs["value_as_stated"] == value)
    ]
    rows = rows[(rows["reporter"] == reporter) if reporter else rows["reporter"].isna()]
    rows = rows[(rows["partner"] == partner) if partner else rows["partner"].isna()]
    assert len(rows) == 1, f"{check} not found exactly once"
    assert rows.iloc[0]["qualifier"] == qualifier


def test_events_and_projects_of_the_founding_report(ds) -> None:
    events = set(ds.events["id"])
    assert {
        "fm-meeting-2020",
        "virtual-summit-2022",
        "summit-2023-xian",
        "xian-declaration-2023",
        "summit-2025-astana",
        "brics-partners-2025",
    } <= events
    xian = ds.events[ds.events["id"] == "summit-2023-xian"].iloc[0]
    assert xian["date"].startswith("2023-05")
    astana = ds.events[ds.events["id"] == "summit-2025-astana"].iloc[0]
    assert astana["date"].startswith("2025-06")
    projects = set(ds.projects["id"])
    assert {
        "china-europe-trains",
        "titr",
        "cku-railway",
        "cagp",
        "kz-china-oil-pipeline",
        "china-ca-fibre-optic",
        "china-ca-air-routes",
    } <= projects
    cku = ds.projects[ds.projects["id"] == "cku-railway"].iloc[0]
    assert cku["status"] == "under_construction"


def test_mirror_gaps_listed_in_the_index_are_in_the_data(ds) -> None:
    from indicators.frames.tidy import mirror_table

    table = mirror_table(ds, ["KAZ", "KGZ"], indicator="trade_total", focus="CHN")
    kaz23 = table[(table["partner"] == "KAZ") & (table["period"] == "2023")].iloc[0]
    assert 25 < kaz23["gap_pct"] < 35  # about +30% in China's figures
    kgz24 = table[(table["partner"] == "KGZ") & (table["period"] == "2024")].iloc[0]
    assert kgz24["focus_value"] / kgz24["partner_value"] > 3.5  # about four times


def test_consistency_checks_run_and_report(ds) -> None:
    sums = consistency.sums_against_totals(ds)
    assert {"2022", "2023", "2024"} <= set(sums["period"])
    row = sums[sums["period"] == "2024"].iloc[0]
    assert row["sum_of_members"] == pytest.approx(94.6e9)
    assert row["total"] == pytest.approx(94.8e9)
    shares = consistency.shares_against_levels(ds)
    assert len(shares) >= 5
    assert shares["gap_points"].abs().max() < 2


def _sums_one_by_one(ds, indicator: str = "trade_total", group: str = "C5") -> list[tuple]:
    """The consistency check written as the plain loop it replaces (for comparison)."""
    from indicators.frames import tidy as F

    members = set(ds.entities[ds.entities["id"] == group].iloc[0]["members"])
    obs = ds.observations
    reps = F.representatives(
        obs[(obs["indicator"] == indicator) & (obs["basis"] == "actual")], ds.sources
    )
    rows = []
    for (reporter, period, _unit), grp in reps.groupby(["reporter", "period", "unit"]):
        total = grp[grp["partner"] == group]
        parts = grp[grp["partner"].isin(members)]
        if total.empty or set(parts["partner"]) != members:
            continue
        t, s = float(total.iloc[0]["value"]), float(parts["value"].sum())
        rows.append(
            (
                reporter,
                period,
                t,
                s,
                len(parts),
                total.iloc[0]["source"],
                bool(t) and abs((s / t - 1) * 100) <= consistency.TOLERANCE_PCT,
            )
        )
    return rows


def test_sums_against_totals_match_the_plain_loop(ds) -> None:
    import dataclasses

    obs = ds.observations
    # A member missing for one period, and a total of zero for another.
    gone = (
        (obs["indicator"] == "trade_total") & (obs["partner"] == "KGZ") & (obs["period"] == "2023")
    )
    zero = (
        (obs["indicator"] == "trade_total") & (obs["partner"] == "C5") & (obs["period"] == "2022")
    )
    changed = obs[~gone].copy()
    changed.loc[zero[~gone], "value"] = 0.0
    for data in (ds, dataclasses.replace(ds, observations=changed)):
        sums = consistency.sums_against_totals(data)
        got = [
            (r.reporter, r.period, r.total, r.sum_of_members, r.members, r.total_source, bool(r.ok))
            for r in sums.itertuples()
        ]
        assert got == _sums_one_by_one(data)
    sums = consistency.sums_against_totals(dataclasses.replace(ds, observations=changed))
    assert "2023" not in set(sums[sums["reporter"] == "CHN"]["period"])
    zero_row = sums[(sums["reporter"] == "CHN") & (sums["period"] == "2022")]
    assert len(zero_row) == 1
    assert zero_row["gap_pct"].isna().all() and not zero_row["ok"].any()
