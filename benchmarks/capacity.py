"""How many readers one server holds, measured at the protocol level: simulated sessions that
speak Streamlit's own websocket protocol, no browser.

    python benchmarks/capacity.py [--levels 5,10,25,50,100] [--duration 40] [--url URL]
                                  [--replicas 1,2] [--json OUT] [--quick] [--verify]

Each session connects to ``/_stcore/stream`` and sends ``BackMsg`` protobufs as a reader's
browser does: open a page with query parameters, change the Trade partners and years, move
the Map's year, switch pages; between actions it thinks 2-6 s. Per action it measures the
time until the script finished, the bytes received and errors (an exception element, a
closed socket, a timeout). Sessions ramp level by level; each level runs a bounded time, all
traffic is to localhost. The capacity is the largest level at which p95 <= 1 s with 0 errors.

Without ``--url`` it starts the app itself (one replica), and with ``--replicas 1,2`` it
starts each count behind nginx (``scripts/serve.sh``) in the same run, so the ratio is
measured under the same conditions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["", "trade", "investment", "map", "timeline"]
WIDGETS = ("multiselect", "slider", "select_slider", "selectbox")
P95_BUDGET_S = 1.0


@dataclass
class Action:
    kind: str
    page: str
    seconds: float
    bytes: int
    error: str = ""
    charts: int = 0


@dataclass
class Level:
    sessions: int
    seconds: float
    actions: int
    per_second: float
    p50: float
    p95: float
    p99: float
    errors: int
    rss_mb: float
    cpu_percent: float
    error_kinds: dict[str, int] = field(default_factory=dict)
    action_kinds: dict[str, int] = field(default_factory=dict)
    # Per kind of action: its p95 rerun time, and the median bytes received.
    kind_p95: dict[str, float] = field(default_factory=dict)
    kind_kb: dict[str, float] = field(default_factory=dict)


class Session:
    """One reader: a websocket, the page it is on, and the widgets the server last drew."""

    def __init__(self, url: str, origin: str) -> None:
        self.url, self.origin = url, origin
        self.ws: Any = None
        self.page = ""
        self.page_hash = ""
        self.widgets: dict[str, tuple[str, Any]] = {}  # key -> (id, element proto)
        self.states: dict[str, Any] = {}  # widget id -> WidgetState to send
        self.last_specs: list[dict[str, Any]] = []
        self.last_texts: list[str] = []  # the Markdown of the last run (captions, headings)
        # The page's URL query, as the app rewrites it (the browser sends it back each rerun).
        self.query = ""

    async def connect(self) -> None:
        self.ws = await websockets.connect(
            self.url,
            subprotocols=["streamlit"],
            origin=self.origin,
            max_size=None,
            open_timeout=15,
            ping_interval=None,
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def rerun(
        self, kind: str, page: str, query: str | None = None, timeout: float = 60
    ) -> Action:
        """Run the page's script as the browser asks it to; ``query`` opens a link, None keeps
        the page's current URL."""
        if page != self.page:
            self.page, self.page_hash, self.states = page, "", {}
        if query is not None:
            self.query = query
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = page
        cs.page_script_hash = self.page_hash
        for state in self.states.values():
            cs.widget_states.widgets.append(state)
        started = time.perf_counter()
        received, error, charts = 0, "", 0
        specs: list[dict[str, Any]] = []
        texts: list[str] = []
        widgets: dict[str, tuple[str, Any]] = {}
        try:
            await self.ws.send(msg.SerializeToString())
            while True:
                left = timeout - (time.perf_counter() - started)
                frame = await asyncio.wait_for(self.ws.recv(), timeout=max(left, 0.001))
                received += len(frame)
                fwd = ForwardMsg()
                fwd.ParseFromString(frame)
                which = fwd.WhichOneof("type")
                if which == "page_info_changed":
                    self.query = fwd.page_info_changed.query_string
                elif which == "navigation":
                    # The page the router ran (new_session names the main script's hash).
                    self.page_hash = fwd.navigation.page_script_hash or self.page_hash
                elif which == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                    el = fwd.delta.new_element
                    etype = el.WhichOneof("type")
                    if etype == "exception":
                        error = error or f"exception: {el.exception.message[:80]}"
                    elif etype == "markdown":
                        texts.append(el.markdown.body)
                    elif etype == "plotly_chart":
                        charts += 1
                        specs.append(json.loads(el.plotly_chart.spec or "{}"))
                    elif etype in WIDGETS:
                        w = getattr(el, etype)
                        widgets[_user_key(w.id) or w.id] = (etype, w)
                elif which == "page_not_found":
                    error = error or "page not found"
                elif which == "script_finished":
                    if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue
                    break
        except TimeoutError:
            error = "timeout"
        except websockets.ConnectionClosed as exc:
            error = f"closed ({exc.code})"
        self.widgets = widgets or self.widgets
        self.last_specs = specs
        self.last_texts = texts
        return Action(kind, page, time.perf_counter() - started, received, error, charts)

    def set_widget(self, key: str, values: list[str] | list[float]) -> bool:
        """Give a drawn widget new values, as the browser sends them (formatted options for
        pickers, numbers for sliders)."""
        found = self.widgets.get(key)
        if found is None:
            return False
        etype, w = found
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=w.id)
        if etype == "slider":
            state.double_array_value.data.extend(float(v) for v in values)
        elif etype == "selectbox":
            state.string_value = str(values[0])
        else:
            state.string_array_value.data.extend(str(v) for v in values)
        self.states[w.id] = state
        return True


