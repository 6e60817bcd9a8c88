"""Load: concurrent browser sessions against one `streamlit run` server, on localhost only.

Starts the dashboard on a free 127.0.0.1 port, opens ``--sessions`` Playwright contexts in
one Debian Chromium, and for ``--duration`` seconds has each switch pages (the top bar's
links) and move filters (the year slider of the trade and map pages). Each action's redraw
time is from the click or key press until the app is idle with its charts drawn again.

    .venv/bin/python benchmarks/load.py                      # 25 sessions for 60 s
    .venv/bin/python benchmarks/load.py --sessions 3 --duration 10

Prints a JSON summary: actions, errors (must be 0), median and 95th-percentile redraw time,
the server's resident memory at the start and the end. Exits 1 on any error. Bounded: at
most 50 sessions and 600 s; no request leaves localhost (counted as an error if tried).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.server import start_server as _start  # noqa: E402
from tests.browser.server import stop_server  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PAGES = [
    ("Overview", "", 3),
    ("Trade", "trade", 2),
    ("Investment", "investment", 1),
    ("Map", "map", 1),
    ("Timeline", "timeline", 2),
    ("Data", "data", 0),
    ("Sources", "sources", 0),
]
MAX_SESSIONS = 50
MAX_SECONDS = 600
IDLE = (
    "() => !document.querySelector('[data-testid=stStatusWidget]')"
    " || document.querySelector('[data-testid=stStatusWidget]').innerText === ''"
)


def start_server(data: str | None) -> tuple[subprocess.Popen[bytes], str]:
    try:
        return _start(data, quiet=True)
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


class Stats:
    def __init__(self) -> None:
        self.redraws: list[float] = []
        self.errors: list[str] = []
        self.actions = 0
        self.first_loads: list[float] = []
        self.outside: list[str] = []


async def _settle(page, charts: int, timeout: float) -> None:
    try:  # a rerun shows the status widget; a fast one may be over before we look
        await page.wait_for_selector("[data-testid=stStatusWidget]", timeout=400)
    except Exception:
        pass
    await page.wait_for_function(IDLE, timeout=timeout)
    if charts:
        await page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
            timeout=timeout,
        )


async def _check(page, where: str, stats: Stats) -> None:
    if await page.locator("[data-testid=stException]").count():
        stats.errors.append(f"{where}: exception shown")


class Window:
    """The measured window opens when every session has its first page: all of them are
    then active together for the whole duration."""

    def __init__(self, sessions: int, duration: float) -> None:
        self.waiting = sessions
        self.duration = duration
        self.open = asyncio.Event()
        self.until = 0.0
        self.started = 0.0

    def ready(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.started = time.monotonic()
            self.until = self.started + self.duration
            self.open.set()


async def session(
    browser,
    url: str,
    n: int,
    window: Window,
    stats: Stats,
    timeout: float,
    think: tuple[float, float] = (2.0, 6.0),
) -> None:
    rng = random.Random(n)
    await asyncio.sleep(n * 1.0)  # arrivals spread out, as people arrive
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()

    def on_request(req) -> None:
        host = urlparse(req.url).hostname
        if urlparse(req.url).scheme in ("http", "https", "ws", "wss") and host not in (
            "127.0.0.1",
            "localhost",
        ):
            stats.outside.append(req.url)

    page.on("request", on_request)
    page.on("pageerror", lambda e: stats.errors.append(f"session {n}: page error {e}"))
    page.set_default_timeout(timeout)
    page.set_default_navigation_timeout(timeout)
    current = PAGES[n % len(PAGES)]
    try:
        try:
            t0 = time.perf_counter()
            await page.goto(f"{url}/{current[1]}", wait_until="domcontentloaded")
            await page.wait_for_selector("[data-testid=stApp]", timeout=timeout)
            await _settle(page, current[2], timeout)
            stats.first_loads.append(time.perf_counter() - t0)
        except Exception as exc:  # counted; the session still takes part
            stats.errors.append(
                f"session {n} first load: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
            )
        finally:
            window.ready()
        await window.open.wait()
        while time.monotonic() < window.until:
            move = rng.random() < 0.4 and current[1] in ("trade", "map")
            t0 = time.perf_counter()
            try:
                if move:
                    slider = page.get_by_role("slider").first
                    await slider.press(rng.choice(["ArrowLeft", "ArrowRight"]))
                    await _settle(page, current[2], timeout)
                else:
                    current = rng.choice([p for p in PAGES if p != current])
                    link = (
                        page.locator("[data-testid=stTopNavLink]").filter(has_text=current[0]).first
                    )
                    await link.click()
                    await page.wait_for_url(f"**/{current[1]}*", timeout=timeout)
                    await _settle(page, current[2], timeout)
                stats.redraws.append(time.perf_counter() - t0)
                stats.actions += 1
                await _check(page, f"session {n} {current[0]}", stats)
            except Exception as exc:  # a timeout or a broken page: an error, then go on
                stats.errors.append(
                    f"session {n} {current[0]}: {type(exc).__name__}: "
                    f"{str(exc).splitlines()[0][:160]}"
                )
                try:
                    await page.goto(f"{url}/{current[1]}", wait_until="domcontentloaded")
                except Exception as again:
                    stats.errors.append(f"session {n} reload: {type(again).__name__}")
            await asyncio.sleep(rng.uniform(*think))  # a reader looks at the chart
    finally:
        await context.close()


async def run(
    sessions: int,
    duration: float,
    data: str | None,
    timeout: float,
    think: tuple[float, float] = (2.0, 6.0),
) -> dict:
    from playwright.async_api import async_playwright

    proc, url = start_server(data)
    samples: list[float] = []
    try:
        # Warm the server's caches with one visit, so "start" is a serving server.
        with urllib.request.urlopen(url + "/", timeout=10) as r:
            r.read()
        stats = Stats()
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            rss_start = rss_mb(proc.pid)
            window = Window(sessions, duration)

            cpu: list[float] = []

            async def sample() -> None:
                await window.open.wait()
                cpu.append(cpu_seconds(proc.pid))
                while time.monotonic() < window.until:
                    samples.append(rss_mb(proc.pid))
                    await asyncio.sleep(1)

            sampler = asyncio.create_task(sample())
            await asyncio.gather(
                *(
                    session(browser, url, i, window, stats, timeout * 1000, think)
                    for i in range(sessions)
                )
            )
            sampler.cancel()
            rss_end = rss_mb(proc.pid)
            server_cpu = cpu_seconds(proc.pid) - (cpu[0] if cpu else 0.0)
            elapsed = time.monotonic() - window.started if window.started else 0.0
            await browser.close()
        alive = proc.poll() is None
        with urllib.request.urlopen(url + "/_stcore/health", timeout=5) as r:
            healthy = r.read() == b"ok"
    finally:
        stop_server(proc)
    times = sorted(stats.redraws)

    def pct(q: float) -> float:
        return round(times[min(len(times) - 1, int(len(times) * q))], 3) if times else 0.0

    errors = stats.errors + [f"outside request: {u}" for u in stats.outside[:20]]
    if not alive or not healthy:
        errors.append("the server stopped answering")
    return {
        "sessions": sessions,
        "seconds": round(elapsed, 1),
        "actions": stats.actions,
        "errors": len(errors),
        "first_errors": errors[:10],
        "redraw_median_s": pct(0.5),
        "redraw_p95_s": pct(0.95),
        "redraw_max_s": round(times[-1], 3) if times else 0.0,
        "first_load_median_s": round(sorted(stats.first_loads)[len(stats.first_loads) // 2], 3)
        if stats.first_loads
        else 0.0,
        "server_rss_start_mb": round(rss_start, 1),
        "server_rss_end_mb": round(rss_end, 1),
        "server_rss_peak_mb": round(max(samples or [rss_end]), 1),
        "server_cpu_share": round(server_cpu / elapsed, 2) if elapsed else 0.0,
        "think_s": list(think),
        "timeout_s": timeout,
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=25)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--data", help="data folder (default: the bundled data)")
    parser.add_argument(
        "--think",
        default="2,6",
        metavar="MIN,MAX",
        help="seconds a reader pauses between actions (default 2,6)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        help="seconds one redraw may take before it counts as an error",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the summary here")
    args = parser.parse_args(argv)
    sessions = min(max(args.sessions, 1), MAX_SESSIONS)
    duration = min(max(args.duration, 1.0), MAX_SECONDS)
    lo, hi = (float(x) for x in args.think.split(","))
    result = asyncio.run(run(sessions, duration, args.data, args.timeout, (lo, max(lo, hi))))
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
