"""A dataset says which relationship it follows: dataset.yaml read and checked, inferred
without it, and every chart, picker and title reading it, for any focus and partners."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from indicators import load_dataset, validate_dataset
from indicators.charts import project_views, standard, style, views
from indicators.cli import main
from indicators.contrib.newdataset import new_dataset
from indicators.frames import roles
from indicators.read.datasets import discover
from tests.chart_record import RECORD, TODAY, record, standard_set_record
from tests.paths import ROOT

DATA = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "datasets" / "southern-cone"
FORBIDDEN = ("China", "Chinese", "Central Asia", "C5")

# Names the change deliberately gave series whose points are the same: the mirror chart
# names each side by its reporter (no longer "customs", which only China's data is), the
# group entity reads "Central Asia" (one name everywhere, no "(five countries)"), and the
# investment legend names indicators as the catalog does, not by their ids.
RENAMED = {
    "China's customs": "China's statistics",
    "Central Asia (five countries) → China": "Central Asia → China",
    "investment cumulative: Central Asia (total)": "Cumulative investment: Central Asia",
    "fdi stock: Central Asia (total)": "Direct investment stock: Central Asia",
    "investment cumulative: Kazakhstan": "Cumulative investment: Kazakhstan",
}


def _renamed(name: str | None) -> str | None:
    if name is None:
        return None
    return RENAMED.get(name, name).replace("Central Asia (total)", "Central Asia")


def _descriptor(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "data"
    shutil.copytree(FIXTURE, root)
    (root / "dataset.yaml").write_text(text, encoding="utf-8")
    return root


# ---- the descriptor -------------------------------------------------------------------------


def test_the_bundled_dataset_declares_its_relationship() -> None:
    rel = load_dataset(DATA).relationship
    assert (rel.id, rel.focus, rel.partners, rel.group) == (
        "china-central-asia",
        "CHN",
        ("KAZ", "KGZ", "TJK", "TKM", "UZB"),
        "C5",
    )
    assert rel.licence == "CC BY 4.0" and not rel.inferred


def test_descriptor_problems_are_located_with_hints(tmp_path: Path) -> None:
    root = _descriptor(
        tmp_path,
        (
            "id: southern-cone-test\ntitle: T\ndescription: D\nfocus: BRA\n"
            "partners: [ARG, PRY, XYZ]\ngroup: SCG\nlicence: CC0\n"
        ),
    )
    report = validate_dataset(root)
    problems = {p.code: p for p in report.errors if p.file.endswith("dataset.yaml")}
    unknown = problems["unknown-reference"]
    assert (unknown.line, unknown.column) == (5, 22) and "XYZ" in unknown.message
    assert "register it" in unknown.hint
    members = problems["group-members"]
    assert members.line == 6 and "URY" in members.message and "XYZ" in members.message
    assert members.hint


def test_a_missing_key_is_an_error_at_its_place(tmp_path: Path) -> None:
    root = _descriptor(
        tmp_path,
        "id: x\ntitle: T\ndescription: D\npartners: [ARG]\nlicence: CC0\nfocus_country: BRA\n",
    )
    report = validate_dataset(root)
    codes = {(p.code, p.field) for p in report.errors if p.file.endswith("dataset.yaml")}
    assert ("missing-field", "focus") in codes
    assert ("unknown-field", "focus_country") in codes
    text = next(p.format() for p in report.errors if p.field == "focus_country")
    assert text.startswith(f"{root / 'dataset.yaml'}:6:1: error[unknown-field]")
    # The rest of the data still loads, with the relationship the data implies.
    ds = load_dataset(root)
    assert len(ds.observations) > 0 and ds.relationship.focus == "BRA"


def test_without_a_descriptor_the_relationship_is_inferred_and_said_once(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(FIXTURE, root)
    (root / "dataset.yaml").unlink()
    ds = load_dataset(root)
    rel = ds.relationship
    assert rel.inferred and rel.focus == "BRA" and rel.group == "SCG"
    assert set(rel.partners) == {"ARG", "PRY", "URY"}
    said = [p for p in ds.report.problems if p.code == "no-descriptor"]
    assert len(said) == 1 and said[0].severity == "warning"
    assert said[0].file.endswith("dataset.yaml") and "dataset.yaml" in said[0].hint
    assert ds.report.valid  # a warning, not an error: the dataset still loads


# ---- the bundled data draws what it drew -----------------------------------------------------


def test_the_bundled_standard_set_draws_the_same_series_and_points() -> None:
    before = json.loads(RECORD.read_text(encoding="utf-8"))
    now = standard_set_record(DATA)
    assert list(now) == list(before)
    for chart_id, traces in before.items():
        # The group has one name everywhere: "Central Asia", no "(total)" in legends.
        expected = [[kind, _renamed(name), n] for kind, name, n in traces]
        # The same traces and points; their order may differ (Timeline bars now start at
        # construction, which reorders the status groups).
        assert sorted(now[chart_id], key=str) == sorted(expected, key=str), chart_id


# ---- another relationship ------------------------------------------------------------------


def _texts(fig) -> str:
    meta = fig.layout.meta or {}
    return " ".join(
        [meta.get("title", ""), meta.get("subtitle", ""), *(str(t.name or "") for t in fig.data)]
    )


def test_the_fixture_charts_name_its_own_entities_and_nothing_of_the_bundled_one() -> None:
    ds = load_dataset(FIXTURE, today=TODAY)
    assert ds.report.valid, [p.format() for p in ds.report.errors]
    for chart in standard.standard_charts(ds):
        fig = chart.build(ds)
        text = _texts(fig) + " " + chart.description
        assert not [w for w in FORBIDDEN if w in text], (chart.id, text)
        assert sum(n for _, _, n in record(fig)) > 0, f"{chart.id} draws nothing"
    trade = _texts(views.trade_view(ds))
    assert "Brazil with Southern Cone" in trade and "Argentina" in trade
    footer = views.trade_view(ds).layout.meta
    assert footer["project"].startswith("Brazil") and footer["licence"] == "CC0 1.0"


def test_colours_follow_the_relationship_and_are_the_same_everywhere() -> None:
    ds = load_dataset(FIXTURE)
    colours = style.colours(ds)
    assert colours["BRA"] == style.PALETTE[0]
    assert [colours[p] for p in ("ARG", "PRY", "URY")] == list(style.PALETTE[1:4])
    assert colours["SCG"] == style.GROUP_INK
    fig = views.trade_view(ds, partners=["ARG"])
    assert fig.data[0].line.color == colours["ARG"]
    assert project_views.map_view(ds).data[1].colorscale[0][1] != colours["BRA"]  # a tint of it


def test_any_reporter_is_a_point_of_view_with_its_own_counterparts() -> None:
    ds = load_dataset(FIXTURE)
    assert roles.reporters(ds) == ["BRA", "ARG"]
    assert roles.counterparts(ds, "ARG") == ["BRA", "PRY"]
    points = views.trade_points(ds, view="ARG")
    assert set(points["partner"]) == {"BRA", "PRY"}
    assert set(points["reporter"]) == {"ARG"}
    _, table = views.mirror_view(ds, view="ARG")
    assert set(table["partner"]) == {"BRA"}  # Brazil reports the same trade too
    _, table = views.mirror_view(ds)
    assert set(table["partner"]) == {"ARG"}


def test_the_map_frames_the_countries_with_data() -> None:
    geo = project_views.map_view(load_dataset(FIXTURE)).layout.geo
    assert geo.scope == "south america"
    assert -95 < geo.lonaxis.range[0] < geo.lonaxis.range[1] < -30
    geo = project_views.map_view(load_dataset(DATA)).layout.geo
    assert geo.scope == "asia" and 40 < geo.lonaxis.range[0] < 50


def test_a_route_elsewhere_is_not_called_suspicious(tmp_path: Path) -> None:
    report = validate_dataset(FIXTURE)
    assert not [p for p in report.problems if p.code == "suspicious-coordinates"]


# ---- a datapoint added by pull request reaches the charts ---------------------------------------

MONGOLIA = """\
# TEST DATA: a made-up figure, to prove that a new counterpart needs no code change.
sources:
  - id: zz-test-mongolia
    title: Invented China–Mongolia figure for tests
    publisher: Test Fixture Office
    published: 2025-02-01
    url: https://example.org/mongolia
    language: en