def _user_key(widget_id: str) -> str:
    """A keyed widget's id ends with its key (``$$ID-<hash>-<key>``)."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and widget_id.startswith("$$ID") else ""


async def reader(
    url: str,
    origin: str,
    stop_at: float,
    rng: random.Random,
    think: tuple[float, float],
    out: list[Action],
    max_actions: int,
) -> None:
    """One simulated reader until the level's time is up."""
    s = Session(url, origin)
    try:
        await s.connect()
    except Exception as exc:
        out.append(Action("connect", "", 0.0, 0, f"connect: {type(exc).__name__}"))
        return
    try:
        page = rng.choice(PAGES)
        out.append(await s.rerun("open", page, _query(page, rng)))
        done = 1
        while time.monotonic() < stop_at and done < max_actions:
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= stop_at:
                break
            kind, page, query = _next_action(s, rng)
            out.append(await s.rerun(kind, page, query))
            done += 1
    finally:
        await s.close()


def _query(page: str, rng: random.Random) -> str:
    if page == "trade":
        start = rng.choice([2012, 2015, 2018])
        return f"partners=KAZ,UZB&from={start}&to=2025"
    if page == "map":
        return f"year={rng.choice([2022, 2023, 2024])}"
    return ""


def _next_action(s: Session, rng: random.Random) -> tuple[str, str, str | None]:
    """What a reader does next: mostly filters on the page, sometimes another page."""
    roll = rng.random()
    if s.page == "trade" and roll < 0.6:
        names = ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"]
        if roll < 0.3 and s.set_widget("trade-partners", rng.sample(names, rng.randint(1, 4))):
            return "partners", s.page, None
        lo = rng.randint(2012, 2020)
        if s.set_widget("trade-years", [lo, rng.randint(lo + 1, 2025)]):
            return "years", s.page, None
    if s.page == "map" and roll < 0.6 and s.set_widget("map-year", [str(rng.randint(2015, 2025))]):
        return "map year", s.page, None
    page = rng.choice([p for p in PAGES if p != s.page])
    return "page", page, _query(page, rng)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def _proc_stats(pids: list[int]) -> tuple[float, float]:
    """Resident memory (MB) and CPU seconds of the server processes, from /proc."""
    rss, cpu = 0.0, 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rss += int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1])
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, StopIteration, IndexError, ValueError):
            continue
    return rss / 1024, cpu


