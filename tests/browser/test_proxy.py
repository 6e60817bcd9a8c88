"""The app as a team gets it: `scripts/serve.sh --replicas 2` (nginx in front of two
`streamlit run` replicas), every page in headless Chromium through the proxy, under the
proxy's Content-Security-Policy; its headers, gzip and caching; a foreign site framing it;
sticky sessions; and a stop that leaves nothing behind.

Pages are waited for by polling with `page.evaluate`, not the helpers' `wait_for_function`:
Playwright evaluates that predicate from a string inside the page, which the CSP (rightly,
no 'unsafe-eval') refuses.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard import loading

from .helpers import watch
from .server import ROOT
from .test_pages import PAGES

pytestmark = pytest.mark.browser

SERVE = ROOT / "scripts" / "serve.sh"
REPLICAS = 2
# Collects the CSP violations of the page and its frames; an init script is not subject to
# the page's CSP.
CSP_LISTENER = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', e =>"
    " window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"
)
# On a deep link (/trade) Streamlit first looks for its server under the page's path, then at
# the root: these two 404s happen without the proxy too, and are the only errors allowed.
BASE_PATH_PROBE = re.compile(r"^http://127\.0\.0\.1:\d+/[a-z]+/_stcore/(health|host-config)$")


def nginx_path() -> str | None:
    found = shutil.which("nginx")
    return found or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_ports(n: int) -> int:
    """A port P with P … P+n-1 all free on 127.0.0.1."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        if base + n < 65535 and all(bindable(base + i) for i in range(n)):
            return base
    raise RuntimeError("no run of free ports")


