"""Speed, memory and payload at scale, next to the naive approach and the parser's floor.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--repeats 3] [--quick] [--json OUT]

Every figure is the median of several runs; every comparison (cold against the naive
approach and against the floor) is a ratio of medians taken in the same run, with the runs
interleaved, because these machines are shared and noisy. ``--quick`` keeps the script
working in seconds: one repetition, no browser, no image export, no AppTest at size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

APP = ROOT / "dashboard" / "app.py"
_DIR = "app_pages" if (ROOT / "dashboard" / "app_pages").is_dir() else "pages"
# page: (script, URL path, charts drawn with the default filters)
PAGES = {
    "overview": (f"{_DIR}/overview.py", "", 3),
    "trade": (f"{_DIR}/trade.py", "trade", 2),
    "investment": (f"{_DIR}/investment.py", "investment", 1),
    "map": (f"{_DIR}/map.py", "map", 1),
    "timeline": (f"{_DIR}/timeline.py", "timeline", 2),
    "data": (f"{_DIR}/data_table.py", "data", 0),
    "sources": (f"{_DIR}/sources.py", "sources", 0),
}
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    budget: str = ""
    ok: bool | None = None
    note: str = ""

    def cell(self) -> str:
        if self.unit == "s":
            return f"{self.value:.3f} s" if self.value < 10 else f"{self.value:.1f} s"
        if self.unit == "ms":
            return f"{self.value:.0f} ms"
        if self.unit == "x":
            return f"{self.value:.2f}x"
        if self.unit == "KB":
            return f"{self.value:.0f} KB"
        if self.unit == "MB":
            return f"{self.value:.0f} MB"
        return f"{self.value:g} {self.unit}"


FIGURES: list[Figure] = []


def record(
    name: str, value: float, unit: str, budget: str = "", ok: bool | None = None, note: str = ""
) -> Figure:
    fig = Figure(name, value, unit, budget, ok, note)
    FIGURES.append(fig)
    mark = "" if ok is None else ("  ok" if ok else "  OVER BUDGET")
    print(
        f"  {name}: {fig.cell()}{(' (budget ' + budget + ')') if budget else ''}{mark}"
        f"{('  - ' + note) if note else ''}",
        flush=True,
    )
    return fig


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(xs: list[float]) -> float:
    return statistics.median(xs)


# --- the three ways to load -------------------------------------------------------------------


def floor_load(path: Path) -> None:
    """Only libyaml's C parser and PyYAML's constructor: nothing checked, nothing framed."""
    import yaml

    for f in sorted(path.rglob("*.yaml")):
        yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)


def naive_load(path: Path) -> object:
    """What an analyst would write: yaml.safe_load per file, a pydantic model per record,
    a DataFrame of the observations."""
    import pandas as pd
    import yaml

    from indicators.model import SECTIONS

    rows = []
    for f in sorted(path.rglob("*.yaml")):
        with open(f, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or {}
        for section, items in doc.items():
            model = SECTIONS[section]
            for item in items or []:
                obj = model(**_plain(item))
                if section == "observations":
                    rows.append(obj.model_dump())
    return pd.DataFrame(rows)


def _plain(value: object) -> object:
    """safe_load turns 2024-05-18 into a date; the models want the text as typed."""
    import datetime

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def project_load(path: Path, cache: Path) -> object:
    from indicators import load_dataset

    os.environ["INDICATORS_CACHE_DIR"] = str(cache)
    return load_dataset(path)


def bench_loading(size: int, path: Path, repeats: int, quick: bool) -> None:
    from indicators import load_dataset, validate_dataset

    print(f"\n{size:,} observations in {sum(1 for _ in path.rglob('*.yaml'))} files", flush=True)
    report = validate_dataset(path)
    record(
        f"{size // 1000}k: generated data, errors",
        len(report.errors),
        "errors",
        "0",
        not report.errors,
    )
    cold, floor, naive = [], [], []
    work = Path(tempfile.mkdtemp(prefix="indicators-bench-"))
    run_naive = not (quick and size > 10_000)
    for i in range(repeats):
        floor.append(timed(lambda: floor_load(path)))
        if run_naive:
            naive.append(timed(lambda: naive_load(path)))
        cache = work / f"cold-{i}"
        cold.append(timed(lambda cache=cache: project_load(path, cache)))
    k = f"{size // 1000}k"
    c, f = median(cold), median(floor)
    big = size >= 100_000
    record(f"{k}: load_dataset cold", c, "s")
    record(f"{k}: floor (yaml.load, CSafeLoader only)", f, "s")
    if naive:
        n = median(naive)
        record(f"{k}: naive (safe_load + pydantic per record + DataFrame)", n, "s")
        record(
            f"{k}: naive / cold", n / c, "x", ">= 5x" if big else "", n / c >= 5 if big else None
        )
    record(
        f"{k}: cold / floor", c / f, "x", "<= 1.5x" if big else "", c / f <= 1.5 if big else None
    )
    # Warm: the cache of the last cold run, nothing changed.
    warm_cache = work / f"cold-{repeats - 1}"
    os.environ["INDICATORS_CACHE_DIR"] = str(warm_cache)
    warm = [timed(lambda: load_dataset(path)) for _ in range(max(3, repeats))]
    w = median(warm)
    record(f"{k}: load_dataset warm", w, "s", "< 0.5 s" if big else "", w < 0.5 if big else None)
    record(f"{k}: floor / warm", f / w, "x", ">= 30x" if big else "", f / w >= 30 if big else None)
    # One file changed: a copy of the data, one report edited per run.
    copy = work / "data"
    shutil.copytree(path, copy)
    reports = sorted((copy / "reports").glob("*.yaml"))
    target = reports[len(reports) // 2]
    original = target.read_text(encoding="utf-8")
    load_dataset(copy)  # the copy's own fingerprint (same contents: per-file hits)
    changed = []
    for i in range(max(3, repeats)):
        target.write_text(original + f"# edited {i} {time.time()}\n", encoding="utf-8")
        changed.append(timed(lambda: load_dataset(copy)))
    n_files = sum(1 for _ in copy.rglob("*.yaml"))
    ch = median(changed)
    record(
        f"{k}: load_dataset after 1 of {n_files} files changed",
        ch,
        "s",
        "< 1 s" if big else "",
        ch < 1 if big else None,
    )
    shutil.rmtree(work, ignore_errors=True)


def bench_parsers(path: Path, size: int, repeats: int) -> None:
    """Our strict reader (libyaml nodes) against rapidyaml doing the same work: values by
    our rules with a line:column for every key and value (``benchmarks/parsers.py``)."""
    import parsers

    k = f"{size // 1000}k"
    times = parsers.measure(sorted(path.rglob("*.yaml")), repeats=repeats)
    record(f"{k}: parse, our strict reader on libyaml (CPU)", times["yamlnodes"], "s")
    if "ryml_strict" not in times:
        record(
            f"{k}: parse, rapidyaml with positions (CPU)",
            float("nan"),
            "s",
            note=f"rapidyaml not installed ({parsers.RYML_ERROR})",
        )
        return
    record(f"{k}: parse, rapidyaml with positions (CPU)", times["ryml_strict"], "s")
    record(f"{k}: parse, rapidyaml tree only, no values (CPU)", times["ryml_parse"], "s")
    ratio = times["ryml_strict"] / times["yamlnodes"]
    record(
        f"{k}: rapidyaml with positions / our reader",
        ratio,
        "x",
        note="adopt rapidyaml only below 1x" + (": kept libyaml" if ratio >= 1 else ""),
    )


def bench_memory(path: Path, size: int) -> None:
    code = (
        "import os, resource, sys, tempfile\n"
        "os.environ['INDICATORS_CACHE_DIR'] = tempfile.mkdtemp()\n"
        "from indicators import load_dataset\n"
        "ds = load_dataset(sys.argv[1])\n"
        # VmHWM is this process's own peak. ru_maxrss is not: Linux carries it over
        # from the parent across fork and exec, so it reported the benchmark's own
        # size (the 100k datasets it holds) whenever that was larger.
        "try:\n"
        "    status = open('/proc/self/status').read().split('VmHWM:')[1]\n"
        "    print(int(status.split()[0]))\n"
        "except (OSError, IndexError):\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    mb = int(out.stdout.strip().splitlines()[-1]) / 1024
    big = size >= 100_000
    record(
        f"{size // 1000}k: peak RSS of load_dataset (cold, own process)",
        mb,
        "MB",
        "< 400 MB" if big else "",
        mb < 400 if big else None,
    )


# --- the dashboard --------------------------------------------------------------------------


def _payloads(at: object) -> list[tuple[str, int]]:
    out = []
    for chart in at.get("plotly_chart"):  # type: ignore[attr-defined]
        spec = chart.proto.spec
        kinds = {t.get("type") for t in json.loads(spec).get("data", [])}
        is_map = bool(kinds & {"choropleth", "scattergeo", "choroplethmap", "scattermap"})
        out.append(("map" if is_map else "chart", len(spec.encode("utf-8"))))
    return out


def bench_apptest(label: str, data: Path | None, reruns: int, with_budget: bool) -> None:
    from streamlit.testing.v1 import AppTest

    if data is None:
        os.environ.pop("INDICATORS_DATA", None)
    else:
        os.environ["INDICATORS_DATA"] = str(data)
    empty = Path(tempfile.mkdtemp()) / "empty.py"
    empty.write_text("import streamlit as st\n\nst.title('empty')\n", encoding="utf-8")
    at = AppTest.from_file(str(empty), default_timeout=300).run()
    base = median([timed(at.run) for _ in range(reruns)])
    record(f"{label}: empty page rerun (AppTest overhead)", base * 1000, "ms")
    for name, (page, _, _) in PAGES.items():
        at = AppTest.from_file(str(APP), default_timeout=600)
        # Pages are known by their script only after a first run: switching before it
        # silently ran the Overview instead (the Data page's figure was the Overview's).
        at.run()
        if not page.endswith("/overview.py"):
            at.switch_page(page)
        first = timed(at.run)  # the page itself, with the dataset already loaded
        if at.exception:
            record(f"{label}: {name} page", float("nan"), "ms", note="exception")
            continue
        title = at.title[0].value if at.title else ""
        if name != "overview" and title != name.capitalize():
            raise RuntimeError(f"AppTest ran the page titled {title!r}, not {name}")
        # A page that takes many seconds gets fewer reruns (the median is still clear).
        times = [timed(at.run) for _ in range(reruns if first < 5 else 2)]
        extra = (median(times) - base) * 1000
        record(
            f"{label}: warm rerun of {name} above an empty page",
            extra,
            "ms",
            "< 100 ms" if with_budget else "",
            extra < 100 if with_budget else None,
        )
        sizes = _payloads(at)
        if sizes:
            biggest_map = max((s for k, s in sizes if k == "map"), default=0) / 1024
            total = sum(s for _, s in sizes) / 1024
            record(f"{label}: {name} chart payload", total, "KB", "1 MB per page", total <= 1024)
            if biggest_map:
                record(
                    f"{label}: {name} map figure payload",
                    biggest_map,
                    "KB",
                    "300 KB per map",
                    biggest_map <= 300,
                )


def bench_browser(data: Path | None, repeats: int) -> None:
    if not Path(CHROMIUM).exists():
        print("  (no Chromium at /usr/bin/chromium: browser figures skipped)")
        return

    from playwright.sync_api import sync_playwright

    from tests.browser.server import start_server, stop_server

    if data is None:
        os.environ.pop("INDICATORS_DATA", None)
    proc, url = start_server(data, quiet=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                _drawn(page, url + "/", 3)  # warm the server's caches and the browser
                for name, (_, path, charts) in PAGES.items():
                    times = []
                    for _ in range(repeats):
                        page.goto("about:blank")
                        times.append(_drawn(page, f"{url}/{path}", charts))
                    t = median(times)
                    record(
                        f"browser: {name}, navigation to all {charts} chart(s) drawn",
                        t,
                        "s",
                        "< 2 s",
                        t < 2,
                    )
            finally:
                browser.close()
    finally:
        stop_server(proc)


def _drawn(page: object, url: str, charts: int) -> float:
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")  # type: ignore[attr-defined]
    page.wait_for_selector("[data-testid=stApp]", timeout=60_000)  # type: ignore[attr-defined]
    if charts:
        page.wait_for_function(  # type: ignore[attr-defined]
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
            timeout=60_000,
        )
    else:
        page.wait_for_selector(  # type: ignore[attr-defined]
            "[data-testid=stDataFrame]", timeout=60_000
        )
    return time.perf_counter() - start


def bench_export(repeats: int) -> None:
    from indicators import load_dataset
    from indicators.charts import standard
    from indicators.export import browser
    from indicators.export import images as export

    if browser.chromium_path() is None:
        print("  (no Chromium: export figures skipped)")
        return
    ds = load_dataset(ROOT / "data")
    for chart in standard.standard_charts():
        fig = chart.build(ds)
        browser.stop()
        cold = timed(lambda fig=fig: export.render(fig, "png"))
        warm = median([timed(lambda fig=fig: export.render(fig, "png")) for _ in range(repeats)])
        record(f"export {chart.id}: cold (browser start + PNG)", cold, "s")
        record(f"export {chart.id}: warm PNG", warm, "s", "< 0.5 s", warm < 0.5)
    browser.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks with their budgets.")
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="observation counts, comma-separated"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--files", type=int, default=500, help="YAML files per dataset")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one run each; no browser, image export or AppTest at size",
    )
    parser.add_argument("--json", default="benchmarks/results.json", help="where to write")
    parser.add_argument("--keep", default=None, help="keep the generated data in this folder")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    repeats = 1 if args.quick else max(1, args.repeats)
    # The benchmarks never touch a user's compiled cache.
    os.environ["INDICATORS_CACHE_DIR"] = tempfile.mkdtemp(prefix="indicators-bench-cache-")
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="indicators-data-"))
    started = time.time()
    datasets = {}
    for size in sizes:
        path = base / f"n{size}"
        generate(path, size, args.files)
        datasets[size] = path
        bench_loading(size, path, repeats, args.quick)
    top = max(sizes)
    print("\nparsers", flush=True)
    # The ratio is steady across sizes; the middle size keeps this to seconds.
    middle = sorted(sizes)[len(sizes) // 2]
    bench_parsers(datasets[middle], middle, repeats)
    print("\nmemory", flush=True)
    bench_memory(datasets[top], top)
    print("\ndashboard (AppTest)", flush=True)
    # The dashboard's own cache folder for the pages: filled by the first run of each.
    os.environ["INDICATORS_CACHE_DIR"] = tempfile.mkdtemp(prefix="indicators-bench-app-")
    reruns = 3 if args.quick else 7
    bench_apptest("bundled data", None, reruns, with_budget=False)
    if not args.quick:
        bench_apptest(f"{top // 1000}k", datasets[top], reruns, with_budget=top >= 100_000)
        print("\nbrowser (headless Chromium, bundled data)", flush=True)
        bench_browser(None, repeats)
        print("\nimage export (kaleido, bundled data)", flush=True)
        bench_export(repeats)
    print_table()
    out = {
        "sizes": sizes,
        "repeats": repeats,
        "quick": args.quick,
        "seconds": round(time.time() - started, 1),
        "python": sys.version.split()[0],
        "figures": [asdict(f) for f in FIGURES],
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    print(f"\nwrote {args.json}")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


def print_table() -> None:
    width = max(len(f.name) for f in FIGURES)
    print()
    print(f"| {'figure':<{width}} | {'value':>10} | {'budget':<14} | ok |")
    print(f"|{'-' * (width + 2)}|{'-' * 12}|{'-' * 16}|----|")
    for f in FIGURES:
        ok = "" if f.ok is None else ("yes" if f.ok else "NO")
        print(f"| {f.name:<{width}} | {f.cell():>10} | {f.budget:<14} | {ok:<2} |")
    for f in FIGURES:
        if f.note:
            print(f"\n{f.name}: {f.note}")


if __name__ == "__main__":
    raise SystemExit(main())
