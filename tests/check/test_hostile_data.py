"""Hostile data through the command line: every fixture of the table gives exit 1 (or 0 with a
warning where the data is usable), one `file:line:col` line per problem with a hint, and no
traceback; bombs, deep nesting and a 50 MB file are refused in bounded time and memory."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from indicators import validate_dataset
from indicators.cli import main
from indicators.loader import MAX_FILE_BYTES
from tests.check.test_validation_fixtures import CASES, DATA, FIXTURES, HERE

LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|notice)"
    r"\[(?P<code>[a-z0-9-]+)\]: .+ \(.+\)$"
)
SUMMARY = re.compile(r"^(valid|\d+ error\(s\)), \d+ warning\(s\)(, \d+ notice\(s\))?: ")


def _catalog_only(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    root.mkdir(parents=True)
    shutil.copytree(DATA / "catalog", root / "catalog")
    shutil.copy(HERE / "fixtures" / "base.yaml", root / "base.yaml")
    return root


def _check_output(out: str, err: str) -> list[re.Match[str]]:
    assert "Traceback" not in out + err
    lines = out.splitlines()
    assert lines and SUMMARY.match(lines[-1]), lines[-1:]
    matches = []
    for text in lines[:-1]:
        m = LINE.match(text)
        assert m, f"not one problem per line with file:line:col and a hint: {text!r}"
        assert int(m["line"]) >= 1 and int(m["col"]) >= 1, text
        matches.append(m)
    return matches


@pytest.mark.parametrize(("fixture", "code", "line", "severity"), CASES, ids=[c[0] for c in CASES])
def test_cli_reports_each_fixture_on_one_line_with_a_hint(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fixture: str,
    code: str,
    line: int,
    severity: str,
) -> None:
    root = _catalog_only(tmp_path)
    shutil.copy(FIXTURES / f"{fixture}.yaml", root / f"{fixture}.yaml")
    status = main(["validate", str(root)])
    out, err = capsys.readouterr()
    matches = _check_output(out, err)
    assert status == (1 if severity == "error" else 0)
    assert any(
        m["file"].endswith(f"{fixture}.yaml") and m["code"] == code and int(m["line"]) == line
        for m in matches
    ), out


def test_every_fixture_at_once_in_a_subprocess(tmp_path: Path) -> None:
    """All the hostile files in one folder, through the installed entry point."""
    root = _catalog_only(tmp_path)
    for f in FIXTURES.glob("*.yaml"):
        shutil.copy(f, root / f.name)
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "indicators", "validate", str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert time.monotonic() - started < 60
    assert run.returncode == 1
    matches = _check_output(run.stdout, run.stderr)
    reported = {Path(m["file"]).stem for m in matches}
    assert {c[0] for c in CASES} - {"duplicate_id"} <= reported | {"base"}


def test_crlf_and_binary_fixtures_keep_their_bytes() -> None:
    """A checkout that converted line endings would make the CRLF case test nothing."""
    assert b"\r\n" in (FIXTURES / "crlf.yaml").read_bytes()
    assert b"\x00" in (FIXTURES / "nul_byte.yaml").read_bytes()
    assert (FIXTURES / "bom.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (FIXTURES / "empty_file.yaml").read_bytes() == b""


def test_a_50_megabyte_file_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _catalog_only(tmp_path)
    record = (
        "  - {indicator: trade_total, reporter: CHN, partner: KAZ, period: '2024', "
        "value: 43.8, unit: USD bn, source: fx-source, locator: P%d}\n"
    )
    chunk = "".join(record % i for i in range(10_000)).encode()
    big = root / "big.yaml"
    with big.open("wb") as fh:
        fh.write(b"observations:\n")
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    assert big.stat().st_size > MAX_FILE_BYTES
    tracemalloc.start()
    started = time.monotonic()
    try:
        status = main(["validate", str(root)])
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out, err = capsys.readouterr()
    matches = _check_output(out, err)
    assert status == 1
    assert [m["code"] for m in matches if m["file"].endswith("big.yaml")] == ["file-too-big"]
    assert "split it" in out
    assert elapsed < 10, f"{elapsed:.1f}s"
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB: the file was read"


def test_block_nesting_past_the_parser_limit(tmp_path: Path) -> None:
    """libyaml stops at 1,000 levels; the reader reports it as too deep, located."""
    root = _catalog_only(tmp_path)
    (root / "deep.yaml").write_text("observations:\n  " + "- " * 5000 + "x\n", encoding="utf-8")
    (root / "deepmap.yaml").write_text(
        "observations:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 1500)), encoding="utf-8"
    )
    started = time.monotonic()
    report = validate_dataset(root)
    assert time.monotonic() - started < 10
    for name in ("deep.yaml", "deepmap.yaml"):
        mine = [p for p in report.problems if Path(p.file).name == name]
        assert [p.code for p in mine] == ["yaml-too-deep"], [p.format() for p in mine]
        assert mine[0].line >= 2 and mine[0].hint


def test_a_large_alias_bomb_is_bounded(tmp_path: Path) -> None:
    """Thirty levels of ten aliases each (10^30 leaves if expanded): one problem per anchor,
    in well under a second and a few megabytes."""
    root = _catalog_only(tmp_path)
    text = "observations:\n  - &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    text += "".join(f"  - &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 31))
    (root / "bomb.yaml").write_text(text, encoding="utf-8")
    tracemalloc.start()
    started = time.monotonic()
    try:
        report = validate_dataset(root)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    mine = [p for p in report.problems if Path(p.file).name == "bomb.yaml"]
    aliases = [p for p in mine if p.code == "yaml-alias"]
    assert len(aliases) == 30 and [p.line for p in aliases] == list(range(2, 32))
    assert elapsed < 5 and peak < 64 * 1024 * 1024


def test_text_with_line_breaks_stays_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _catalog_only(tmp_path)
    (root / "breaks.yaml").write_text('"obser\\nvations\\r\\nX": []\n', encoding="utf-8")
    assert main(["validate", str(root)]) == 1
    out, err = capsys.readouterr()
    matches = _check_output(out, err)
    assert any(m["code"] == "unknown-section" for m in matches)
