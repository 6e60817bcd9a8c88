"""The static site (`indicators site`): build time, Lighthouse on every page beside the
Streamlit app, and requests per second from nginx beside ``python -m http.server``.

    .venv/bin/python benchmarks/site.py                 # everything, several minutes
    .venv/bin/python benchmarks/site.py --no-app        # no Streamlit comparison
    .venv/bin/python benchmarks/site.py --quick         # seconds-scale, for the test

1. Build: a full build of a copy of data/ into a fresh folder, a rebuild with nothing
   changed, a rebuild after one value of one report changed (the ``value: 10`` of period
   2013 in reports/035-*.yaml becomes 11), and one after the change is undone (so the site
   measured next is the one data/ gives). Seconds (the command's wall time) and charts drawn.
2. Lighthouse 12 (benchmarks/lighthouse.py's command, categories performance,
   accessibility and best practices, Chromium with the harness's flags) on every page of
   the site served by ``python -m http.server --bind 127.0.0.1 PORT``: desktop on each,
   mobile on index.html and trade-timeline.html.
3. The same runs on the comparable pages of the Streamlit app (started and warmed as
   benchmarks/lighthouse.py does), and the ratios site / app. ``--no-app`` skips them.
4. A bounded load generator (asyncio, raw sockets, keep-alive where the server allows it,
   in ``--load-procs`` processes) against a chart page served by Debian's nginx (temporary
   config and logs, a free 127.0.0.1 port, no root needed) and by ``python -m
   http.server``: requests per second, p50/p95 latency, errors.

Prints one table (figure, value, target, ok), the site-vs-app comparison and, for every
page that misses a target, what Lighthouse gives as the cause. Writes the figures to
``--json`` (benchmarks/site-results.json). A benchmark, not a test: machines are shared and
noisy, so compare the ratios taken within one run; it exits 0 whatever the figures, 1 only
if the build or every Lighthouse run failed. All traffic is to 127.0.0.1; Lighthouse's
network log is checked for any other host.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import lighthouse as lh  # noqa: E402

from tests.browser.server import CHROMIUM_ARGS, free_port, start_server, stop_server  # noqa: E402

DATA = ROOT / "data"
DEFAULT_JSON = ROOT / "benchmarks" / "site-results.json"
CATEGORIES = "--only-categories=performance,accessibility,best-practices"
CHART_PAGE = "trade-timeline.html"  # the chart page of the mobile runs and the load test
MOBILE_PAGES = ("index.html", CHART_PAGE)
QUICK_PAGES = ("index.html", CHART_PAGE)
# Streamlit page (benchmarks/lighthouse.py's PAGES) -> the site's page that shows the same.
COMPARE = {
    "overview": "index.html",
    "trade": CHART_PAGE,
    "investment": "investment.html",
    "map": "map.html",
    "timeline": "timeline.html",
    "sources": "sources.html",
}
NOT_CHART_PAGES = ("index.html", "sources.html")
# The one-file change: in the copy of data/, this report's 2013 value 10 becomes 11.
CHANGED_REPORT = "reports/035-*.yaml"
CHANGE = (re.compile(r'(period: "2013"\n\s+value: )10\b'), r"\g<1>11")
BUILT = re.compile(
    r"built (\d+) chart page\(s\) .* in ([\d.]+) s: (\d+) chart\(s\) drawn afresh, "
    r"(\d+) file\(s\) written"
)
# Targets: scores 0-1, seconds, KiB (Lighthouse's unit for total-byte-weight).
FULL_BUILD_S = 60.0
ONE_FILE_S = 10.0
PERF_MIN = 0.90
A11Y_MIN = 1.0
BP_MIN = 0.95
FCP_DESKTOP_S = 1.0
CHART_TRANSFER_KIB = 500
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
REQUEST_TIMEOUT = 5.0
UNSCORED = ("informative", "manual", "notApplicable", "error")


# ---------------------------------------------------------------- figures and arguments


@dataclass
class Figure:
    name: str
    value: float | str | None
    unit: str = ""
    target: str = ""
    ok: bool | None = None

    def cell(self) -> str:
        v = self.value
        if v is None:
            return "-"
        if isinstance(v, str):
            return v
        if self.unit == "score":
            return f"{v:.2f}"
        if self.unit == "s":
            return f"{v:.2f} s"
        if self.unit == "ms" and isinstance(v, float) and v < 100:
            return f"{v:.2f} ms"
        if self.unit in ("ms", "KiB"):
            return f"{v:,.0f} {self.unit}"
        if self.unit == "x":
            return f"{v:.2f}x"
        if self.unit == "rps":
            return f"{v:,.0f}/s"
        if self.unit == "cls":
            return f"{v:.3f}"
        return f"{v:g}{(' ' + self.unit) if self.unit else ''}"


FIGURES: list[Figure] = []


def record(
    name: str, value: float | str | None, unit: str = "", target: str = "", ok: bool | None = None
) -> None:
    FIGURES.append(Figure(name, value, unit, target, None if value is None else ok))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument(
        "--quick",
        action="store_true",
        help="build timing, Lighthouse desktop on index and one chart page, no app, a 2 s load run",
    )
    p.add_argument("--no-app", action="store_true", help="no Streamlit comparison")
    p.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the figures")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds per Lighthouse run")
    p.add_argument(
        "--max-total", type=float, default=1500.0, help="seconds for all Lighthouse runs"
    )
    p.add_argument("--load-seconds", type=float, default=10.0, help="seconds per load run")
    p.add_argument("--connections", type=int, default=32, help="concurrent connections in all")
    p.add_argument("--load-procs", type=int, default=2, help="load generator processes")
    p.add_argument(
        "--max-requests", type=int, default=1_000_000, help="upper bound of requests per run"
    )
    p.add_argument(
        "--no-install", action="store_true", help="if nginx is missing, skip it (no apt-get)"
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (printed)")
    args = p.parse_args(argv)
    if args.timeout <= 0 or args.max_total <= 0 or args.load_seconds <= 0:
        p.error("--timeout, --max-total and --load-seconds must be positive")
    if not 1 <= args.load_procs <= 16 or not args.load_procs <= args.connections <= 1024:
        p.error("--load-procs 1 to 16, --connections from --load-procs to 1024")
    if not 1 <= args.max_requests <= 10_000_000:
        p.error("--max-requests 1 to 10,000,000")
    if args.quick:
        args.no_app = True
        args.load_seconds = min(args.load_seconds, 2.0)
    return args


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- 1. build timing


def build(data: Path, out: Path) -> dict[str, Any]:
    """`indicators site` as a user runs it; wall seconds and what it says it did."""
    cmd = [sys.executable, "-m", "indicators", "site", "--out", str(out), "--data", str(data)]
    start = time.perf_counter()
    proc = subprocess.run([*cmd, "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    wall = round(time.perf_counter() - start, 2)
    m = BUILT.search(proc.stdout)
    if proc.returncode != 0 or not m:
        raise RuntimeError(f"indicators site failed ({proc.returncode}): {proc.stderr[-1500:]}")
    return {
        "seconds": wall,
        "reported_seconds": float(m[2]),
        "charts": int(m[1]),
        "drawn": int(m[3]),
        "written": int(m[4]),
    }


def change_one_value(data: Path) -> tuple[Path, str]:
    """Apply CHANGE to the copy's report; returns the file and its old text."""
    path = sorted(data.glob(CHANGED_REPORT))[0]
    old = path.read_text(encoding="utf-8")
    new, n = CHANGE[0].subn(CHANGE[1], old, count=1)
    if n != 1:
        raise RuntimeError(f"{path.name}: no `value: 10` after period 2013 to change")
    path.write_text(new, encoding="utf-8")
    return path, old


