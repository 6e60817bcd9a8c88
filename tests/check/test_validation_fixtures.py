"""Bad input, one fixture file per case: each must be reported with its code, file and line,
both on its own and dropped into a copy of the bundled data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from indicators import load_dataset, validate_dataset
from tests.paths import ROOT

HERE = ROOT / "tests"
FIXTURES = HERE / "fixtures" / "bad"
DATA = HERE.parent / "data"

# (fixture, expected code, expected line, severity)
CASES = [
    ("syntax", "yaml-syntax", 3, "error"),
    ("duplicate_key", "duplicate-key", 8, "error"),
    ("yaml11_no", "unknown-reference", 3, "error"),
    ("yaml11_bool_field", "wrong-type", 8, "error"),
    ("octal_value", "wrong-type", 6, "error"),
    ("sexagesimal_value", "wrong-type", 6, "error"),
    ("unknown_field", "unknown-field", 6, "error"),
    ("missing_field", "missing-field", 2, "error"),
    ("wrong_type", "wrong-type", 6, "error"),
    ("currency_value", "wrong-type", 6, "error"),
    ("nan_value", "wrong-type", 6, "error"),
    ("infinite_value", "wrong-type", 6, "error"),
    ("negative_value", "negative", 6, "error"),
    ("wrong_unit", "unit", 7, "error"),
    ("unknown_unit", "unit", 7, "error"),
    ("impossible_date", "bad-date", 5, "error"),
    ("month_13", "bad-date", 5, "error"),
    ("reversed_span", "bad-date", 5, "error"),
    ("unknown_indicator", "unknown-reference", 2, "error"),
    ("unknown_entity", "unknown-reference", 4, "error"),
    ("unknown_source", "unknown-reference", 8, "error"),
    ("unknown_project", "unknown-reference", 8, "error"),
    ("duplicate_datapoint", "duplicate", 8, "error"),
    ("conflict", "conflict-unexplained", 13, "warning"),
    ("conflict_explained", "conflict", 13, "notice"),
    ("ftp_url", "bad-url", 6, "error"),
    ("missing_url", "missing-url", 6, "error"),
    ("javascript_url", "bad-url", 6, "error"),
    ("not_utf8", "encoding", 3, "error"),
    ("python_tag", "yaml-tag", 6, "error"),
    ("alias", "yaml-alias", 2, "error"),
    ("top_level_list", "top-level", 1, "error"),
    ("unknown_section", "unknown-section", 1, "error"),
    ("duplicate_id", "duplicate-id", 2, "error"),
    ("bad_qualifier", "bad-value", 8, "error"),
    ("latitude_out_of_range", "out-of-range", 12, "error"),
    ("one_waypoint", "wrong-length", 10, "error"),
    ("future_status", "future-date", 7, "error"),
    ("unused_source", "unused-source", 2, "warning"),
    ("comments_only", "empty-file", 1, "warning"),
    ("bom", "bom", 1, "warning"),
    # Hostile data (issue 8): bombs and nesting, encodings and layout, numbers as text,
    # impossible dates and spans, coordinates, look-alike ids, ids defined twice.
    ("billion_laughs", "yaml-alias", 3, "error"),
    ("merge_key", "yaml-alias", 3, "error"),
    ("deep_flow", "yaml-too-deep", 2, "error"),
    ("deep_block", "yaml-too-deep", 65, "error"),
    ("empty_file", "empty-file", 1, "warning"),
    ("crlf", "unknown-field", 6, "error"),
    ("tab_indent", "yaml-syntax", 7, "error"),
    ("mixed_top_level", "yaml-syntax", 8, "error"),
    ("top_level_scalar", "top-level", 1, "error"),
    ("two_documents", "yaml-syntax", 3, "error"),
    ("section_not_a_list", "top-level", 2, "error"),
    ("non_scalar_key", "yaml-key", 3, "error"),
    ("nul_byte", "encoding", 2, "error"),
    ("currency_bn_quoted", "wrong-type", 6, "error"),
    ("thousands_separator", "wrong-type", 6, "error"),
    ("percent_value", "wrong-type", 6, "error"),
    ("huge_number", "wrong-type", 6, "error"),
    ("source_impossible_date", "bad-date", 5, "error"),
    ("event_month_13", "bad-date", 3, "error"),
    ("event_ends_before_start", "bad-date", 4, "error"),
    ("reversed_year_span", "bad-date", 5, "error"),
    ("future_actual_period", "future-date", 5, "error"),
    ("longitude_out_of_range", "out-of-range", 12, "error"),
    ("swapped_coordinates", "suspicious-coordinates", 11, "warning"),
    ("swapped_location", "suspicious-coordinates", 8, "warning"),
    ("similar_id_case", "similar-id", 2, "warning"),
    ("lookalike_id", "bad-id", 2, "error"),
    ("zero_width_id", "bad-id", 2, "error"),
    ("lookalike_reference", "bad-entity", 4, "error"),
    ("duplicate_project_id", "duplicate-id", 2, "error"),
    ("data_url", "bad-url", 6, "error"),
    ("title_too_long", "wrong-length", 3, "error"),
    ("empty_title", "wrong-length", 3, "error"),
    ("unknown_status", "bad-value", 7, "error"),
]


def _dataset_with(tmp_path: Path, fixture: str, *, full: bool, folder: Path = FIXTURES) -> Path:
    root = tmp_path / "data"
    if full:
        shutil.copytree(DATA, root)
    else:
        root.mkdir(parents=True)
        shutil.copytree(DATA / "catalog", root / "catalog")
    shutil.copy(HERE / "fixtures" / "base.yaml", root / "base.yaml")
    shutil.copy(folder / f"{fixture}.yaml", root / f"{fixture}.yaml")
    return root


def test_every_fixture_is_in_the_table() -> None:
    assert sorted(p.stem for p in FIXTURES.glob("*.yaml")) == sorted(c[0] for c in CASES)
    assert len(CASES) >= 40


def test_base_fixture_alone_is_valid(tmp_path: Path) -> None:
    root = tmp_path / "data"
    root.mkdir()
    shutil.copytree(DATA / "catalog", root / "catalog")
    shutil.copy(HERE / "fixtures" / "base.yaml", root / "base.yaml")
    report = validate_dataset(root)
    assert report.valid, [p.format() for p in report.problems]


@pytest.mark.parametrize(("fixture", "code", "line", "severity"), CASES, ids=[c[0] for c in CASES])
def test_fixture_is_reported_at_its_line(
    tmp_path: Path, fixture: str, code: str, line: int, severity: str
) -> None:
    root = _dataset_with(tmp_path, fixture, full=False)
    report = validate_dataset(root)
    here = [p for p in report.problems if Path(p.file).name == f"{fixture}.yaml"]
    assert any(p.code == code and p.line == line and p.severity == severity for p in here), [
        p.format() for p in report.problems
    ]
    assert all(p.hint for p in here), "every problem names the fix"
    assert report.valid is (severity != "error")


@pytest.mark.parametrize(
    ("fixture", "code", "line", "severity"),
    [c for c in CASES if c[3] == "error"],
    ids=[c[0] for c in CASES if c[3] == "error"],
)
def test_fixture_in_a_copy_of_the_bundled_data_fails(
    tmp_path: Path, fixture: str, code: str, line: int, severity: str
) -> None:
    root = _dataset_with(tmp_path, fixture, full=True)
    report = validate_dataset(root)
    assert not report.valid
    errors = [p for p in report.errors if Path(p.file).name != f"{fixture}.yaml"]
    assert errors == [], "the fixture's mistake is reported in its own file only"
    assert any(
        p.code == code and p.line == line
        for p in report.errors
        if Path(p.file).name == f"{fixture}.yaml"
    )


def test_valid_records_of_a_bad_file_still_load(tmp_path: Path) -> None:
    root = _dataset_with(tmp_path, "unknown_field", full=False)
    (root / "extra.yaml").write_text(
        "observations:\n"
        "  - {indicator: trade_total, reporter: CHN, partner: KAZ, period: '2024', value: 43.8,\n"
        "     unit: USD bn, source: fx-source, locator: P9}\n"
        "  - {indicator: trade_total, reporter: CHN, partner: KGZ, period: '2024', vaule: 22.7,\n"
        "     unit: USD bn, source: fx-source, locator: P9}\n",
        encoding="utf-8",
    )
    ds = load_dataset(root)
    kaz = ds.observations[ds.observations.partner == "KAZ"]
    assert kaz.value.tolist() == [43.8e9]
    assert "KGZ" not in set(ds.observations.partner)
    assert any(
        p.code == "unknown-field" and Path(p.file).name == "extra.yaml" for p in ds.report.errors
    )


def test_yaml11_words_stay_the_text_typed(tmp_path: Path) -> None:
    valid = HERE / "fixtures" / "valid"
    root = _dataset_with(tmp_path, "boolean_locator", full=False, folder=valid)
    ds = load_dataset(root)
    row = ds.observations[ds.observations.partner == "KAZ"].iloc[0]
    assert (row.locator, row.note) == ("on", "yes")


def test_cli_exit_codes_and_line_format(tmp_path: Path) -> None:
    root = _dataset_with(tmp_path, "duplicate_key", full=False)
    run = subprocess.run(
        [sys.executable, "-m", "indicators", "validate", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert f"{root}/duplicate_key.yaml:8:5: error[duplicate-key]:" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    gh = subprocess.run(
        [sys.executable, "-m", "indicators", "validate", str(root), "--format", "github"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "::error file=" in gh.stdout and ",line=8,col=5," in gh.stdout
    warn = _dataset_with(tmp_path / "w", "unused_source", full=False)
    ok = subprocess.run(
        [sys.executable, "-m", "indicators", "validate", str(warn)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0
    strict = subprocess.run(
        [sys.executable, "-m", "indicators", "validate", str(warn), "--strict"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert strict.returncode == 1


def test_a_source_without_an_address_is_accepted_with_the_reason(tmp_path: Path) -> None:
    root = _dataset_with(tmp_path, "missing_url", full=False)
    fixture = root / "missing_url.yaml"
    fixture.write_text(
        fixture.read_text(encoding="utf-8").replace(
            "    url: null\n", "    url: null\n    url_note: a wire release; no page address\n"
        ),
        encoding="utf-8",
    )
    report = validate_dataset(root)
    assert not [p for p in report.problems if p.code == "missing-url"]
    ds = load_dataset(root)
    row = ds.sources.set_index("id").loc["fx-no-address"]
    assert row["url"] is None or row["url"] != row["url"]  # no address: None or NaN
    assert row["url_note"] == "a wire release; no page address"
