"""Lighthouse 12 on every page of the dashboard, next to a bare Streamlit page (the floor).

Starts the dashboard (bundled data) and benchmarks/bare_app.py, each on a free 127.0.0.1
port; loads every page once in Playwright (which warms the server's caches and takes the
screenshots), then runs Lighthouse, one run at a time, desktop (``--preset=desktop``) and
mobile (Lighthouse's default emulation), categories performance and accessibility. With
``--runs`` above 1 it goes round by round, every page once a round, so a shared machine's
drift reaches every page alike, and it prints each page's score against the bare page's in
the same round.

    .venv/bin/python benchmarks/lighthouse.py
    .venv/bin/python benchmarks/lighthouse.py --pages trade,map,bare --no-mobile --runs 3

Prints one table (page, form factor, performance and accessibility scores, CLS, LCP, TBT,
the failing accessibility audits) with the bare page's rows last, then what each failing
audit found. With ``--runs`` above 1 the figures are medians. Writes the raw figures to
``--json`` (test-output/lighthouse/results.json) and full-page screenshots at 1400x900,
768x1024 and 390x844 to ``--screenshots`` (test-output/lighthouse/screenshots/), and
Lighthouse's own last frame of each run beside the JSON (lighthouse-final/, to check the page
had settled when it was audited). A benchmark, not a test: it exits 0 whatever the scores, 1
only if no Lighthouse run gave a result.

Never downloads a browser: Lighthouse gets CHROME_PATH=/usr/bin/chromium, Playwright the same
executable. Bounded: ``--runs`` at most 5, ``--timeout`` per Lighthouse run, ``--max-total``
for the whole Lighthouse phase (runs past it are skipped and say so).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.server import (  # noqa: E402
    CHROMIUM_ARGS,
    free_port,
    start_server,
    stop_server,
)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LIGHTHOUSE = ROOT / "tests" / "browser" / "node_modules" / ".bin" / "lighthouse"
BARE_APP = ROOT / "benchmarks" / "bare_app.py"
# Lighthouse's own Chromium: --headless=new (the old headless mode has no real renderer).
LH_CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# name: (URL path, charts drawn with the default filters). "bare" is the floor's only page.
PAGES: dict[str, tuple[str, int]] = {
    "overview": ("", 3),
    "trade": ("trade", 2),
    "investment": ("investment", 1),
    "map": ("map", 1),
    "timeline": ("timeline", 2),
    "data": ("data", 0),
    "sources": ("sources", 0),
    "bare": ("", 1),
}
VIA = " via nginx"  # the name of a page measured through scripts/serve.sh's proxy
FORM_FACTORS = ("desktop", "mobile")
VIEWPORTS = ((1400, 900), (768, 1024), (390, 844))
MAX_RUNS = 5
DEFAULT_OUT = ROOT / "test-output" / "lighthouse"
# Lighthouse audit ids of the figures in the table, and the other metrics kept in the JSON.
METRICS = {
    "cls": "cumulative-layout-shift",
    "lcp_s": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "fcp_s": "first-contentful-paint",
    "si_s": "speed-index",
    "tti_s": "interactive",
}
IDLE = (
    "() => !document.querySelector('[data-testid=stStatusWidget]')"
    " || document.querySelector('[data-testid=stStatusWidget]').innerText === ''"
)


# ---------------------------------------------------------------- arguments and pure parts


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument(
        "--runs",
        type=int,
        default=1,
        help=f"Lighthouse runs per page and form factor (1 to {MAX_RUNS}); the table shows medians",
    )
    p.add_argument(
        "--pages",
        default="",
        help="comma-separated subset of " + ",".join(PAGES) + " (default: all)",
    )
    p.add_argument("--no-mobile", action="store_true", help="desktop runs only")
    p.add_argument(
        "--proxy",
        action="store_true",
        help="the app's pages through scripts/serve.sh (nginx with gzip, one replica), and the "
        "bare page both directly (the floor) and through the same proxy",
    )
    p.add_argument(
        "--no-screenshots",
        action="store_true",
        help="no screenshots (the pages are still loaded once to warm the server)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=180.0,
        help="seconds a Lighthouse run may take before it is killed",
    )
    p.add_argument(
        "--max-total",
        type=float,
        default=3600.0,
        help="seconds for all Lighthouse runs; later runs are skipped",
    )
    p.add_argument(
        "--max-wait-for-load",
        type=int,
        default=None,
        help="passed to Lighthouse (ms); its default is 45000",
    )
    p.add_argument(
        "--retries",
        type=int,
        default=1,
        help="extra attempts for a Lighthouse run that errors (not for low scores)",
    )
    p.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_OUT / "results.json",
        help="where to write the raw figures",
    )
    p.add_argument(
        "--screenshots",
        type=Path,
        default=DEFAULT_OUT / "screenshots",
        help="folder for the screenshots",
    )
    p.add_argument(
        "--reports",
        type=Path,
        default=None,
        help="keep each run's full Lighthouse report (JSON) in this folder, to see why a "
        "figure moved (its LCP element, long tasks, requests)",
    )
    args = p.parse_args(argv)
    if not 1 <= args.runs <= MAX_RUNS:
        p.error(f"--runs must be between 1 and {MAX_RUNS}")
    if args.timeout <= 0 or args.max_total <= 0:
        p.error("--timeout and --max-total must be positive")
    if not 0 <= args.retries <= 3:
        p.error("--retries must be between 0 and 3")
    try:
        args.pages = select_pages(args.pages)
    except ValueError as exc:
        p.error(str(exc))
    args.form_factors = ["desktop"] if args.no_mobile else list(FORM_FACTORS)
    return args


def select_pages(spec: str) -> list[str]:
    """Page names from a comma-separated list, in PAGES order; all of them for ''."""
    wanted = [s.strip().lower() for s in spec.split(",") if s.strip()]
    if not wanted:
        return list(PAGES)
    unknown = [w for w in wanted if w not in PAGES]
    if unknown:
        raise ValueError(f"unknown page(s) {', '.join(unknown)}; pick from {', '.join(PAGES)}")
    return [name for name in PAGES if name in wanted]


def lighthouse_command(
    url: str, form_factor: str, out: Path, *, max_wait_for_load: int | None = None
) -> list[str]:
    cmd = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--disable-full-page-screenshot",
        "--chrome-flags=" + " ".join(LH_CHROME_FLAGS),
    ]
    if form_factor == "desktop":
        cmd.append("--preset=desktop")
    elif form_factor != "mobile":
        raise ValueError(f"unknown form factor {form_factor!r}")
    if max_wait_for_load is not None:
        cmd.append(f"--max-wait-for-load={max_wait_for_load}")
    return cmd


def _item_summary(item: dict[str, Any]) -> dict[str, Any]:
    """One item of an audit's details, reduced to what a reader needs to find and fix it."""
    node = item.get("node") or {}
    out: dict[str, Any] = {}
    if node:
        out["label"] = node.get("nodeLabel", "")
        out["selector"] = node.get("selector", "")
        out["snippet"] = node.get("snippet", "")
        explanation = node.get("explanation", "")
        if explanation:
            out["explanation"] = " ".join(
                explanation.replace("Fix any of the following:", "")
                .replace("Fix all of the following:", "")
                .split()
            )
    related = [
        sub.get("relatedNode", {})
        for sub in (item.get("subItems") or {}).get("items", [])
        if sub.get("relatedNode")
    ]
    if related:
        out["related"] = [
            {
                "label": r.get("nodeLabel", ""),
                "selector": r.get("selector", ""),
                "snippet": r.get("snippet", ""),
            }
            for r in related
        ]
    if not out:  # not a node list (rare in accessibility audits): keep the plain values
        out = {k: v for k, v in item.items() if isinstance(v, str | int | float)}
    return out


