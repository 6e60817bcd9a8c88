"""The benchmark script keeps working, and its synthetic data is valid data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from indicators import load_dataset, validate_dataset
from tests.paths import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate


def test_generated_data_validates(tmp_path: Path) -> None:
    data = generate(tmp_path / "data", 2000, files=60)
    report = validate_dataset(data)
    assert report.valid, [p.format() for p in report.errors[:5]]
    ds = load_dataset(data)
    assert len(ds.observations) == 2000
    assert len(ds.projects) > 0 and ds.projects["waypoints"].map(len).max() >= 2
    assert set(ds.observations["qualifier"]) >= {"exact", "approximately"}
    assert ds.observations["period_kind"].nunique() >= 4
    assert sum(1 for _ in data.rglob("*.yaml")) == 60


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 300, files=30)
    b = generate(tmp_path / "b", 300, files=30)
    for fa in sorted(a.rglob("*.yaml")):
        assert fa.read_bytes() == (b / fa.relative_to(a)).read_bytes(), fa


def test_run_quick(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--sizes",
            "1000",
            "--quick",
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| figure" in proc.stdout
    figures = {f["name"]: f for f in json.loads(out.read_text(encoding="utf-8"))["figures"]}
    assert figures["1k: generated data, errors"]["value"] == 0
    assert figures["1k: load_dataset warm"]["value"] < figures["1k: load_dataset cold"]["value"]
    assert any(name.endswith("chart payload") for name in figures)