def bindable(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx and uvicorn do
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def refused(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) != 0


def alive(pid: int) -> bool:
    """Running, not a zombie: an orphan's zombie holds no port and no memory, and only init
    may reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """One request on its own connection: the status, the headers (any case), the body."""
    host, _, rest = url.removeprefix("http://").partition("/")
    conn = http.client.HTTPConnection(host, timeout=20)
    try:
        conn.request("GET", "/" + rest, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


@dataclass
class Proxy:
    """A foreground `serve.sh` (as in the container) and where it keeps its state."""

    proc: subprocess.Popen[bytes]
    port: int
    rundir: Path
    log: Path
    replica_ports: list[int]
    stopped: subprocess.CompletedProcess[str] | None = None
    pids: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def upstream_of(self, request_id: str) -> str:
        """The replica nginx sent a request to, from its access log (written as the request
        ends, so possibly a moment after the response arrived)."""
        pattern = re.compile(rf"rid={request_id} .*upstream=(\S+)")
        for _ in range(50):
            log = (self.rundir / "logs" / "access.log").read_text()
            if m := pattern.search(log):
                return m.group(1)
            time.sleep(0.1)
        raise AssertionError(f"request {request_id} not in the access log")

    def our_pids(self) -> list[int]:
        """nginx (master and workers) and each replica, from the pid files."""
        pids = []
        for name in ["nginx.pid.serve", *(f"replica-{i}.pid" for i in range(1, REPLICAS + 1))]:
            f = self.rundir / name
            if f.exists():
                pid = int(f.read_text())
                pids += [pid, *children(pid)]
        return pids

    def stop(self) -> None:
        """The fixture's teardown: `serve.sh stop`, then the foreground script exits."""
        if self.stopped is not None:
            return
        self.pids = self.our_pids()
        self.stopped = subprocess.run(
            ["bash", str(SERVE), "stop", "--rundir", str(self.rundir)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def start_serve(rundir: Path, replicas: int, env: dict[str, str] | None = None) -> Proxy:
    if nginx_path() is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed: apt-get install nginx")
        pytest.skip("nginx is not installed (apt-get install nginx): no proxy to test")
    port = free_ports(replicas + 1)
    rundir.mkdir(parents=True, exist_ok=True)
    log = rundir / "serve.out"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                "bash",
                str(SERVE),
                "--replicas",
                str(replicas),
                "--port",
                str(port),
                "--listen",
                "127.0.0.1",
                "--rundir",
                str(rundir),
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a stray Ctrl-C of the test run goes to pytest alone
            env={**os.environ, **(env or {})},
        )
    proxy = Proxy(proc, port, rundir, log, [port + 1 + i for i in range(replicas)])
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if get(proxy.url + "/healthz")[2] == b"ok":
                return proxy
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    proxy.stop()
    raise RuntimeError(f"serve.sh did not start: {log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    p = start_serve(tmp_path_factory.mktemp("serve"), REPLICAS)
    try:
        yield p
    finally:
        p.stop()


def wait_rendered(page, charts: int, timeout: float = 60) -> None:
    """test_pages.open_page's judgement (the app drawn, the script done, its charts drawn),
    polled from here rather than evaluated from a string in the page (see the docstring)."""
    page.wait_for_selector("[data-testid=stApp]", timeout=timeout * 1000)
    state = "() => { const s = document.querySelector('[data-testid=stStatusWidget]');"
    state += " return [!s || s.innerText === '',"
    state += " document.querySelectorAll('.js-plotly-plot .main-svg').length]; }"
    deadline = time.time() + timeout
    idle, drawn = False, 0
    while time.time() < deadline:
        idle, drawn = page.evaluate(state)
        if idle and drawn >= charts:
            break
        page.wait_for_timeout(300)
    assert idle and drawn >= charts, f"not rendered: idle={idle}, {drawn}/{charts} charts"
    page.wait_for_timeout(800)


@pytest.mark.parametrize(("name", "path", "charts"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_renders_through_the_proxy_under_its_csp(
    browser, proxy: Proxy, name: str, path: str, charts: int
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    seen = watch(page)
    errors: list[str] = []
    failed: list[str] = []

    def on_console(m) -> None:
        if m.type == "error" and not BASE_PATH_PROBE.match(m.location.get("url", "")):
            errors.append(f"{m.text} ({m.location.get('url')})")

    page.on("console", on_console)
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    try:
        page.goto(f"{proxy.url}/{path}", wait_until="domcontentloaded")
        wait_rendered(page, charts)
        assert page.locator("[data-testid=stException]").count() == 0, name
        assert "Traceback" not in page.inner_text("body")
        violations = [v for f in page.frames for v in f.evaluate("() => window.__csp || []")]
        assert violations == [], f"CSP violations on {name}: {violations}"
        assert not any("Content Security Policy" in c for c in seen.console), seen.console
        assert errors == [], errors
        assert [u for u in failed if not BASE_PATH_PROBE.match(u)] == []
        assert seen.outside == [], f"requests left localhost: {seen.outside[:5]}"
        assert seen.page_errors == []
        assert seen.dialogs == []
        route = next(c["value"] for c in context.cookies() if c["name"] == "st_route")
    finally:
        context.close()  # closes the websocket: nginx logs it
    # The page, its assets and its websocket all reached one replica.
    pattern = re.compile(rf'"GET (\S+) [^"]*" \d+ .* route={route} upstream=(\S+)')
    for _ in range(50):
        hits = pattern.findall((proxy.rundir / "logs" / "access.log").read_text())
        if any(p == "/_stcore/stream" for p, _ in hits):
            break
        time.sleep(0.1)
    assert any(p == "/_stcore/stream" for p, _ in hits), "the websocket went elsewhere"
    assert len({u for _, u in hits}) == 1, hits


@pytest.mark.parametrize("path", ["", "map"], ids=["cartesian", "geo"])
def test_a_chart_saves_as_png_under_the_csp(browser, proxy: Proxy, path: str) -> None:
    """Plotly's own "Download plot" button (kept in the app's modebar) draws the PNG through
    data: and blob: URLs: the CSP must let it."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    try:
        page.goto(f"{proxy.url}/{path}", wait_until="domcontentloaded")
        wait_rendered(page, 1)
        chart = page.locator(".js-plotly-plot").first
        chart.hover()
        try:
            with page.expect_download(timeout=30_000) as download:
                chart.locator('.modebar-btn[data-title^="Download"]').first.click()
            png = Path(download.value.path()).read_bytes()
        except PlaywrightTimeout:
            csp = page.evaluate("() => window.__csp")
            raise AssertionError(f"no PNG saved; CSP violations: {csp}") from None
        assert png.startswith(b"\x89PNG") and len(png) > 10_000
        assert page.evaluate("() => window.__csp") == []
    finally:
        context.close()


SECURITY = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "SAMEORIGIN",
}


def check_security_headers(headers: Message) -> None:
    for name, value in SECURITY.items():
        assert headers.get(name) == value, (name, headers.get(name))
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp
    assert "default-src 'self'" in csp
    assert "'unsafe-eval'" not in csp
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src


def test_headers_gzip_and_caching(proxy: Proxy) -> None:
    status, headers, body = get(proxy.url + "/", {"Accept-Encoding": "gzip"})
    assert status == 200
    check_security_headers(headers)
    assert headers.get("content-encoding") == "gzip"
    assert "max-age=31536000" not in headers.get("cache-control", "")  # the page may change
    html = gzip.decompress(body).decode()
    script = re.search(r'src="\./(static/js/index\.[\w-]+\.js)"', html).group(1)

    status, headers, body = get(f"{proxy.url}/{script}", {"Accept-Encoding": "gzip"})
    assert status == 200
    check_security_headers(headers)
    assert headers.get("content-encoding") == "gzip"
    assert "accept-encoding" in headers.get("vary", "").lower()
    cache = headers.get("cache-control", "")
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    assert cache.count("max-age") == 1, cache  # the replica's own header replaced, not doubled
    direct = get(f"http://127.0.0.1:{proxy.replica_ports[0]}/{script}")[2]
    assert gzip.decompress(body) == direct and len(body) < len(direct) / 2

    _, plain, body = get(f"{proxy.url}/{script}")
    assert "content-encoding" not in plain and body == direct

    status, headers, body = get(proxy.url + "/healthz")
    assert (status, body) == (200, b"ok")
    check_security_headers(headers)


def shows_the_app(page) -> bool:
    for frame in page.frames[1:]:
        try:
            if frame.evaluate("() => !!document.querySelector('[data-testid=stApp]')"):
                return True
        except Exception:  # a refused frame holds Chromium's error page, or nothing
            continue
    return False


def test_another_origin_cannot_frame_the_app(browser, proxy: Proxy, tmp_path: Path) -> None:
    # The control: the same page framing a replica directly (no proxy, no header) shows the
    # app, so an empty frame below is the proxy's refusal, not a broken test page.
    site = tmp_path / "site"
    site.mkdir()
    for name, target in [("proxy", proxy.url), ("direct", f"http://127.0.0.1:{proxy.port + 1}")]:
        (site / f"{name}.html").write_text(
            f'<!doctype html><title>{name}</title><iframe src="{target}/" width="900"'
            ' height="600"></iframe>'
        )
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        drawn = {}
        console: list[str] = []
        for name in ("direct", "proxy"):
            page = browser.new_page()
            page.on("console", lambda m: console.append(m.text))
            try:
                page.goto(f"{origin}/{name}.html", wait_until="load")
                deadline = time.time() + (30 if name == "direct" else 6)
                while time.time() < deadline:
                    drawn[name] = shows_the_app(page)
                    if drawn[name]:
                        break
                    page.wait_for_timeout(300)
            finally:
                page.close()
        assert drawn["direct"], "the control frame did not show the app"
        assert not drawn["proxy"], "another origin framed the app through the proxy"
        assert any("frame-ancestors" in c for c in console), console
    finally:
        server.shutdown()
        server.server_close()


def route_cookie(headers: Message) -> str:
    """The proxy's Set-Cookie (the replicas set their own XSRF cookie too), or ""."""
    return next((c for c in headers.get_all("set-cookie", []) if c.startswith("st_route=")), "")


def test_sessions_are_sticky_and_spread_over_the_replicas(proxy: Proxy) -> None:
    replicas = {f"127.0.0.1:{p}" for p in proxy.replica_ports}
    first = {}
    for _ in range(16):  # new clients: no cookie
        _, headers, _ = get(proxy.url + "/_stcore/health")
        cookie = route_cookie(headers).split(";")[0]
        assert re.fullmatch(r"st_route=[0-9a-f]{32}", cookie), cookie
        assert "HttpOnly" in route_cookie(headers)
        first[cookie] = proxy.upstream_of(headers["x-request-id"])
    assert set(first.values()) == replicas, first  # 2 × 2⁻¹⁶ to fail by chance

    for cookie, upstream in list(first.items())[:4]:
        for _ in range(4):
            _, headers, _ = get(proxy.url + "/_stcore/health", {"Cookie": cookie})
            assert route_cookie(headers) == ""  # a valid cookie is kept
            assert proxy.upstream_of(headers["x-request-id"]) == upstream

    # A forged or malformed cookie is replaced, never hashed as is.
    _, headers, _ = get(proxy.url + "/_stcore/health", {"Cookie": "st_route=../../x"})
    assert re.match(r"st_route=[0-9a-f]{32};", route_cookie(headers))


def test_ten_protocol_sessions_and_a_browser_through_two_replicas(browser, proxy: Proxy) -> None:
    """The capacity benchmark's readers (Streamlit's own websocket protocol, no browser)
    and one Chromium reader, at once through the proxy: every action served, no error."""
    import asyncio
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import capacity

    ws = proxy.url.replace("http", "ws", 1) + "/_stcore/stream"
    results: dict[str, object] = {}

    def protocol() -> None:
        level, actions = asyncio.run(
            capacity.run_level(ws, proxy.url, 10, 15, (1.0, 3.0), [], seed=3, max_actions=8)
        )
        results["level"], results["actions"] = level, actions

    worker = threading.Thread(target=protocol)
    worker.start()
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = watch(page)
    page.goto(proxy.url + "/trade?partners=KAZ,UZB&from=2015&to=2024")
    wait_rendered(page, 2)
    page.close()
    worker.join(timeout=120)
    level, actions = results["level"], results["actions"]
    assert level.errors == 0, [a.error for a in actions if a.error]
    assert level.actions >= 10
    assert sum(a.charts for a in actions) > 0, "the readers' pages drew charts"
    assert seen.outside == [] and seen.page_errors == []


def test_a_dead_replica_is_routed_around_and_started_again(proxy: Proxy) -> None:
    """Passive health checks: the browsers of a replica that dies are served by the other
    (nginx retries a refused connection elsewhere), and serve.sh starts it again."""
    dead = proxy.replica_ports[1]
    pidfile = proxy.rundir / "replica-2.pid"
    old = int(pidfile.read_text())
    clients = []
    while len(clients) < 3:  # browsers whose replica is the one that will die
        _, headers, _ = get(proxy.url + "/_stcore/health")
        if proxy.upstream_of(headers["x-request-id"]).endswith(f":{dead}"):
            clients.append(route_cookie(headers).split(";")[0])
    os.killpg(old, signal.SIGKILL)
    for cookie in clients * 3:
        status, _, body = get(proxy.url + "/_stcore/health", {"Cookie": cookie})
        assert (status, body) == (200, b"ok")
    deadline = time.time() + 60
    while time.time() < deadline:
        new = int(pidfile.read_text() or 0)
        if new != old and alive(new):
            try:
                if get(f"http://127.0.0.1:{dead}/_stcore/health")[2] == b"ok":
                    break
            except OSError:
                pass
        time.sleep(0.3)
    else:
        raise AssertionError(f"replica 2 was not started again: {proxy.log.read_text()[-2000:]}")
    assert "replica 2 exited; starting it again" in proxy.log.read_text()


# Runs after every test that uses the module's proxy (pytest keeps the file's order): it
# stops it.
def test_stop_leaves_no_process_and_frees_the_ports(proxy: Proxy) -> None:
    ports = [proxy.port, *proxy.replica_ports]
    assert not any(refused(p) for p in ports)
    assert len(proxy.our_pids()) >= 1 + REPLICAS + 1  # nginx master, a worker, the replicas
    proxy.stop()
    assert proxy.stopped is not None and proxy.stopped.returncode == 0, proxy.stopped
    assert proxy.proc.returncode == 0, proxy.log.read_text()[-2000:]
    assert proxy.pids, "no process was recorded"
    assert [p for p in proxy.pids if alive(p)] == []
    leftovers = [
        pid
        for pid in (int(d.name) for d in Path("/proc").glob("[0-9]*"))
        if alive(pid)
        and (
            str(proxy.rundir) in cmdline(pid)
            or any(f"--server.port {p} " in cmdline(pid) for p in proxy.replica_ports)
        )
    ]
    assert leftovers == [], [cmdline(p) for p in leftovers]
    assert all(refused(p) for p in ports)
    assert bindable(proxy.port)
    assert not list(proxy.rundir.glob("*.pid*"))


def test_sigterm_stops_everything_and_a_second_start_is_a_no_op(tmp_path: Path) -> None:
    """What `docker stop` does to the container's serve.sh."""
    p = start_serve(tmp_path / "serve", 1)
    try:
        again = subprocess.run(
            [
                "bash",
                str(SERVE),
                "--replicas",
                "1",
                "--port",
                str(p.port),
                "--rundir",
                str(p.rundir),
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert again.returncode == 0 and "already serving" in again.stderr
        pids = p.our_pids()
        p.proc.send_signal(signal.SIGTERM)
        assert p.proc.wait(timeout=30) == 143
        assert [pid for pid in pids if alive(pid)] == []
        assert refused(p.port) and refused(p.replica_ports[0])
    finally:
        p.stop()


def test_each_replica_loads_the_data_once_and_sees_a_change(tmp_path: Path) -> None:
    """Every replica builds its own cached dataset once, whatever the number of sessions,
    and each notices a changed data file on its next rerun."""
    import asyncio
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import capacity

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    proxy = start_serve(tmp_path / "serve", 2, env={"INDICATORS_DATA": str(data)})

    def counts() -> list[int]:
        """The footer's datapoint count as two sessions on each replica read it."""

        async def one(port: int) -> int:
            base = f"http://127.0.0.1:{port}"
            s = capacity.Session(base.replace("http", "ws", 1) + "/_stcore/stream", base)
            await s.connect()
            action = await s.rerun("open", "sources", "")
            await s.close()
            assert action.error == "", action.error
            found = [re.search(r"· ([\d,]+) datapoints", t) for t in s.last_texts]
            return int(next(m for m in found if m).group(1).replace(",", ""))

        async def all_() -> list[int]:
            return list(await asyncio.gather(*(one(p) for p in proxy.replica_ports * 2)))

        # In a thread of its own: the browser fixture's sync Playwright holds this one's loop.
        out: list[list[int]] = []
        worker = threading.Thread(target=lambda: out.append(asyncio.run(all_())))
        worker.start()
        worker.join(timeout=120)
        assert out, "the protocol sessions did not finish"
        return out[0]

    def loads(i: int) -> int:
        log = (proxy.rundir / "logs" / f"replica-{i}.log").read_text()
        return log.count(f"indicators: loaded {data}")

    try:
        before = counts()
        assert len(set(before)) == 1, before
        assert [loads(i) for i in (1, 2)] == [1, 1], "each replica loads once for 2 sessions"
        # A made-up datapoint, in this test's copy only.
        target = next((data / "reports").glob("035-*.yaml"))
        text = target.read_text(encoding="utf-8")
        blocks = text.split("\n  - ")
        entry = next(b for b in blocks if 'period: "2013"' in b)
        added = entry.replace('period: "2013"', 'period: "2011"').replace("value: 10", "value: 9")
        assert added != entry
        tail = "\n  - " + added.rstrip("\n") + "\n"
        target.write_text(text.rstrip("\n") + tail, encoding="utf-8")
        # Each replica trusts one walk of the files for RECHECK_S (dashboard/loading.py).
        time.sleep(loading.RECHECK_S)
        after = counts()
        assert after == [before[0] + 1] * len(before), after
        assert [loads(i) for i in (1, 2)] == [2, 2], "each replica reloads once after the change"
    finally:
        proxy.stop()