def failing_accessibility(lhr: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Accessibility audits that count towards the score and did not pass, by id."""
    audits = lhr.get("audits", {})
    refs = lhr.get("categories", {}).get("accessibility", {}).get("auditRefs", [])
    failing: dict[str, dict[str, Any]] = {}
    for ref in refs:
        audit = audits.get(ref.get("id"), {})
        if audit.get("scoreDisplayMode") not in ("binary", "numeric"):
            continue  # manual, informative, not applicable
        score = audit.get("score")
        if score is None or score >= 1:
            continue
        items = (audit.get("details") or {}).get("items") or []
        failing[ref["id"]] = {
            "title": audit.get("title", ""),
            "weight": ref.get("weight", 0),
            "items": [_item_summary(i) for i in items],
        }
    return failing


def summarise(lhr: dict[str, Any]) -> dict[str, Any]:
    """The figures of one Lighthouse report: scores 0-100, CLS, times in s (TBT in ms)."""
    cats = lhr.get("categories", {})
    audits = lhr.get("audits", {})

    def score(cat: str) -> float | None:
        s = cats.get(cat, {}).get("score")
        return None if s is None else round(s * 100)

    out: dict[str, Any] = {
        "performance": score("performance"),
        "accessibility": score("accessibility"),
    }
    for key, audit_id in METRICS.items():
        v = audits.get(audit_id, {}).get("numericValue")
        if v is None:
            out[key] = None
        elif key.endswith("_s"):
            out[key] = round(v / 1000, 3)
        elif key.endswith("_ms"):
            out[key] = round(v)
        else:
            out[key] = round(v, 4)
    # What the browser saw, unthrottled: Lighthouse's scores use a simulation (Lantern) that
    # models the page's HTTP requests but not Streamlit's websocket messages.
    observed = ((audits.get("metrics", {}).get("details") or {}).get("items") or [{}])[0]
    for key, name in (
        ("observed_fcp_s", "observedFirstContentfulPaint"),
        ("observed_lcp_s", "observedLargestContentfulPaint"),
        ("observed_load_s", "observedLoad"),
    ):
        v = observed.get(name)
        out[key] = None if v is None else round(v / 1000, 3)
    weight = audits.get("total-byte-weight", {}).get("numericValue")
    out["transfer_kb"] = None if weight is None else round(weight / 1024)
    lcp_items = (audits.get("largest-contentful-paint-element", {}).get("details") or {}).get(
        "items"
    ) or []
    lcp_nodes = [
        i.get("node", {})
        for t in lcp_items
        if t.get("type") == "table"
        for i in t.get("items", [])
        if i.get("node")
    ]
    out["lcp_element"] = lcp_nodes[0].get("selector") if lcp_nodes else None
    out["benchmark_index"] = (lhr.get("environment") or {}).get("benchmarkIndex")
    out["failing"] = failing_accessibility(lhr)
    out["runtime_error"] = (lhr.get("runtimeError") or {}).get("code")
    out["warnings"] = list(lhr.get("runWarnings") or [])
    out["lighthouse_version"] = lhr.get("lighthouseVersion")
    out["user_agent"] = (lhr.get("environment") or {}).get("hostUserAgent")
    return out


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of each figure over the runs that gave one; the failing audits of any."""
    good = [r for r in runs if r.get("performance") is not None]
    out: dict[str, Any] = {"runs_ok": len(good), "runs_total": len(runs)}
    for key in ("performance", "accessibility", *METRICS):
        values = [r[key] for r in good if r.get(key) is not None]
        out[key] = statistics.median(values) if values else None
    failing: list[str] = []
    for r in good:
        failing += [a for a in r.get("failing", {}) if a not in failing]
    out["failing"] = failing
    errors = [r["error"] for r in runs if r.get("error")]
    out["error"] = "; ".join(dict.fromkeys(errors)) if errors and not good else None
    return out


def _cell(value: Any, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def format_table(rows: list[dict[str, Any]]) -> str:
    """rows: {page, form_factor, and the keys of combine()}; the bare page's rows go last,
    after a rule."""
    head = ["page", "form", "perf", "a11y", "CLS", "LCP (s)", "TBT (ms)", "failing a11y audits"]
    app = [r for r in rows if r["page"] not in ("bare", BARE_PROXIED)]
    bare = [r for r in rows if r["page"] in ("bare", BARE_PROXIED)]

    def line(r: dict[str, Any]) -> list[str]:
        failing = ", ".join(r.get("failing") or []) or "none"
        if r.get("error"):
            failing = f"ERROR: {r['error']}"
        return [
            r["page"] if r["page"] != "bare" else "bare (floor)",
            r["form_factor"],
            _cell(r.get("performance"), ".0f"),
            _cell(r.get("accessibility"), ".0f"),
            _cell(r.get("cls"), ".3f"),
            _cell(r.get("lcp_s"), ".2f"),
            _cell(r.get("tbt_ms"), ".0f"),
            failing,
        ]

    body = [line(r) for r in app]
    floor = [line(r) for r in bare]
    widths = [max(len(c[i]) for c in [head, *body, *floor]) for i in range(len(head) - 1)]

    def fmt(cells: list[str]) -> str:
        left = [cells[0].ljust(widths[0]), cells[1].ljust(widths[1])]
        right = [c.rjust(w) for c, w in zip(cells[2:-1], widths[2:], strict=True)]
        return "  ".join([*left, *right, cells[-1]]).rstrip()

    rule = "-" * (sum(widths) + 2 * len(widths) + len(head[-1]))
    out = [fmt(head), rule, *(fmt(c) for c in body)]
    if floor:
        out += [rule, *(fmt(c) for c in floor)]
    return "\n".join(out)


def against_floor(results: list[dict[str, Any]]) -> str:
    """For each app page and form factor, its performance score minus the bare page's (direct,
    the floor; and through the proxy, where measured) in each round: runs of one round were
    made minutes apart, so a machine's drift shows in both. Empty without the bare page."""
    by = {(r["page"], r["form_factor"]): r["runs"] for r in results}
    floors = [f for f in ("bare", BARE_PROXIED) if any(k[0] == f for k in by)]
    out: list[str] = []
    for (page, ff), runs in by.items():
        if page in ("bare", BARE_PROXIED):
            continue
        cells = []
        for floor in floors:
            base = by.get((floor, ff), [])
            diffs = [
                run["performance"] - ref["performance"]
                for run, ref in zip(runs, base, strict=False)
                if run.get("performance") is not None and ref.get("performance") is not None
            ]
            if diffs:
                at_least = sum(d >= 0 for d in diffs)
                shown = ", ".join(f"{d:+.0f}" for d in diffs)
                cells.append(f"vs {floor}: {shown} (at least the floor in {at_least}/{len(diffs)})")
        if cells:
            out.append(f"{page:<20} {ff:<7} " + "; ".join(cells))
    return "\n".join(out)


def format_failures(results: list[dict[str, Any]], max_items: int = 6) -> str:
    """What each failing accessibility audit found, per page and form factor (first run that
    gave a report)."""
    out: list[str] = []
    for res in results:
        run = next((r for r in res["runs"] if r.get("performance") is not None), None)
        if not run or not run["failing"]:
            continue
        out.append(f"{res['page']} ({res['form_factor']}):")
        for audit_id, audit in run["failing"].items():
            out.append(f"  {audit_id}: {audit['title']} ({len(audit['items'])} element(s))")
            for item in audit["items"][:max_items]:
                where = item.get("selector") or item.get("snippet") or ""
                label = " ".join((item.get("label") or "").split())[:70]
                out.append(f"    - {where}  [{label}]")
                if item.get("explanation"):
                    out.append(f"      {item['explanation']}")
                for rel in item.get("related", [])[:2]:
                    rel_label = " ".join(rel["label"].split())[:50]
                    out.append(f"      related: {rel['selector']}  [{rel_label}]")
            if len(audit["items"]) > max_items:
                out.append(f"    ... and {len(audit['items']) - max_items} more")
    return "\n".join(out) if out else "(none)"


def _rel(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


# ---------------------------------------------------------------- servers


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str


def start_script(script: Path, *, outlines: Path | None = None) -> tuple[Server, Path]:
    """``streamlit run`` of any script, as the harness starts the dashboard (same flags, cwd
    at the repository root so .streamlit/config.toml applies), once /_stcore/health answers.

    Streamlit serves /app/static/ from the ``static`` folder beside the main script, so the
    script runs from a temporary folder: a link to it and, if given, a copy of ``outlines``
    as ``static/topojson`` (Streamlit refuses links out of its static folder). Returns the
    server and that folder (the caller removes it)."""
    home = Path(tempfile.mkdtemp(prefix="lighthouse-bare-"))
    (home / script.name).symlink_to(script)
    if outlines is not None:
        shutil.copytree(outlines, home / "static" / "topojson")
    try:
        proc, url = start_server(script=home / script.name, quiet=True)
    except RuntimeError:
        shutil.rmtree(home, ignore_errors=True)
        raise
    return Server(proc, url), home


SERVE = ROOT / "scripts" / "serve.sh"
BARE_PROXIED = "bare" + VIA


def serve_behind_nginx(script: Path | None, proxies: list[Path]) -> str:
    """``scripts/serve.sh --replicas 1`` (nginx with gzip in front of one ``streamlit run``)
    of the dashboard or of ``script``, detached, on free ports; its run folder is appended to
    ``proxies`` so the caller stops it. Returns the proxy's URL."""
    rundir = Path(tempfile.mkdtemp(prefix="lighthouse-serve-"))
    proxies.append(rundir)
    port = free_port()
    cmd = ["bash", str(SERVE), "--replicas", "1", "--port", str(port), "--listen", "127.0.0.1"]
    cmd += ["--replica-port", str(free_port()), "--rundir", str(rundir), "--detach"]
    if script is not None:
        cmd += ["--app", str(script)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return f"http://127.0.0.1:{port}"


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


# ---------------------------------------------------------------- Lighthouse


def _descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (Chromium started by Lighthouse runs in its own process
    group, so killing Lighthouse's group would leave it behind)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    for pid in [*_descendants(proc.pid), proc.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


def save_final_screenshot(lhr: dict[str, Any], path: Path) -> bool:
    """Lighthouse's last frame of the page (a JPEG): shows whether the page had settled."""
    data = (lhr.get("audits", {}).get("final-screenshot", {}).get("details") or {}).get("data")
    if not data or "," not in data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(data.split(",", 1)[1]))
    return True


def run_lighthouse(
    url: str,
    form_factor: str,
    workdir: Path,
    tag: str,
    *,
    timeout: float,
    max_wait_for_load: int | None,
    final_shot: Path | None = None,
) -> dict[str, Any]:
    out = workdir / f"{tag}.json"
    cmd = lighthouse_command(url, form_factor, out, max_wait_for_load=max_wait_for_load)
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(proc)
        return {
            "error": f"timed out after {timeout:.0f} s",
            "seconds": round(time.perf_counter() - start, 1),
        }
    seconds = round(time.perf_counter() - start, 1)
    if proc.returncode != 0 or not out.exists():
        tail = " ".join(err.decode(errors="replace").split())[-300:]
        return {"error": f"lighthouse exit {proc.returncode}: {tail}", "seconds": seconds}
    lhr = json.loads(out.read_text())
    result = summarise(lhr)
    result["seconds"] = seconds
    if final_shot is not None and save_final_screenshot(lhr, final_shot):
        result["final_screenshot"] = _rel(final_shot)
    if result["runtime_error"] or result["performance"] is None:
        result["error"] = f"no score ({result['runtime_error'] or 'performance not scored'})"
        result["performance"] = None
    return result


# ---------------------------------------------------------------- Playwright


def screenshots(
    targets: dict[str, str], folder: Path | None, timeout_ms: float = 60_000
) -> list[dict[str, Any]]:
    """Each page at each viewport, once the app is idle and its charts drawn; full page
    (Streamlit scrolls its main block, not the document: the viewport is made as tall as the
    content first). With ``folder`` None the pages are only loaded (warms the server)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    shots: list[dict[str, Any]] = []
    sizes = VIEWPORTS if folder is not None else VIEWPORTS[:1]
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for name, url in targets.items():
                charts = PAGES[name.removesuffix(VIA)][1]
                for width, height in sizes:
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    note = ""
                    start = time.perf_counter()
                    try:
                        page.goto(url, wait_until="domcontentloaded")
                        page.wait_for_selector("[data-testid=stApp]", timeout=timeout_ms)
                        page.wait_for_function(IDLE, timeout=timeout_ms)
                        if charts:
                            try:
                                # A function, not an expression: Playwright compiles an
                                # expression with eval, which the proxy's CSP refuses.
                                page.wait_for_function(
                                    "() => document.querySelectorAll('.js-plotly-plot "
                                    f".main-svg').length >= {charts}",
                                    timeout=20_000,
                                )
                            except PlaywrightError:
                                note = f"fewer than {charts} chart(s) drawn"
                        page.wait_for_timeout(800)
                        settle = round(time.perf_counter() - start, 2)
                        if folder is None:
                            shots.append({"page": name, "settled_s": settle, "note": note})
                            continue
                        full = page.evaluate(
                            "() => { const m = document.querySelector('[data-testid=stMain]');"
                            " return Math.max(m ? m.scrollHeight : 0,"
                            " document.body.scrollHeight); }"
                        )
                        page.set_viewport_size(
                            {"width": width, "height": max(height, min(int(full), 12000))}
                        )
                        page.wait_for_timeout(600)
                        path = folder / f"{name}-{width}x{height}.png"
                        page.screenshot(path=str(path), full_page=True)
                        shots.append(
                            {
                                "page": name,
                                "viewport": f"{width}x{height}",
                                "path": _rel(path),
                                "content_height": int(full),
                                "settled_s": settle,
                                "note": note,
                            }
                        )
                    except PlaywrightError as exc:
                        shots.append(
                            {
                                "page": name,
                                "viewport": f"{width}x{height}",
                                "error": str(exc).splitlines()[0][:200],
                            }
                        )
                    finally:
                        context.close()
        finally:
            browser.close()
    return shots


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.perf_counter()
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"no Lighthouse at {LIGHTHOUSE}: npm ci in tests/browser")
    app_pages = [p for p in args.pages if p != "bare"]
    servers: list[subprocess.Popen[bytes]] = []
    proxies: list[Path] = []  # serve.sh run folders, stopped at the end
    bare_home: Path | None = None
    results: list[dict[str, Any]] = []
    shots: list[dict[str, Any]] = []
    meta: dict[str, Any] = {}
    try:
        targets: dict[str, str] = {}
        if app_pages and args.proxy:
            url = serve_behind_nginx(None, proxies)
            targets.update({p + VIA: f"{url}/{PAGES[p][0]}" for p in app_pages})
        elif app_pages:
            proc, url = start_server(None, quiet=True)
            servers.append(proc)
            targets.update({p: f"{url}/{PAGES[p][0]}" for p in app_pages})
        if "bare" in args.pages:
            bare, bare_home = start_script(BARE_APP, outlines=ROOT / "indicators" / "outlines")
            servers.append(bare.proc)
            targets["bare"] = bare.url + "/"
            if args.proxy:
                targets[BARE_PROXIED] = serve_behind_nginx(bare_home / BARE_APP.name, proxies) + "/"
            meta["bare_topojson_status"] = http_status(
                bare.url + "/app/static/topojson/asia_50m.json"
            )
            if meta["bare_topojson_status"] != 200:
                print(
                    f"warning: the bare page's map outlines answer {meta['bare_topojson_status']}",
                    file=sys.stderr,
                )
        print(
            f"servers up in {time.perf_counter() - t0:.1f} s: "
            + ", ".join(f"{k} {v}" for k, v in targets.items()),
            file=sys.stderr,
        )

        t_shots = time.perf_counter()
        shots = screenshots(targets, None if args.no_screenshots else args.screenshots)
        meta["screenshot_seconds"] = round(time.perf_counter() - t_shots, 1)
        print(
            f"pages loaded{'' if args.no_screenshots else ' and screenshotted'} in "
            f"{meta['screenshot_seconds']} s",
            file=sys.stderr,
        )

        t_lh = time.perf_counter()
        final_dir = args.json.parent / "lighthouse-final"
        with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
            workdir = Path(tmp)
            if args.reports is not None:
                args.reports.mkdir(parents=True, exist_ok=True)
                workdir = args.reports
            # Round by round, every page once per round: a machine that slows down halfway
            # (shared, noisy) then slows every page's later runs alike, floor included.
            done: dict[tuple[str, str], list[dict[str, Any]]] = {
                (name, ff): [] for name in targets for ff in args.form_factors
            }
            for i in range(args.runs):
                for ff in args.form_factors:
                    for name, url in targets.items():
                        run: dict[str, Any] = {}
                        for attempt in range(args.retries + 1):
                            if time.perf_counter() - t_lh > args.max_total:
                                run = {"error": f"skipped: over --max-total {args.max_total:.0f} s"}
                                break
                            run = run_lighthouse(
                                url,
                                ff,
                                workdir,
                                f"{name}-{ff}-{i}-{attempt}",
                                timeout=args.timeout,
                                max_wait_for_load=args.max_wait_for_load,
                                final_shot=final_dir / f"{name}-{ff}-{i + 1}.jpg",
                            )
                            run["attempt"] = attempt + 1
                            if not run.get("error"):
                                break
                        done[(name, ff)].append(run)
                        status = run.get("error") or (
                            f"perf {run['performance']} a11y {run['accessibility']}"
                        )
                        print(
                            f"  {name:<10} {ff:<7} run {i + 1}: {status} "
                            f"({run.get('seconds', 0)} s)",
                            file=sys.stderr,
                        )
            for (name, ff), runs in done.items():
                results.append(
                    {
                        "page": name,
                        "url": targets[name],
                        "form_factor": ff,
                        **combine(runs),
                        "runs": runs,
                    }
                )
        meta["lighthouse_seconds"] = round(time.perf_counter() - t_lh, 1)
    finally:
        for proc in servers:
            stop_server(proc)
        for rundir in proxies:
            subprocess.run(
                ["bash", str(SERVE), "stop", "--rundir", str(rundir)], capture_output=True
            )
            shutil.rmtree(rundir, ignore_errors=True)
        if bare_home is not None:
            shutil.rmtree(bare_home, ignore_errors=True)

    print(format_table(results))
    against = against_floor(results)
    if against:
        print("\nPerformance against the floor, round by round (page minus bare page, same round):")
        print(against)
    print("\nFailing accessibility audits:")
    print(format_failures(results))
    version = next(
        (
            r.get("lighthouse_version")
            for res in results
            for r in res["runs"]
            if r.get("lighthouse_version")
        ),
        None,
    )
    agent = next(
        (r.get("user_agent") for res in results for r in res["runs"] if r.get("user_agent")), None
    )
    meta.update(
        {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "lighthouse": version,
            "chromium": agent,
            "chromium_path": CHROMIUM,
            "lighthouse_chrome_flags": LH_CHROME_FLAGS,
            "runs": args.runs,
            "pages": args.pages,
            "form_factors": args.form_factors,
            "max_wait_for_load": args.max_wait_for_load,
            "total_seconds": round(time.perf_counter() - t0, 1),
            "notes": "medians over runs; servers warmed by one Playwright load of each "
            "page before Lighthouse; desktop = --preset=desktop, mobile = "
            "Lighthouse's default (simulated Moto G Power, slow 4G)",
        }
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({"meta": meta, "results": results, "screenshots": shots}, indent=1)
    )
    print(
        f"\nraw figures: {args.json}; screenshots: "
        f"{'none' if args.no_screenshots else args.screenshots}; "
        f"total {meta['total_seconds']} s",
        file=sys.stderr,
    )
    return 0 if any(r["runs_ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
