"""Soak: many reruns of the dashboard in one process (Streamlit's AppTest), watching memory.

Cycles through every page, moving the shared filters as it goes, and samples the process's
resident memory. After a warm-up (the first ``--warmup`` reruns fill Streamlit's and the
loader's caches), memory may grow by at most ``--bound-mb`` over the remaining reruns.

    .venv/bin/python benchmarks/soak.py                  # 1,000 reruns, bound 64 MB
    .venv/bin/python benchmarks/soak.py --reruns 40      # a quick check

Prints a JSON summary; exits 1 on any exception in the app or memory beyond the bound.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
PAGES = [
    "app_pages/overview.py",
    "app_pages/trade.py",
    "app_pages/investment.py",
    "app_pages/map.py",
    "app_pages/timeline.py",
    "app_pages/data_table.py",
    "app_pages/sources.py",
]
MAX_RERUNS = 20_000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _step(at, i: int) -> None:
    """One rerun: a page switch, or a filter moved on the page shown."""
    page = PAGES[(i // 2) % len(PAGES)]
    if i % 2 == 0:
        at.switch_page(page).run()
        return
    if page.endswith("trade.py"):
        years = at.slider(key="trade-years")
        lo, hi = years.value
        span = (min(years.max, lo + 1), hi) if i % 4 == 1 else (years.min, hi)
        years.set_value(span).run()
    elif page.endswith("map.py"):
        slider = at.select_slider(key="map-year")
        options = list(slider.options)
        slider.set_value(options[i % len(options)]).run()
    else:
        at.run()


def soak(reruns: int = 1000, warmup: int = 50, bound_mb: float = 64.0) -> dict:
    from streamlit.testing.v1 import AppTest

    reruns = min(max(reruns, 1), MAX_RERUNS)
    warmup = min(warmup, max(reruns // 5, 1))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    errors: list[str] = []
    samples: list[tuple[int, float]] = []
    times: list[float] = []
    start_rss = rss_mb()
    base_rss = start_rss
    started = time.monotonic()
    for i in range(reruns):
        t0 = time.perf_counter()
        try:
            _step(at, i)
        except Exception as exc:  # a failure of the harness or the app: counted, not fatal
            errors.append(f"rerun {i}: {type(exc).__name__}: {exc}"[:300])
        times.append(time.perf_counter() - t0)
        if at.exception:
            errors.append(f"rerun {i}: {at.exception[0].value}"[:300])
        if i + 1 == warmup:
            gc.collect()
            base_rss = rss_mb()
        if (i + 1) % 50 == 0 or i + 1 == reruns:
            gc.collect()
            samples.append((i + 1, round(rss_mb(), 1)))
    gc.collect()
    end_rss = rss_mb()
    times.sort()
    growth = end_rss - base_rss
    return {
        "reruns": reruns,
        "seconds": round(time.monotonic() - started, 1),
        "errors": len(errors),
        "first_errors": errors[:5],
        "rerun_median_s": round(times[len(times) // 2], 3),
        "rerun_p95_s": round(times[min(len(times) - 1, int(len(times) * 0.95))], 3),
        "rss_start_mb": round(start_rss, 1),
        "rss_after_warmup_mb": round(base_rss, 1),
        "rss_end_mb": round(end_rss, 1),
        "growth_after_warmup_mb": round(growth, 1),
        "bound_mb": bound_mb,
        "within_bound": growth <= bound_mb,
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reruns", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--bound-mb", type=float, default=64.0)
    parser.add_argument("--json", metavar="FILE", help="also write the summary here")
    args = parser.parse_args(argv)
    result = soak(args.reruns, args.warmup, args.bound_mb)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0 if result["errors"] == 0 and result["within_bound"] else 1


if __name__ == "__main__":
    sys.exit(main())