def build_timing(base: Path) -> Path:
    data, site = base / "data", base / "site"
    shutil.copytree(DATA, data)
    steps: dict[str, dict[str, Any]] = {}
    steps["full"] = build(data, site)
    log(f"full build: {steps['full']}")
    steps["unchanged"] = build(data, site)
    log(f"rebuild, nothing changed: {steps['unchanged']}")
    path, old = change_one_value(data)
    steps["one_file"] = build(data, site)
    log(f"rebuild, {path.name} changed: {steps['one_file']}")
    path.write_text(old, encoding="utf-8")
    steps["undone"] = build(data, site)
    log(f"rebuild, change undone: {steps['undone']}")
    full, one = steps["full"], steps["one_file"]
    record(
        "build: full, fresh folder",
        full["seconds"],
        "s",
        f"<= {FULL_BUILD_S:.0f} s",
        full["seconds"] <= FULL_BUILD_S,
    )
    record("build: full, charts drawn", f"{full['drawn']} of {full['charts']}")
    record("build: rebuild, nothing changed", steps["unchanged"]["seconds"], "s")
    record(
        "build: rebuild, nothing changed, charts drawn",
        steps["unchanged"]["drawn"],
        "",
        "0",
        steps["unchanged"]["drawn"] == 0,
    )
    record(
        "build: rebuild, one data file changed",
        one["seconds"],
        "s",
        f"<= {ONE_FILE_S:.0f} s",
        one["seconds"] <= ONE_FILE_S,
    )
    record(
        "build: rebuild, one data file changed, charts drawn", f"{one['drawn']} of {one['charts']}"
    )
    record("build: rebuild, change undone", steps["undone"]["seconds"], "s")
    RESULTS["build"] = {**steps, "changed_file": path.name}
    return site