async def run_level(
    url: str,
    origin: str,
    sessions: int,
    duration: float,
    think: tuple[float, float],
    pids: list[int],
    seed: int,
    max_actions: int,
) -> tuple[Level, list[Action]]:
    out: list[Action] = []
    _, cpu0 = _proc_stats(pids)
    started = time.monotonic()
    stop_at = started + duration
    tasks = []
    # Arrivals spread over the first think time: readers do not all click at once.
    for i in range(sessions):
        rng = random.Random(seed * 1000 + i)
        tasks.append(reader(url, origin, stop_at, rng, think, out, max_actions))
    await asyncio.gather(
        *(_delayed(t, i * think[0] / max(sessions, 1)) for i, t in enumerate(tasks))
    )
    elapsed = time.monotonic() - started
    rss, cpu1 = _proc_stats(pids)
    times = [a.seconds for a in out if not a.error]
    errors = [a for a in out if a.error]
    kinds: dict[str, int] = {}
    for a in errors:
        kinds[a.error.split(":")[0]] = kinds.get(a.error.split(":")[0], 0) + 1
    level = Level(
        sessions=sessions,
        seconds=round(elapsed, 1),
        actions=len(out),
        per_second=round(len(times) / elapsed, 2),
        p50=round(_percentile(times, 50), 3),
        p95=round(_percentile(times, 95), 3),
        p99=round(_percentile(times, 99), 3),
        errors=len(errors),
        rss_mb=round(rss, 1),
        cpu_percent=round(100 * (cpu1 - cpu0) / elapsed, 1),
        error_kinds=kinds,
        action_kinds={k: sum(1 for a in out if a.kind == k) for k in sorted({a.kind for a in out})},
        kind_p95={
            k: round(_percentile([a.seconds for a in out if a.kind == k and not a.error], 95), 3)
            for k in sorted({a.kind for a in out})
        },
        kind_kb={
            k: round(_percentile([a.bytes / 1024 for a in out if a.kind == k], 50), 1)
            for k in sorted({a.kind for a in out})
        },
    )
    return level, out


async def _delayed(coro: Any, delay: float) -> None:
    await asyncio.sleep(delay)
    await coro


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the app at {base} did not become healthy in {timeout:.0f} s")


