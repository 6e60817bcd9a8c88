"""`indicators export-data`: a Frictionless Data Package the real `frictionless` accepts,
written whole or not at all."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from frictionless import validate

from indicators import load_dataset
from indicators.cli import main
from indicators.export import datapackage, package_tables
from tests.paths import DATA


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "package"
    assert main(["export-data", "--data", str(DATA), "--out", str(out)]) == 0
    return out


def test_frictionless_validates_the_package_without_errors(package: Path) -> None:
    report = validate(str(package / "datapackage.json"))
    errors = [f"{t.name}: {e.type}: {e.message}" for t in report.tasks for e in t.errors]
    assert report.valid, errors[:10]
    assert {t.name for t in report.tasks} == {t.name for t in package_tables.TABLES}


def test_package_descriptor(package: Path) -> None:
    desc = json.loads((package / "datapackage.json").read_text())
    assert desc["licenses"][0]["name"] == "CC-BY-4.0"
    ds = load_dataset(DATA)
    assert len(desc["sources"]) == len(ds.sources)
    obs = next(r for r in desc["resources"] if r["name"] == "observations")
    fields = {f["name"]: f for f in obs["schema"]["fields"]}
    assert fields["value"]["type"] == "number" and "unit" in fields["value"]["description"]
    assert fields["period_end"]["type"] == "date"
    assert fields["qualifier"]["constraints"]["enum"][0] == "exact"
    assert obs["schema"]["primaryKey"] == ["id"]
    refs = {fk["fields"]: fk["reference"]["resource"] for fk in obs["schema"]["foreignKeys"]}
    assert refs["source"] == "sources" and refs["indicator"] == "indicators"
    assert sorted(p.name for p in package.iterdir()) == sorted(
        ["datapackage.json", *(f"{t.name}.csv" for t in package_tables.TABLES)]
    )


def test_every_valid_datapoint_is_exported_as_stated(package: Path) -> None:
    ds = load_dataset(DATA)
    with open(package / "observations.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(ds.observations)
    assert len({r["id"] for r in rows}) == len(rows)
    orda = next(
        r
        for r in rows
        if r["source"] == "001-orda-china-ca-trade-2024"
        and r["partner"] == "C5"
        and r["indicator"] == "trade_total"
    )
    assert (
        orda["value_as_stated"],
        orda["unit_as_stated"],
        orda["value"],
        orda["unit"],
        orda["period_start"],
        orda["period_end"],
    ) == ("94.8", "USD bn", "94800000000", "USD", "2024-01-01", "2024-12-31")


def test_frictionless_catches_a_broken_reference(package: Path, tmp_path: Path) -> None:
    """The foreign keys are real: the validation above would see a dangling source."""
    broken = tmp_path / "broken"
    shutil.copytree(package, broken)
    path = broken / "observations.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    fields = list(rows[0])
    rows[0]["source"] = "no-such"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    report = validate(str(broken / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {e.type for t in report.tasks for e in t.errors}


def test_a_failure_leaves_the_previous_export_untouched(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "package"
    shutil.copytree(package, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail_half_way(ds: object, folder: Path) -> None:
        (folder / "sources.csv").write_text("half a file")
        raise OSError("disk full")

    monkeypatch.setattr(datapackage, "write_package", fail_half_way)
    with pytest.raises(OSError, match="disk full"):
        datapackage.export_data(DATA, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package"]  # no temporary left


def test_a_failure_on_a_first_export_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(ds: object, folder: Path) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(datapackage, "write_package", fail)
    with pytest.raises(RuntimeError):
        datapackage.export_data(DATA, tmp_path / "new")
    assert list(tmp_path.iterdir()) == []


def test_refuses_to_replace_a_folder_that_is_not_an_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["export-data", "--data", str(DATA), "--out", str(tmp_path)]) == 1
    assert "is not a previous export" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_refuses_invalid_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "bad.yaml").write_text("observations:\n  - {indicator: nope}\n")
    assert main(["export-data", "--data", str(data), "--out", str(tmp_path / "out")]) == 1
    assert "indicators validate" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