# ---------------------------------------------------------------- 2./3. Lighthouse


def lighthouse_command(url: str, form_factor: str, out: Path) -> list[str]:
    """benchmarks/lighthouse.py's command with best practices added and the harness's flags."""
    cmd = lh.lighthouse_command(url, form_factor, out)
    flags = "--chrome-flags=" + " ".join(CHROMIUM_ARGS)
    return [
        CATEGORIES
        if c.startswith("--only-categories=")
        else flags
        if c.startswith("--chrome-flags=")
        else c
        for c in cmd
    ]


def _score(lhr: dict[str, Any], cat: str) -> float | None:
    s = lhr.get("categories", {}).get(cat, {}).get("score")
    return None if s is None else round(float(s), 2)


def _lcp_node(lhr: dict[str, Any]) -> dict[str, Any]:
    details = lhr.get("audits", {}).get("largest-contentful-paint-element", {}).get("details")
    for table in (details or {}).get("items") or []:
        for item in table.get("items") or []:
            if item.get("node"):
                return dict(item["node"])
    return {}


def offsite_requests(lhr: dict[str, Any]) -> list[str]:
    """Every request Lighthouse saw to a host other than this machine's."""
    items = (lhr.get("audits", {}).get("network-requests", {}).get("details") or {}).get("items")
    out = []
    for item in items or []:
        url = str(item.get("url", ""))
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            out.append(url)
    return out


def reasons(lhr: dict[str, Any], top: int = 5) -> dict[str, list[dict[str, Any]]]:
    """What Lighthouse gives as the cause: the performance metrics that score below 0.9, the
    diagnostics (opportunities) that fail, biggest estimated saving first, and the failing
    best-practices and accessibility audits."""
    audits = lhr.get("audits", {})
    cats = lhr.get("categories", {})
    out: dict[str, list[dict[str, Any]]] = {"metrics": [], "performance": [], "best-practices": []}
    for ref in cats.get("performance", {}).get("auditRefs", []):
        a = audits.get(ref["id"], {})
        score = a.get("score")
        if score is None or score >= 1 or a.get("scoreDisplayMode") in UNSCORED:
            continue
        details = a.get("details") or {}
        if ref.get("group") == "metrics":
            if score < 0.9:
                out["metrics"].append(
                    {
                        "id": ref["id"],
                        "value": a.get("displayValue"),
                        "score": score,
                        "weight": ref.get("weight"),
                    }
                )
        elif ref.get("group") == "diagnostics":
            savings = a.get("metricSavings") or {}
            out["performance"].append(
                {
                    "id": ref["id"],
                    "title": a.get("title", ""),
                    "value": a.get("displayValue") or "",
                    "score": score,
                    "savings_ms": details.get("overallSavingsMs")
                    or max([v for v in savings.values() if isinstance(v, int | float)] or [0]),
                    "savings_bytes": details.get("overallSavingsBytes") or 0,
                }
            )
    out["performance"].sort(key=lambda r: (-r["savings_ms"], -r["savings_bytes"], r["score"]))
    out["performance"] = out["performance"][:top]
    for ref in cats.get("best-practices", {}).get("auditRefs", []):
        a = audits.get(ref["id"], {})
        score = a.get("score")
        if score is not None and score < 1 and a.get("scoreDisplayMode") not in UNSCORED:
            items = (a.get("details") or {}).get("items") or []
            out["best-practices"].append(
                {
                    "id": ref["id"],
                    "title": a.get("title", ""),
                    "value": a.get("displayValue") or "",
                    "items": [lh._item_summary(i) for i in items[:3]],
                }
            )
    out["accessibility"] = [
        {"id": k, "title": v["title"], "items": v["items"][:3]}
        for k, v in lh.failing_accessibility(lhr).items()
    ]
    return out


def summarise(lhr: dict[str, Any]) -> dict[str, Any]:
    base = lh.summarise(lhr)  # metrics, LCP element, runtime error
    node = _lcp_node(lhr)
    weight = lhr.get("audits", {}).get("total-byte-weight", {}).get("numericValue")
    return {
        "performance": _score(lhr, "performance"),
        "accessibility": _score(lhr, "accessibility"),
        "best_practices": _score(lhr, "best-practices"),
        **{k: base[k] for k in ("fcp_s", "lcp_s", "cls", "tbt_ms", "si_s", "observed_lcp_s")},
        "transfer_kib": None if weight is None else round(weight / 1024, 1),
        "lcp_element": node.get("selector"),
        "lcp_is_chart_image": "img.chart-static" in str(node.get("selector"))
        or 'class="chart-static"' in str(node.get("snippet")),
        "offsite": offsite_requests(lhr),
        "reasons": reasons(lhr),
        "runtime_error": base["runtime_error"],
        "warnings": base["warnings"],
        "lighthouse_version": base["lighthouse_version"],
        "user_agent": base["user_agent"],
    }