def start_app(port: int, root: Path = ROOT) -> subprocess.Popen[bytes]:
    """One `streamlit run`, as scripts/dashboard.sh starts it; ``root``: another checkout of
    the code (the ``--baseline`` commit), run with this one's virtualenv and its bundled data,
    so that only the code differs."""
    env = {**os.environ, "PYTHONPATH": str(root), "INDICATORS_DATA": str(ROOT / "data")}
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "streamlit"),
            "run",
            str(root / "dashboard" / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _wait_healthy(f"http://127.0.0.1:{port}")
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    """The process and its descendants (the server of each replica under serve.sh)."""
    out = [pid]
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for k in kids:
        out += _children(int(k))
    return out


def streamlit_pids(root_pid: int) -> list[int]:
    pids = []
    for pid in _children(root_pid):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"streamlit" in cmd:
            pids.append(pid)
    return pids


def baseline_process(rev: str) -> tuple[str, list[int], subprocess.Popen[bytes]]:
    """The app as it was at ``rev`` (``git archive`` into a temporary folder), one process."""
    import tempfile

    where = Path(tempfile.mkdtemp(prefix="capacity-baseline-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    port = _free_port()
    proc = start_app(port, where)
    return f"http://127.0.0.1:{port}", streamlit_pids(proc.pid), proc


def start_replicas(n: int, port: int) -> subprocess.Popen[bytes]:
    """`scripts/serve.sh --replicas N`: N apps behind nginx on ``port``."""
    import tempfile

    rundir = tempfile.mkdtemp(prefix="capacity-serve-")
    command = ["bash", str(ROOT / "scripts" / "serve.sh"), "--replicas", str(n)]
    command += ["--port", str(port), "--listen", "127.0.0.1", "--rundir", rundir]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _wait_healthy(f"http://127.0.0.1:{port}", timeout=120)
    # Every replica warm: each builds its own cached dataset on its first session.
    return proc


async def warm(url: str, origin: str, rounds: int) -> None:
    for _ in range(rounds):
        s = Session(url, origin)
        await s.connect()
        for page in PAGES:
            await s.rerun("warm", page, "")
        await s.close()


def capacity(levels: list[Level]) -> int:
    ok = [lv.sessions for lv in levels if lv.p95 <= P95_BUDGET_S and lv.errors == 0]
    return max(ok) if ok else 0


def print_levels(title: str, levels: list[Level]) -> None:
    print(f"\n{title}")
    print("| sessions | actions/s | p50 s | p95 s | p99 s | errors | RSS MB | CPU % |")
    print("|---------:|----------:|------:|------:|------:|-------:|-------:|------:|")
    for lv in levels:
        print(
            f"| {lv.sessions:>8} | {lv.per_second:>9} | {lv.p50:>5} | {lv.p95:>5} | "
            f"{lv.p99:>5} | {lv.errors:>6} | {lv.rss_mb:>6} | {lv.cpu_percent:>5} |"
        )
    print(f"capacity (p95 <= {P95_BUDGET_S:g} s, 0 errors): {capacity(levels)} sessions")


async def idle_memory(url: str, origin: str, pids: list[int], n: int = 40) -> float:
    """Server memory per added session, sessions alone: ``n`` more readers connect and open
    the Overview and the Trade page as a link gives them (views the cache already holds), and
    stay connected while the server's RSS is read. Unlike the span across levels, this holds
    no cache growth from new filter combinations."""
    sessions = [Session(url, origin) for _ in range(n)]
    before, _ = _proc_stats(pids)
    for s in sessions:
        await s.connect()
        await s.rerun("open", "", "")
        await s.rerun("page", "trade", _query("trade", random.Random(0)))
    await asyncio.sleep(1)
    after, _ = _proc_stats(pids)
    for s in sessions:
        await s.close()
    return round((after - before) / n, 3)


def memory_per_session(levels: list[Level]) -> float | None:
    """Extra server memory per added session, between the lowest and the highest level."""
    if len(levels) < 2 or levels[-1].sessions == levels[0].sessions:
        return None
    a, b = levels[0], levels[-1]
    return round((b.rss_mb - a.rss_mb) / (b.sessions - a.sessions), 3)


async def measure(
    url: str,
    origin: str,
    pids: list[int],
    args: argparse.Namespace,
) -> list[Level]:
    await warm(url, origin, 6)  # through nginx, enough sessions to reach every replica
    levels = []
    for i, n in enumerate(args.levels):
        level, _ = await run_level(
            url, origin, n, args.duration, args.think, pids, args.seed + i, args.max_actions
        )
        levels.append(level)
        print(
            f"  {n} sessions: {level.per_second} actions/s, p95 {level.p95} s, "
            f"{level.errors} errors; actions {level.action_kinds}; p95 by kind "
            f"{level.kind_p95}; median KB by kind {level.kind_kb}",
            flush=True,
        )
        # Past capacity by far: more sessions only queue longer.
        if level.p95 > 5 * P95_BUDGET_S and level.errors:
            break
    return levels


async def verify_against_browser(base: str) -> dict[str, Any]:
    """The protocol client sees what a browser sees: the same page, filters and chart JSON
    (trace names and data of the Trade chart), compared with Chromium through Playwright."""
    from playwright.async_api import async_playwright

    origin = base
    ws_url = base.replace("http", "ws", 1) + "/_stcore/stream"
    s = Session(ws_url, origin)
    await s.connect()
    action = await s.rerun("verify", "trade", "partners=KAZ,UZB&from=2015&to=2024")
    await s.close()
    proto = [
        {"name": t.get("name"), "x": t.get("x"), "y": t.get("y")}
        for t in (s.last_specs[0].get("data", []) if s.last_specs else [])
    ]
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=args
        )
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await page.goto(f"{base}/trade?partners=KAZ,UZB&from=2015&to=2024")
        await page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        seen = await page.evaluate(
            """() => Array.from(document.querySelectorAll('.js-plotly-plot'))[0].data
                 .map(t => ({name: t.name ?? null,
                             x: t.x ? Array.from(t.x) : null,
                             y: t.y ? Array.from(t.y) : null}))"""
        )
        await browser.close()

    def values(v: Any) -> list[Any] | None:
        # The browser holds numbers as typed arrays; JSON writes 41.0 where JS has 41.
        return [float(x) if isinstance(x, (int, float)) else x for x in v] if v else None

    def norm(traces: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(t["name"], values(t["x"]), values(t["y"])) for t in traces]

    same = norm(proto) == norm(seen)
    return {
        "same_chart": same,
        "protocol_traces": len(proto),
        "browser_traces": len(seen),
        "error": action.error,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Protocol-level capacity of the live app.")
    parser.add_argument("--levels", default="5,10,25,50,100", help="sessions per level")
    parser.add_argument("--duration", type=float, default=40, help="seconds per level")
    parser.add_argument("--think", default="2,6", help="think time range, seconds")
    parser.add_argument("--max-actions", type=int, default=100, help="per session and level")
    parser.add_argument("--url", help="an app already running (http://127.0.0.1:PORT)")
    parser.add_argument("--pids", default="", help="its server pids, for RSS and CPU")
    parser.add_argument("--replicas", default="", help="e.g. 1,2: behind nginx, in one run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verify", action="store_true", help="compare with a Chromium session")
    parser.add_argument(
        "--baseline", default="", help="a git revision measured first, as one process (before)"
    )
    parser.add_argument("--quick", action="store_true", help="levels 2,4 for 8 s: a smoke test")
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "capacity-results.json"))
    args = parser.parse_args(argv)
    if args.quick:
        args.levels, args.duration = "2,4", 8.0
    args.levels = [int(x) for x in args.levels.split(",") if x]
    args.think = tuple(float(x) for x in args.think.split(","))
    results: dict[str, Any] = {"levels": args.levels, "duration_s": args.duration}

    # Each run is started, measured and stopped before the next: they never share the CPUs.
    plans: list[tuple[str, Any]] = []
    if args.url:
        given = [int(p) for p in args.pids.split(",") if p]
        plans.append(("given", lambda: (args.url.rstrip("/"), given, None)))
    elif not args.replicas:

        def one_process() -> tuple[str, list[int], subprocess.Popen[bytes]]:
            port = _free_port()
            proc = start_app(port)
            return f"http://127.0.0.1:{port}", streamlit_pids(proc.pid), proc

        if args.baseline:
            plans.append((f"1 process, {args.baseline}", lambda: baseline_process(args.baseline)))
        plans.append(("1 process", one_process))
    for n in [int(x) for x in args.replicas.split(",") if x]:

        def behind_nginx(n: int = n) -> tuple[str, list[int], subprocess.Popen[bytes]]:
            port = _free_port()
            proc = start_replicas(n, port)
            return f"http://127.0.0.1:{port}", streamlit_pids(proc.pid), proc

        plans.append((f"{n} replica(s) behind nginx", behind_nginx))
    all_levels: dict[str, list[Level]] = {}
    for label, start in plans:
        base, pids, proc = start()
        try:
            ws_url = base.replace("http", "ws", 1) + "/_stcore/stream"
            print(f"\n{label}: {base} (server pids {pids or 'unknown'})", flush=True)
            levels = asyncio.run(measure(ws_url, base, pids, args))
            all_levels[label] = levels
            print_levels(label, levels)
            per = memory_per_session(levels)
            if per is not None:
                print(f"server RSS growth per session across the levels: {per} MB")
            idle = asyncio.run(idle_memory(ws_url, base, pids)) if pids else None
            if idle is not None:
                print(f"server memory per added session (40 more, connected): {idle} MB")
            if args.verify:
                check = asyncio.run(verify_against_browser(base))
                print(f"protocol vs Chromium, Trade chart: {check}")
                results.setdefault("verify", {})[label] = check
            results[label] = {
                "levels": [asdict(lv) for lv in levels],
                "capacity": capacity(levels),
                "rss_growth_per_session_mb": per,
                "memory_per_session_mb": idle,
            }
        finally:
            if proc is not None:
                stop(proc)
    caps = {k: capacity(v) for k, v in all_levels.items()}
    print("\n| run | capacity (sessions) |")
    print("|---|---:|")
    for k, v in caps.items():
        print(f"| {k} | {v} |")
    if args.baseline and caps.get(f"1 process, {args.baseline}") and caps.get("1 process"):
        gain = caps["1 process"] / caps[f"1 process, {args.baseline}"]
        print(f"this code / {args.baseline}, capacity of one process: {gain:.2f}x")
        results["ratio_to_baseline"] = round(gain, 2)
    one = caps.get("1 replica(s) behind nginx")
    two = caps.get("2 replica(s) behind nginx")
    if one and two:
        print(f"two replicas / one, capacity: {two / one:.2f}x")
        results["ratio_2_to_1"] = round(two / one, 2)
    peaks = {k: max((lv.per_second for lv in v), default=0.0) for k, v in all_levels.items()}
    p1, p2 = peaks.get("1 replica(s) behind nginx"), peaks.get("2 replica(s) behind nginx")
    if p1 and p2:
        # The capacity moves in the levels' steps; the most actions served is a finer ratio.
        print(f"two replicas / one, most actions served per second: {p2 / p1:.2f}x")
        results["throughput_ratio_2_to_1"] = round(p2 / p1, 2)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    errors = sum(
        lv["errors"]
        for r in results.values()
        if isinstance(r, dict) and "levels" in r
        for lv in r["levels"]
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
