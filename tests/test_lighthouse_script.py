"""benchmarks/lighthouse.py: its arguments and the pure functions that read a Lighthouse
report (no browser, no server, no Lighthouse run)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.paths import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import lighthouse as lh


def _lhr(perf: float | None = 0.5, a11y: float = 0.9) -> dict:
    return {
        "lighthouseVersion": "12.8.2",
        "categories": {
            "performance": {"score": perf},
            "accessibility": {
                "score": a11y,
                "auditRefs": [
                    {"id": "color-contrast", "weight": 7},
                    {"id": "heading-order", "weight": 3},
                    {"id": "image-alt", "weight": 10},
                    {"id": "tabindex", "weight": 7},
                ],
            },
        },
        "audits": {
            "cumulative-layout-shift": {"numericValue": 0.123456},
            "largest-contentful-paint": {"numericValue": 2345.6},
            "total-blocking-time": {"numericValue": 410.4},
            "first-contentful-paint": {"numericValue": 1000.0},
            "metrics": {"details": {"items": [{"observedLargestContentfulPaint": 1500}]}},
            "largest-contentful-paint-element": {
                "details": {
                    "type": "list",
                    "items": [{"type": "table", "items": [{"node": {"selector": "svg.main-svg"}}]}],
                }
            },
            "color-contrast": {
                "score": 0,
                "scoreDisplayMode": "binary",
                "title": "Contrast",
                "details": {
                    "items": [
                        {
                            "node": {
                                "nodeLabel": "260 sources\n· 907",
                                "selector": "div > p",
                                "snippet": "<p>",
                                "explanation": "Fix any of the following:\n  "
                                "insufficient color contrast of "
                                "3.29 (foreground color: #7f8890)",
                            },
                            "subItems": {
                                "items": [
                                    {
                                        "relatedNode": {
                                            "nodeLabel": "Sidebar",
                                            "selector": "section#stSidebar",
                                            "snippet": "<section>",
                                        }
                                    }
                                ]
                            },
                        }
                    ]
                },
            },
            "heading-order": {"score": 1, "scoreDisplayMode": "binary"},
            "image-alt": {"score": None, "scoreDisplayMode": "notApplicable"},
            "tabindex": {"score": 0, "scoreDisplayMode": "manual"},
        },
    }


def test_defaults():
    args = lh.parse_args([])
    assert args.runs == 1
    assert args.pages == list(lh.PAGES)
    assert args.form_factors == ["desktop", "mobile"]
    assert args.json == ROOT / "test-output" / "lighthouse" / "results.json"
    assert args.screenshots == ROOT / "test-output" / "lighthouse" / "screenshots"


def test_subset_and_bounds():
    args = lh.parse_args(["--pages", "map, Trade,bare", "--no-mobile", "--runs", "3"])
    assert args.pages == ["trade", "map", "bare"]  # in the dashboard's order
    assert args.form_factors == ["desktop"]
    for bad in (
        ["--runs", "0"],
        ["--runs", str(lh.MAX_RUNS + 1)],
        ["--pages", "nope"],
        ["--timeout", "0"],
        ["--retries", "9"],
    ):
        with pytest.raises(SystemExit):
            lh.parse_args(bad)


def test_command():
    desktop = lh.lighthouse_command("http://127.0.0.1:1/trade", "desktop", Path("/t/o.json"))
    mobile = lh.lighthouse_command(
        "http://127.0.0.1:1/", "mobile", Path("/t/o.json"), max_wait_for_load=60000
    )
    assert "--preset=desktop" in desktop and not any("preset" in c for c in mobile)
    assert "--max-wait-for-load=60000" in mobile
    flags = next(c for c in desktop if c.startswith("--chrome-flags="))
    assert "--headless=new" in flags and "--no-sandbox" in flags
    assert "--only-categories=performance,accessibility" in desktop
    with pytest.raises(ValueError):
        lh.lighthouse_command("u", "tablet", Path("o"))


def test_summarise_and_failing():
    s = lh.summarise(_lhr())
    assert (s["performance"], s["accessibility"]) == (50, 90)
    assert s["cls"] == 0.1235 and s["lcp_s"] == 2.346 and s["tbt_ms"] == 410
    assert s["si_s"] is None and s["observed_lcp_s"] == 1.5 and s["observed_fcp_s"] is None
    assert s["lcp_element"] == "svg.main-svg"
    assert list(s["failing"]) == ["color-contrast"]  # manual and not-applicable ones are not
    item = s["failing"]["color-contrast"]["items"][0]
    assert item["explanation"].startswith("insufficient color contrast of 3.29")
    assert item["related"][0]["selector"] == "section#stSidebar"


def test_combine_medians_and_errors():
    runs = [
        lh.summarise(_lhr(0.2)),
        lh.summarise(_lhr(0.4)),
        lh.summarise(_lhr(0.9)),
        {"error": "timed out after 180 s"},
    ]
    c = lh.combine(runs)
    assert c["performance"] == 40 and c["runs_ok"] == 3 and c["runs_total"] == 4
    assert c["failing"] == ["color-contrast"] and c["error"] is None
    assert lh.combine([{"error": "x"}, {"error": "x"}])["error"] == "x"


def test_table_puts_the_floor_last():
    rows = [
        {"page": "bare", "form_factor": "desktop", **lh.combine([lh.summarise(_lhr())])},
        {"page": "trade", "form_factor": "mobile", **lh.combine([{"error": "boom"}])},
    ]
    lines = lh.format_table(rows).splitlines()
    assert lines[0].split()[:4] == ["page", "form", "perf", "a11y"]
    assert lines[2].startswith("trade") and "ERROR: boom" in lines[2]
    assert lines[-1].startswith("bare (floor)") and "color-contrast" in lines[-1]
    text = lh.format_failures(
        [{"page": "bare", "form_factor": "desktop", "runs": [lh.summarise(_lhr())]}]
    )
    assert "3.29" in text and "section#stSidebar" in text


def test_scores_against_the_floor_round_by_round():
    def runs(*scores):
        return [lh.summarise(_lhr(x)) if x is not None else {"error": "x"} for x in scores]

    results = [
        {"page": "overview via nginx", "form_factor": "mobile", "runs": runs(0.27, 0.25, 0.3)},
        {"page": "trade via nginx", "form_factor": "mobile", "runs": runs(0.3, None, 0.3)},
        {"page": "bare", "form_factor": "mobile", "runs": runs(0.26, 0.26, 0.28)},
        {"page": lh.BARE_PROXIED, "form_factor": "mobile", "runs": runs(0.3, 0.3, 0.3)},
    ]
    lines = lh.against_floor(results).splitlines()
    assert lines[0].startswith("overview via nginx")
    assert "vs bare: +1, -1, +2 (at least the floor in 2/3)" in lines[0]
    assert "vs bare via nginx: -3, -5, +0 (at least the floor in 1/3)" in lines[0]
    # a round where the page gave no score is left out, not counted as a loss
    assert "vs bare: +4, +2 (at least the floor in 2/2)" in lines[1]
    assert lh.against_floor(results[:2]) == ""