def run_lighthouse(url: str, form_factor: str, workdir: Path, tag: str, timeout: float) -> dict:
    """One Lighthouse run (as benchmarks/lighthouse.py's, keeping the report's causes)."""
    out = workdir / f"{tag}.json"
    env = {**os.environ, "CHROME_PATH": lh.CHROMIUM}
    start = time.perf_counter()
    proc = subprocess.Popen(
        lighthouse_command(url, form_factor, out),
        env=env,
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        lh._kill_tree(proc)
        return {"error": f"timed out after {timeout:.0f} s"}
    seconds = round(time.perf_counter() - start, 1)
    if proc.returncode != 0 or not out.exists():
        tail = " ".join(err.decode(errors="replace").split())[-300:]
        return {"error": f"lighthouse exit {proc.returncode}: {tail}", "seconds": seconds}
    lhr = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    result = {**summarise(lhr), "seconds": seconds}
    if result["runtime_error"] or result["performance"] is None:
        result["error"] = f"no score ({result['runtime_error'] or 'performance not scored'})"
    return result


def lighthouse_runs(
    targets: list[tuple[str, str, str]], args: argparse.Namespace, deadline: float
) -> list[dict[str, Any]]:
    """targets: (name, url, form factor); one retry of a run that errors."""
    results = []
    with tempfile.TemporaryDirectory(prefix="site-lh-") as tmp:
        for name, url, ff in targets:
            run: dict[str, Any] = {}
            for attempt in range(2):
                if time.monotonic() > deadline:
                    run = {"error": f"skipped: over --max-total {args.max_total:.0f} s"}
                    break
                run = run_lighthouse(url, ff, Path(tmp), f"{name}-{ff}-{attempt}", args.timeout)
                if not run.get("error"):
                    break
            status = run.get("error") or (
                f"perf {run['performance']} a11y {run['accessibility']} "
                f"bp {run['best_practices']} FCP {run['fcp_s']} s LCP {run['lcp_s']} s "
                f"{run['transfer_kib']} KiB"
            )
            log(f"  {name:<24} {ff:<7} {status} ({run.get('seconds', 0)} s)")
            results.append({"page": name, "url": url, "form_factor": ff, **run})
    return results


def site_targets(site: Path, url: str, quick: bool) -> list[tuple[str, str, str]]:
    pages = sorted(p.name for p in site.glob("*.html"))
    first = [p for p in NOT_CHART_PAGES if p in pages]
    pages = first + [p for p in pages if p not in first]
    if quick:
        return [(p, f"{url}/{p}", "desktop") for p in QUICK_PAGES]
    return [(p, f"{url}/{p}", "desktop") for p in pages] + [
        (p, f"{url}/{p}", "mobile") for p in MOBILE_PAGES
    ]


def record_site(runs: list[dict[str, Any]]) -> None:
    for r in runs:
        tag = f"{r['page']} {r['form_factor']}"
        chart = r["page"] not in NOT_CHART_PAGES
        if r.get("error"):
            record(f"lighthouse {tag}", f"ERROR {r['error'][:60]}", "", "a result", False)
            continue
        perf, a11y, bp = r["performance"], r["accessibility"], r["best_practices"]
        record(
            f"lighthouse {tag}: performance",
            perf,
            "score",
            f">= {PERF_MIN:.2f}",
            perf is not None and perf >= PERF_MIN,
        )
        record(
            f"lighthouse {tag}: accessibility",
            a11y,
            "score",
            f"= {A11Y_MIN:.2f}",
            a11y is not None and a11y >= A11Y_MIN,
        )
        record(
            f"lighthouse {tag}: best practices",
            bp,
            "score",
            f">= {BP_MIN:.2f}",
            bp is not None and bp >= BP_MIN,
        )
        if r["form_factor"] == "desktop":
            record(
                f"lighthouse {tag}: FCP",
                r["fcp_s"],
                "s",
                f"<= {FCP_DESKTOP_S:.1f} s",
                r["fcp_s"] is not None and r["fcp_s"] <= FCP_DESKTOP_S,
            )
        else:
            record(f"lighthouse {tag}: FCP", r["fcp_s"], "s")
        record(f"lighthouse {tag}: LCP", r["lcp_s"], "s")
        record(f"lighthouse {tag}: CLS", r["cls"], "cls")
        record(f"lighthouse {tag}: TBT", r["tbt_ms"], "ms")
        if chart:
            kib = r["transfer_kib"]
            record(
                f"lighthouse {tag}: transfer",
                kib,
                "KiB",
                f"<= {CHART_TRANSFER_KIB} KiB",
                kib is not None and kib <= CHART_TRANSFER_KIB,
            )
            record(
                f"lighthouse {tag}: LCP element is img.chart-static",
                "yes" if r["lcp_is_chart_image"] else f"no: {r['lcp_element']}",
                "",
                "yes",
                bool(r["lcp_is_chart_image"]),
            )
        else:
            record(f"lighthouse {tag}: transfer", r["transfer_kib"], "KiB")


def app_runs(args: argparse.Namespace, deadline: float) -> list[dict[str, Any]]:
    proc, url = start_server(None, quiet=True)
    try:
        targets = {name: f"{url}/{lh.PAGES[name][0]}" for name in COMPARE}
        warm = lh.screenshots(targets, None)  # one load of each page warms the caches
        log(f"app up at {url}, pages warmed: {[w.get('settled_s') for w in warm]}")
        mobile = [n for n, page in COMPARE.items() if page in MOBILE_PAGES]
        return lighthouse_runs(
            [(n, u, "desktop") for n, u in targets.items()]
            + [(n, targets[n], "mobile") for n in mobile],
            args,
            deadline,
        )
    finally:
        stop_server(proc)


# Figures compared (key in a run's result, label, unit); RATIOS also go in the main table.
COMPARED = (
    ("performance", "performance", "score"),
    ("fcp_s", "FCP", "s"),
    ("lcp_s", "LCP", "s"),
    ("tbt_ms", "TBT", "ms"),
    ("transfer_kib", "transfer", "KiB"),
)
RATIOS = ("performance", "lcp_s", "transfer_kib")


def compare(site: list[dict[str, Any]], app: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Site against app per comparable page and form factor: both values and site / app."""
    by = {(r["page"], r["form_factor"]): r for r in site if not r.get("error")}
    rows = []
    for a in app:
        s = by.get((COMPARE[a["page"]], a["form_factor"]))
        if s is None or a.get("error"):
            continue
        for key, label, unit in COMPARED:
            sv, av = s.get(key), a.get(key)
            ratio = round(sv / av, 3) if sv is not None and av else None
            rows.append(
                {
                    "site": s["page"],
                    "app": a["page"],
                    "form_factor": a["form_factor"],
                    "metric": key,
                    "label": label,
                    "unit": unit,
                    "site_value": sv,
                    "app_value": av,
                    "ratio": ratio,
                }
            )
    return rows


def format_compare(rows: list[dict[str, Any]]) -> str:
    head = ["site page", "app page", "form", "figure", "site", "app", "site / app"]
    body = [
        [
            r["site"],
            r["app"],
            r["form_factor"],
            r["label"],
            Figure("", r["site_value"], r["unit"]).cell(),
            Figure("", r["app_value"], r["unit"]).cell(),
            "-" if r["ratio"] is None else f"{r['ratio']:.2f}x",
        ]
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    lines = [
        "| "
        + " | ".join(
            c.ljust(w) if i < 4 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )
        + " |"
        for line in [head, *body]
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# ---------------------------------------------------------------- 4. load: nginx, http.server


async def _connection(
    host: str, port: int, path: str, deadline: float, state: dict[str, Any]
) -> None:
    request = (
        f"GET /{path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: site-benchmark\r\n"
        "Accept: */*\r\n\r\n"
    ).encode()
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    lat: list[float] = state["latencies"]
    errors: Counter[str] = state["errors"]
    while time.perf_counter() < deadline and state["sent"] < state["limit"]:
        state["sent"] += 1
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT):
                if writer is None or reader is None:
                    reader, writer = await asyncio.open_connection(host, port)
                    state["connects"] += 1
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                version, status = lines[0].split(" ", 2)[:2]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (h.partition(":") for h in lines[1:] if h)
                }
                keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
                if "content-length" in headers:
                    body = await reader.readexactly(int(headers["content-length"]))
                else:
                    body, keep = await reader.read(), False
            lat.append(time.perf_counter() - t0)
            state["bytes"] += len(head) + len(body)
            if status != "200":
                errors[f"HTTP {status}"] += 1
            if not keep:
                writer.close()
                reader = writer = None
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            errors[type(exc).__name__] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)  # a refused connection must not spin
    if writer is not None:
        writer.close()


async def _load(host: str, port: int, path: str, connections: int, state: dict) -> None:
    deadline = time.perf_counter() + state["seconds"]
    await asyncio.gather(
        *(_connection(host, port, path, deadline, state) for _ in range(connections))
    )


def load_worker(
    host: str, port: int, path: str, seconds: float, connections: int, limit: int, start_at: float
) -> dict[str, Any]:
    """One process of the load generator: ``connections`` keep-alive connections for
    ``seconds`` (or ``limit`` requests), from the wall-clock time ``start_at``."""
    time.sleep(max(0.0, start_at - time.time()))
    state: dict[str, Any] = {
        "seconds": seconds,
        "limit": limit,
        "sent": 0,
        "connects": 0,
        "bytes": 0,
        "latencies": [],
        "errors": Counter(),
    }
    t0, cpu0 = time.perf_counter(), time.process_time()
    asyncio.run(_load(host, port, path, connections, state))
    return {
        "ok": len(state["latencies"])
        - sum(n for k, n in state["errors"].items() if k.startswith("HTTP ")),
        "latencies": state["latencies"],
        "errors": dict(state["errors"]),
        "connects": state["connects"],
        "bytes": state["bytes"],
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - cpu0,
    }


def _pct(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def load_test(url: str, path: str, args: argparse.Namespace) -> dict[str, Any]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", int(parts.port or 80)
    procs = args.load_procs
    per = [args.connections // procs + (i < args.connections % procs) for i in range(procs)]
    start_at = time.time() + 2.0
    with ProcessPoolExecutor(procs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [
            pool.submit(
                load_worker,
                host,
                port,
                path,
                args.load_seconds,
                n,
                args.max_requests // procs,
                start_at,
            )
            for n in per
        ]
        parts_out = [f.result(timeout=args.load_seconds + 60) for f in futures]
    lat = sorted(x for p in parts_out for x in p["latencies"])
    errors: Counter[str] = Counter()
    for p in parts_out:
        errors.update(p["errors"])
    rps = sum(p["ok"] / p["seconds"] for p in parts_out if p["seconds"] > 0)
    return {
        "url": f"{url}/{path}",
        "rps": round(rps, 1),
        "requests_ok": sum(p["ok"] for p in parts_out),
        "p50_ms": None if not lat else round(_pct(lat, 0.50) * 1000, 2),
        "p95_ms": None if not lat else round(_pct(lat, 0.95) * 1000, 2),
        "p99_ms": None if not lat else round(_pct(lat, 0.99) * 1000, 2),
        "max_ms": None if not lat else round(lat[-1] * 1000, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "connections_opened": sum(p["connects"] for p in parts_out),
        "mb_per_s": round(sum(p["bytes"] / p["seconds"] for p in parts_out) / 1e6, 1),
        # CPU seconds per second of each load process: near 1.0, the generator is the limit.
        "client_cpu": round(
            sum(p["cpu_seconds"] for p in parts_out) / sum(p["seconds"] for p in parts_out), 2
        ),
        "seconds": args.load_seconds,
        "connections": args.connections,
        "processes": procs,
    }


def wait_http(url: str, proc: subprocess.Popen[bytes], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} in {seconds:.0f} s")


@contextmanager
def http_server(site: Path) -> Iterator[str]:
    """``python -m http.server --bind 127.0.0.1 PORT`` in the site's folder."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # a line per request: a pipe nobody reads would fill
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/index.html", proc)
        yield url
    finally:
        stop_server(proc)


def find_nginx(install: bool) -> tuple[str | None, str]:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate, ""
    if not install:
        return None, "nginx not installed (apt-get install -y nginx); --no-install: skipped"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "nginx not installed and cannot be (not root, or no apt-get): skipped"
    log("nginx missing: apt-get install -y nginx")
    try:
        proc = subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "nginx"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"apt-get install nginx failed: {exc}; skipped"
    if proc.returncode != 0 or not os.access("/usr/sbin/nginx", os.X_OK):
        tail = " ".join(proc.stderr.split())[-300:]
        return None, f"apt-get install nginx failed ({proc.returncode}): {tail}; skipped"
    return "/usr/sbin/nginx", "installed with apt-get"


def nginx_conf(home: Path, site: Path, port: int) -> str:
    temp = "\n".join(
        f"    {kind}_temp_path {home / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""worker_processes auto;
pid {home / "nginx.pid"};
error_log {home / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    types {{
        text/html html; text/css css; application/javascript js; application/json json;
        image/svg+xml svg; image/png png; application/pdf pdf; text/csv csv; application/xml xml;
    }}
    default_type application/octet-stream;
    access_log {home / "access.log"};
{temp}
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    gzip on;
    gzip_types text/css application/javascript application/json image/svg+xml text/csv;
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root "{site}";
        index index.html;
    }}
}}
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@contextmanager
def nginx_server(binary: str, site: Path, home: Path, info: dict[str, Any]) -> Iterator[str]:
    """nginx in the foreground with everything under ``home``; on exit, stopped (SIGQUIT,
    then SIGKILL of whatever is left) and its processes checked gone. Yields the URL; fills
    ``info`` (port, workers, processes left after the stop, access log lines)."""
    port = free_port()
    conf = home / "nginx.conf"
    conf.write_text(nginx_conf(home, site, port), encoding="utf-8")
    cmd = [binary, "-p", str(home), "-c", str(conf), "-e", str(home / "error.log")]
    check = subprocess.run([*cmd, "-t", "-q"], capture_output=True, text=True, timeout=30)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t: {check.stderr.strip()[-500:]}")
    proc = subprocess.Popen(
        [*cmd, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    info["port"] = port
    children: list[int] = []
    try:
        try:
            wait_http(url + "/index.html", proc)
        except RuntimeError as exc:
            err = (home / "error.log").read_text(errors="replace")[-500:]
            raise RuntimeError(f"nginx: {exc}: {err}") from exc
        children = lh._descendants(proc.pid)
        info["workers"] = len(children)
        yield url
    finally:
        children += [c for c in lh._descendants(proc.pid) if c not in children]
        if proc.poll() is None:
            proc.send_signal(signal.SIGQUIT)  # graceful: workers finish, then the master
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                lh._kill_tree(proc)
        proc.wait()
        deadline = time.monotonic() + 5
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [c for c in children if _alive(c)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        info["left_after_stop"] = len(left)
        try:
            with (home / "access.log").open("rb") as f:
                info["access_log_lines"] = sum(1 for _ in f)
        except OSError:
            info["access_log_lines"] = None


def load_phase(site: Path, base: Path, args: argparse.Namespace) -> None:
    out: dict[str, Any] = {"page": CHART_PAGE}
    RESULTS["load"] = out
    binary, note = find_nginx(install=not args.no_install)
    out["nginx_note"] = note
    if binary is None:
        print(f"nginx: {note}")
        record("load nginx", "skipped: not installed")
    else:
        version = subprocess.run([binary, "-v"], capture_output=True, text=True).stderr.strip()
        out["nginx_version"] = version
        home = base / "nginx"
        home.mkdir(mode=0o755)
        info: dict[str, Any] = {}
        out["nginx_server"] = info
        try:
            with nginx_server(binary, site, home, info) as url:
                log(f"{version} at {url} ({info['workers']} worker(s))")
                out["nginx"] = load_test(url, CHART_PAGE, args)
                log(f"  nginx: {out['nginx']}")
        except RuntimeError as exc:
            out["nginx_error"] = str(exc)
            print(f"nginx: {exc}")
    with http_server(site) as url:
        out["http_server"] = load_test(url, CHART_PAGE, args)
        log(f"  http.server: {out['http_server']}")
    for key, label in (("nginx", "nginx"), ("http_server", "http.server")):
        r = out.get(key)
        if not r:
            continue
        tag = f"load {label}"
        record(f"{tag}: requests/s", r["rps"], "rps")
        record(f"{tag}: p50 latency", r["p50_ms"], "ms")
        record(f"{tag}: p95 latency", r["p95_ms"], "ms")
        record(f"{tag}: p99 latency", r["p99_ms"], "ms")
        if key == "nginx":
            record(f"{tag}: errors", r["errors"], "", "0", r["errors"] == 0)
        else:
            record(f"{tag}: errors", r["errors"])
        record(f"{tag}: load generator CPU/process", r["client_cpu"])
    if out.get("nginx") and out.get("http_server") and out["http_server"]["rps"]:
        record(
            "load nginx / http.server requests/s",
            out["nginx"]["rps"] / out["http_server"]["rps"],
            "x",
        )
    server = out.get("nginx_server")
    if server:
        record(
            "nginx processes left after stop",
            server["left_after_stop"],
            "",
            "0",
            server["left_after_stop"] == 0,
        )


# ---------------------------------------------------------------- output


RESULTS: dict[str, Any] = {}


def print_table() -> None:
    width = max(len(f.name) for f in FIGURES)
    vw = max(10, *(len(f.cell()) for f in FIGURES))
    tw = max(6, *(len(f.target) for f in FIGURES))
    print()
    print(f"| {'figure':<{width}} | {'value':>{vw}} | {'target':<{tw}} | ok  |")
    print(f"|{'-' * (width + 2)}|{'-' * (vw + 2)}|{'-' * (tw + 2)}|-----|")
    for f in FIGURES:
        ok = "" if f.ok is None else ("yes" if f.ok else "NO")
        print(f"| {f.name:<{width}} | {f.cell():>{vw}} | {f.target:<{tw}} | {ok:<3} |")


def format_reasons(runs: list[dict[str, Any]]) -> str:
    """For each Lighthouse run whose page misses a target, Lighthouse's own account of why."""
    failing = {f.name.split(":")[0].removeprefix("lighthouse ") for f in FIGURES if f.ok is False}
    out = []
    for r in runs:
        tag = f"{r['page']} {r['form_factor']}"
        if tag not in failing or r.get("error"):
            continue
        why = r["reasons"]
        out.append(
            f"{tag} (perf {r['performance']}, a11y {r['accessibility']}, "
            f"best practices {r['best_practices']}):"
        )
        for m in why["metrics"]:
            out.append(
                f"  metric {m['id']}: {m['value']} (score {m['score']}, weight {m['weight']})"
            )
        for d in why["performance"]:
            saving = f"est. {d['savings_ms']:.0f} ms" if d["savings_ms"] else ""
            if d["savings_bytes"]:
                saving += f"{', ' if saving else 'est. '}{d['savings_bytes'] / 1024:.0f} KiB"
            out.append(
                f"  diagnostic {d['id']}: {d['title']}"
                f"{' - ' + d['value'] if d['value'] else ''}"
                f"{' (' + saving + ')' if saving else ''}"
            )
        for cat in ("best-practices", "accessibility"):
            for a in why[cat]:
                out.append(f"  {cat} {a['id']}: {a['title']} {a.get('value', '')}".rstrip())
                for item in a["items"]:
                    text = " ".join(str(v) for v in item.values() if isinstance(v, str))[:160]
                    out.append(f"    - {text}")
        if not r["lcp_is_chart_image"] and r["page"] not in NOT_CHART_PAGES:
            out.append(f"  LCP element: {r['lcp_element']}")
    return "\n".join(out) or "(none)"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    t0 = time.monotonic()
    if not lh.LIGHTHOUSE.exists():
        raise SystemExit(f"no Lighthouse at {lh.LIGHTHOUSE}: npm ci in tests/browser")
    base = Path(tempfile.mkdtemp(prefix="site-benchmark-"))
    base.chmod(0o755)  # nginx's workers (user nobody when started as root) read the site
    site_lh: list[dict[str, Any]] = []
    app_lh: list[dict[str, Any]] = []
    try:
        log("1. build timing")
        try:
            site = build_timing(base)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"build failed: {exc}")
            return 1
        deadline = time.monotonic() + args.max_total
        log("2. Lighthouse on the site (python -m http.server)")
        with http_server(site) as url:
            site_lh = lighthouse_runs(site_targets(site, url, args.quick), args, deadline)
        record_site(site_lh)
        offsite = sorted({u for r in site_lh for u in r.get("offsite", [])})
        if not args.no_app:
            log("3. Lighthouse on the Streamlit app")
            app_lh = app_runs(args, deadline)
            offsite = sorted({*offsite, *(u for r in app_lh for u in r.get("offsite", []))})
        record("requests off 127.0.0.1 in all Lighthouse runs", len(offsite), "", "0", not offsite)
        rows = compare(site_lh, app_lh)
        for r in rows:
            if r["metric"] in RATIOS and r["ratio"] is not None:
                name = f"{r['site']} vs app {r['app']} {r['form_factor']}"
                record(f"site / app {r['label']}: {name}", r["ratio"], "x")
        log("4. load: nginx and python -m http.server")
        load_phase(site, base, args)
    finally:
        if args.keep:
            log(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)

    if rows:
        print("\nSite against the Streamlit app (Lighthouse, same run; ratio = site / app):")
        print(format_compare(rows))
    print_table()
    missed = [f.name for f in FIGURES if f.ok is False]
    print(f"\n{len(missed)} target(s) missed" + (": " + "; ".join(missed) if missed else ""))
    print("\nWhy pages miss a target (Lighthouse's own account):")
    print(format_reasons(site_lh))
    if offsite:
        print("\nRequests off 127.0.0.1:", *offsite[:10], sep="\n  ")
    agent = next((r.get("user_agent") for r in site_lh if r.get("user_agent")), None)
    RESULTS["meta"] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "seconds": round(time.monotonic() - t0, 1),
        "python": sys.version.split()[0],
        "lighthouse": next(
            (r["lighthouse_version"] for r in site_lh if r.get("lighthouse_version")), None
        ),
        "chromium": agent,
        "chromium_flags": CHROMIUM_ARGS,
        "cpus": len(os.sched_getaffinity(0)),
        "load": f"{CHART_PAGE}, {args.connections} connections in {args.load_procs} "
        f"process(es), {args.load_seconds:g} s each; keep-alive where the server allows it "
        "(http.server answers HTTP/1.0 and closes)",
        "notes": "desktop = --preset=desktop, mobile = Lighthouse's default (simulated Moto G "
        "Power, slow 4G); transfer = total-byte-weight in KiB; scores 0-1",
    }
    RESULTS["lighthouse"] = {"site": site_lh, "app": app_lh, "compare": rows}
    RESULTS["figures"] = [asdict(f) for f in FIGURES]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(RESULTS, indent=1), encoding="utf-8")
    log(f"\nwrote {args.json}; total {RESULTS['meta']['seconds']} s")
    return 0 if any(not r.get("error") for r in site_lh) else 1


if __name__ == "__main__":
    sys.exit(main())
