"""Every path a message or hint names exists in a clone of the repository, so that a
contributor who follows the hint finds the file or folder it names."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from indicators import validate_dataset
from tests.paths import ROOT

PATH = re.compile(r"(?<![/\w])data/[A-Za-z0-9_./-]*[A-Za-z0-9_/]")


def _named(text: str) -> set[str]:
    # Placeholders (data/reports/ID.yaml, data/events/TOPIC.yaml) name a folder to write in.
    return {
        str(Path(p).parent) if re.search(r"/[A-Z]+\.yaml$", p) else p.rstrip("/")
        for p in PATH.findall(text)
    }


def test_every_hint_of_the_bad_input_table_names_paths_that_exist(tmp_path: Path) -> None:
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "catalog", root / "catalog")
    for fixture in sorted((ROOT / "tests" / "fixtures" / "bad").glob("*.yaml")):
        shutil.copy(fixture, root / fixture.name)
    report = validate_dataset(root)
    assert len({p.code for p in report.problems}) >= 30
    named = set().union(*(_named(f"{p.message} {p.hint}") for p in report.problems))
    assert named, "the table's hints name where to fix things"
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_every_data_path_written_in_the_library_exists() -> None:
    named: set[str] = set()
    for module in sorted((ROOT / "indicators").rglob("*.py")):
        for literal in re.findall(r"\"[^\"\n]*\"|'[^'\n]*'", module.read_text(encoding="utf-8")):
            named |= {p for p in _named(literal) if "x.yaml" not in p}
    assert "data/catalog/entities.yaml" in named
    assert sorted(p for p in named if not (ROOT / p).exists()) == []