observations:
  - {indicator: trade_total, reporter: CHN, partner: MNG, period: "2025", value: 17.5,
     unit: USD bn, source: zz-test-mongolia, locator: table 1}
"""


@pytest.fixture
def with_mongolia(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    (root / "reports" / "zz-test-mongolia.yaml").write_text(MONGOLIA, encoding="utf-8")
    return root


def test_a_new_counterpart_appears_in_the_picker_the_trade_chart_and_the_map(
    with_mongolia: Path,
) -> None:
    ds = load_dataset(with_mongolia)
    assert ds.report.valid
    assert "MNG" in roles.counterparts(ds)
    assert roles.counterparts(ds)[:6] == ["C5", "KAZ", "KGZ", "TJK", "TKM", "UZB"]
    fig = views.trade_view(ds, partners=["KAZ", "MNG"])
    assert "Mongolia" in [t.name for t in fig.data]
    shaded = project_views.map_view(ds, year=2025).data[0]
    assert "MNG" in shaded.locations


# ---- several datasets under one root -------------------------------------------------------------


@pytest.fixture
def two_datasets(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(DATA, root / "china-central-asia")
    shutil.copytree(FIXTURE, root / "southern-cone")
    return root


def test_a_root_with_two_datasets_validates_each(
    two_datasets: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert [r.id for r in discover(two_datasets)] == ["china-central-asia", "southern-cone-test"]
    assert main(["validate", str(two_datasets)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-2].startswith("china-central-asia: valid")
    assert lines[-1].startswith("southern-cone-test: valid, 0 warning(s): 2 sources")


def test_a_bad_file_in_one_dataset_leaves_the_other_whole(two_datasets: Path, capsys) -> None:
    (two_datasets / "southern-cone" / "reports" / "zz-bad.yaml").write_text(
        "observations: [unclosed\n", encoding="utf-8"
    )
    assert main(["validate", str(two_datasets)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-2].startswith("china-central-asia: valid")
    assert out[-1].startswith("southern-cone-test: 1 error(s)")
    assert len(load_dataset(two_datasets / "china-central-asia").observations) > 900


def test_commands_ask_which_dataset_where_the_root_holds_several(
    two_datasets: Path, tmp_path: Path, capsys
) -> None:
    assert main(["export", "--list", "--data", str(two_datasets)]) == 2
    assert "--dataset" in capsys.readouterr().err
    assert (
        main(["export", "--list", "--data", str(two_datasets), "--dataset", "southern-cone-test"])
        == 0
    )
    assert "Brazil" in capsys.readouterr().out
    out = tmp_path / "package"
    assert (
        main(
            [
                "export-data",
                "--data",
                str(two_datasets),
                "--dataset",
                "southern-cone-test",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["title"] == "Brazil and the Southern Cone (test data)"
    assert package["licenses"][0]["name"] == "CC0 1.0"
    assert (
        main(["export-data", "--data", str(two_datasets), "--dataset", "nope", "--out", str(out)])
        == 2
    )


# ---- starting a dataset --------------------------------------------------------------------------


def test_new_dataset_writes_a_skeleton_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "mongolia"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "indicators",
            "new",
            "dataset",
            "--id",
            "mongolia",
            "--focus",
            "MNG",
            "--partners",
            "CHN,RUS",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid, 0 warning(s)" in done.stdout
    desc = yaml.safe_load((out / "dataset.yaml").read_text(encoding="utf-8"))
    assert desc["focus"] == "MNG" and desc["partners"] == ["CHN", "RUS"]
    assert desc["title"] == "Mongolia with China, Russia"
    ds = load_dataset(out)
    assert set(ds.indicators["id"]) == set(load_dataset(DATA).indicators["id"])
    assert (out / "reports").is_dir() and ds.observations.empty


def test_new_dataset_refuses_a_used_folder_and_a_wrong_group(tmp_path: Path) -> None:
    new_dataset(tmp_path / "a", ident="a", focus="MNG", partners=["CHN"])
    with pytest.raises(ValueError, match="already holds files"):
        new_dataset(tmp_path / "a", ident="a", focus="MNG", partners=["CHN"])
    with pytest.raises(ValueError, match="members"):
        new_dataset(tmp_path / "b", ident="b", focus="CHN", partners=["KAZ"], group="C5")
