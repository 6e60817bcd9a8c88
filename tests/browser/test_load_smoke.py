"""The fast part of the load script runs in the suite: a few sessions for a few seconds (the
25 sessions for 60 s: RELIABILITY.md). In its own process: the sync Playwright of the other
browser tests holds this one's event loop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def test_a_short_load_has_no_errors(chromium_path: str, tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "load.py"),
            "--sessions",
            "2",
            "--duration",
            "8",
            "--think",
            "0.5,1",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=400,
        env={**os.environ, "CHROMIUM": chromium_path},
    )
    assert out.exists(), run.stderr[-2000:]
    result = json.loads(out.read_text())
    assert run.returncode == 0 and result["errors"] == 0, result["first_errors"]
    assert result["actions"] >= 1 and result["server_rss_end_mb"] > 0
