"""benchmarks/site.py keeps working: its pure parts, and one run in --quick mode (a build,
Lighthouse on two pages, a short load run against nginx if installed and http.server)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

SCRIPT = ROOT / "benchmarks" / "site.py"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
LIGHTHOUSE = ROOT / "tests" / "browser" / "node_modules" / ".bin" / "lighthouse"

# Loaded under another name: as `site` it would be the standard library's module.
_spec = importlib.util.spec_from_file_location("site_benchmark", SCRIPT)
assert _spec and _spec.loader
sb = importlib.util.module_from_spec(_spec)
sys.modules["site_benchmark"] = sb  # its dataclass looks its module up there
_spec.loader.exec_module(sb)


def _lhr() -> dict:
    return {
        "lighthouseVersion": "12.8.2",
        "categories": {
            "performance": {
                "score": 0.71,
                "auditRefs": [
                    {"id": "largest-contentful-paint", "weight": 25, "group": "metrics"},
                    {"id": "first-contentful-paint", "weight": 10, "group": "metrics"},
                    {"id": "uses-text-compression", "weight": 0, "group": "diagnostics"},
                    {"id": "render-blocking-resources", "weight": 0, "group": "diagnostics"},
                    {"id": "cache-insight", "weight": 0, "group": "hidden"},
                ],
            },
            "accessibility": {"score": 1, "auditRefs": []},
            "best-practices": {
                "score": 0.96,
                "auditRefs": [{"id": "errors-in-console", "weight": 1}],
            },
        },
        "audits": {
            "largest-contentful-paint": {
                "score": 0.5,
                "scoreDisplayMode": "numeric",
                "numericValue": 2500,
                "displayValue": "2.5 s",
            },
            "first-contentful-paint": {
                "score": 0.95,
                "scoreDisplayMode": "numeric",
                "numericValue": 900,
            },
            "uses-text-compression": {
                "score": 0,
                "scoreDisplayMode": "metricSavings",
                "title": "Enable text compression",
                "displayValue": "Est savings of 19 KiB",
                "details": {"overallSavingsMs": 40, "overallSavingsBytes": 19750},
            },
            "render-blocking-resources": {
                "score": 0.5,
                "scoreDisplayMode": "metricSavings",
                "title": "Eliminate render-blocking resources",
                "details": {"overallSavingsMs": 300},
            },
            "cache-insight": {"score": 0, "scoreDisplayMode": "metricSavings"},
            "errors-in-console": {
                "score": 0,
                "scoreDisplayMode": "binary",
                "title": "Browser errors were logged to the console",
                "details": {"items": [{"source": "network", "description": "404 x.js"}]},
            },
            "total-byte-weight": {"numericValue": 74465},
            "largest-contentful-paint-element": {
                "details": {
                    "items": [
                        {
                            "type": "table",
                            "items": [
                                {
                                    "node": {
                                        "selector": "figure.chart > div > img.chart-static",
                                        "snippet": '<img class="chart-static">',
                                    }
                                }
                            ],
                        }
                    ]
                }
            },
            "network-requests": {
                "details": {
                    "items": [
                        {"url": "http://127.0.0.1:8000/index.html"},
                        {"url": "data:image/png;base64,xx"},
                        {"url": "https://cdn.example.org/plotly.js"},
                    ]
                }
            },
        },
    }


def test_lighthouse_command_has_the_flags_and_categories(tmp_path: Path) -> None:
    cmd = sb.lighthouse_command("http://127.0.0.1:1/index.html", "desktop", tmp_path / "o.json")
    flags = next(c for c in cmd if c.startswith("--chrome-flags=")).split("=", 1)[1].split()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        assert flag in flags
    assert "--only-categories=performance,accessibility,best-practices" in cmd
    assert "--preset=desktop" in cmd
    mobile = sb.lighthouse_command("http://127.0.0.1:1/", "mobile", tmp_path / "o.json")
    assert not any("preset" in c for c in mobile)


def test_summary_reasons_and_offsite() -> None:
    s = sb.summarise(_lhr())
    assert (s["performance"], s["accessibility"], s["best_practices"]) == (0.71, 1.0, 0.96)
    assert s["transfer_kib"] == 72.7 and s["lcp_is_chart_image"]
    assert s["offsite"] == ["https://cdn.example.org/plotly.js"]
    why = s["reasons"]
    assert [m["id"] for m in why["metrics"]] == ["largest-contentful-paint"]
    # diagnostics only (not the hidden insights), biggest estimated saving first
    assert [d["id"] for d in why["performance"]] == [
        "render-blocking-resources",
        "uses-text-compression",
    ]
    assert why["best-practices"][0]["id"] == "errors-in-console"
    assert "404 x.js" in str(why["best-practices"][0]["items"])


def test_nginx_conf_keeps_everything_in_its_folder(tmp_path: Path) -> None:
    conf = sb.nginx_conf(tmp_path / "ng", tmp_path / "site", 8123)
    assert "listen 127.0.0.1:8123;" in conf
    for line in ("pid ", "error_log ", "access_log ", "client_body_temp_path "):
        value = next(x for x in conf.splitlines() if x.strip().startswith(line))
        assert str(tmp_path / "ng") in value, value


def test_arguments() -> None:
    quick = sb.parse_args(["--quick"])
    assert quick.no_app and quick.load_seconds <= 2
    assert sb.parse_args([]).json == ROOT / "benchmarks" / "site-results.json"
    for bad in (["--connections", "0"], ["--load-seconds", "0"], ["--max-requests", "0"]):
        with pytest.raises(SystemExit):
            sb.parse_args(bad)


@pytest.mark.skipif(
    not CHROMIUM.exists() or not LIGHTHOUSE.exists(), reason="needs Chromium and Lighthouse"
)
def test_quick_run(tmp_path: Path) -> None:
    out = tmp_path / "site.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--no-install", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "| figure" in proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    figures = {f["name"]: f for f in data["figures"]}
    assert figures["build: rebuild, nothing changed, charts drawn"]["value"] == 0
    assert 0 < data["build"]["one_file"]["drawn"] < data["build"]["one_file"]["charts"]
    pages = {(r["page"], r["form_factor"]) for r in data["lighthouse"]["site"]}
    assert pages == {("index.html", "desktop"), ("trade-timeline.html", "desktop")}
    assert not any(r.get("error") for r in data["lighthouse"]["site"])
    assert figures["requests off 127.0.0.1 in all Lighthouse runs"]["value"] == 0
    assert data["lighthouse"]["app"] == []
    assert data["load"]["http_server"]["requests_ok"] > 0
    if data["load"].get("nginx"):
        assert data["load"]["nginx"]["requests_ok"] > 0
        assert data["load"]["nginx_server"]["left_after_stop"] == 0
