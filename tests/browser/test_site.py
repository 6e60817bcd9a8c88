"""The static site (`indicators site`) in headless Chromium: every page served over http with
nothing fetched off the site, the chart's image first and the interactive chart on first reach
(pointer, button, keyboard, touch), the same from disk, an embed in an iframe, the table beside
a chart against its CSV, axe-core and sideways scrolling at three sizes, and full-page
screenshots in /tmp/site-shots/. The site is built once for the module into a tmp folder."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from indicators.site.build import build_site
from tests.paths import DATA

from . import a11y
from .server import free_port, stop_server

pytestmark = pytest.mark.browser

BASE = "https://example.org/indicators"
APP = "https://example.org/app"
SHOTS = Path("/tmp/site-shots")
DESKTOP, TABLET, PHONE = (1400, 900), (768, 1024), (390, 844)
SIZES = (DESKTOP, TABLET, PHONE)
LIVE_TIMEOUT = 30_000
IFRAME_TEST = "iframe-test.html"
EMBEDDED = "trade-timeline"
# What a reader meets first: index, sources, a line chart, the map, an embed.
LOOKED_AT = ("index.html", "sources.html", "trade-timeline.html", "map.html", "embed/map.html")

IFRAME_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>A page that embeds a chart</title></head>
<body><main><h1>A page that embeds a chart</h1>
<p>Some text of the page around the chart.</p>
<iframe src="embed/{chart}.html" title="The embedded chart" width="100%" height="640"
 style="border:0"></iframe>
</main></body>
</html>
"""


@dataclass(frozen=True)
class Site:
    out: Path  # the built site on disk
    url: str  # the same folder served over http
    charts: tuple[str, ...]

    def where(self, rel: str, *, disk: bool = False) -> str:
        return f"{self.out.as_uri()}/{rel}" if disk else f"{self.url}/{rel}"

    def prefix(self, *, disk: bool = False) -> str:
        """What every request of the site's pages starts with."""
        return f"{self.out.as_uri()}/" if disk else f"{self.url}/"


def _serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=folder,
        stdout=subprocess.DEVNULL,  # one log line per request: nobody reads the pipe
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/index.html", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError(f"http.server did not answer on {url}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    out = tmp_path_factory.mktemp("site")
    report = build_site(DATA, out, base_url=BASE, app_url=APP)
    (out / IFRAME_TEST).write_text(IFRAME_PAGE.format(chart=EMBEDDED), encoding="utf-8")
    proc, url = _serve(out)
    try:
        yield Site(out, url, tuple(report.charts))
    finally:
        stop_server(proc)


# --- what a page requests and reports -------------------------------------------------------


@dataclass
class Traffic:
    """Every request of a page (its frames too), those that left the site, and every error:
    console errors, uncaught exceptions, failed requests and HTTP errors."""

    prefix: str
    requests: list[str] = field(default_factory=list)
    off_site: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.requests.clear()
        self.off_site.clear()
        self.errors.clear()

    def on_site(self, url: str) -> bool:
        return url.startswith((self.prefix, "data:", "blob:"))


def traffic(page, prefix: str) -> Traffic:
    t = Traffic(prefix)

    def on_request(req) -> None:
        t.requests.append(req.url)
        if not t.on_site(req.url):
            t.off_site.append(req.url)

    def on_console(msg) -> None:
        if msg.type == "error":
            t.errors.append(f"console error: {msg.text} ({msg.location.get('url', '')})")

    def on_response(resp) -> None:
        if resp.status >= 400:
            t.errors.append(f"HTTP {resp.status}: {resp.url}")

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda e: t.errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: t.errors.append(f"failed: {r.url} ({r.failure})"))
    page.on("response", on_response)
    # Recorded above, then stopped here: the tests never depend on (or reach) the internet.
    page.route(lambda url: not t.on_site(url), lambda route: route.abort())
    return t


def site_pages(site: Site) -> list[str]:
    return sorted(
        p.relative_to(site.out).as_posix()
        for p in site.out.rglob("*.html")
        if p.name != IFRAME_TEST
    )


_IMAGES_JS = """() => [...document.images]
  .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'))"""


def unloaded_images(page) -> list[str]:
    """The images that did not arrive, lazy ones included (they are told to load now)."""
    page.evaluate(
        "() => document.querySelectorAll('img[loading=lazy]').forEach(i => {"
        " i.loading = 'eager'; })"
    )
    try:
        page.wait_for_function(f"({_IMAGES_JS})().length === 0", timeout=10_000)
    except Exception:  # reported below, by name
        pass
    return list(page.evaluate(_IMAGES_JS))


# --- the chart: image first, interactive on first reach -------------------------------------


def assert_static(page, frame=None) -> None:
    """The pre-rendered image is shown, nothing of the interactive chart is loaded."""
    where = frame or page
    img = where.locator("figure.chart img.chart-static")
    assert img.is_visible(), "the chart's image is not shown at first"
    assert img.evaluate("i => i.complete && i.naturalWidth > 0"), "the chart's image did not load"
    assert where.evaluate("() => document.querySelector('figure.chart').dataset.state") is None
    assert where.evaluate("() => typeof window.Plotly") == "undefined", "plotly.js loaded early"
    assert where.locator(".chart-live .main-svg").count() == 0


def wait_live(where) -> None:
    """Until the figure is live; if it failed instead, its status line says why."""
    where.wait_for_function(
        "() => ['live', 'failed'].includes(document.querySelector('figure.chart').dataset.state)",
        timeout=LIVE_TIMEOUT,
    )
    state = where.evaluate("() => document.querySelector('figure.chart').dataset.state")
    status = where.locator("figure.chart .chart-status").inner_text()
    assert state == "live", f"the interactive chart did not load: {status!r}"


def assert_live(where, chart: str) -> None:
    wait_live(where)
    assert where.locator("figure.chart .chart-live .main-svg").count() > 0
    assert where.locator("figure.chart .chart-live").is_visible()
    assert where.locator("figure.chart img.chart-static").is_hidden(), "the image still shows"
    assert where.locator("figure.chart button.chart-activate").is_hidden()
    if chart == "map":
        where.wait_for_function(
            "() => document.querySelectorAll('.chart-live path.choroplethlocation').length > 0",
            timeout=10_000,
        )
        countries = where.locator(".chart-live path.choroplethlocation").count()
        outlines = where.locator(".chart-live .geolayer path").count()
        assert countries > 0 and outlines > 0, f"{countries} countries, {outlines} outlines"


def tab_to_button(page, limit: int = 20) -> int:
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('button.chart-activate')"):
            return n
    raise AssertionError(f"Tab did not reach the chart's button in {limit} presses")


def _hover(page) -> None:
    page.hover("figure.chart img.chart-static")


def _button(page) -> None:
    # The click event alone (as a screen reader's activation sends it): no pointer, no focus
    page.locator("button.chart-activate").dispatch_event("click")


def _keyboard(page) -> None:
    tab_to_button(page)
    page.keyboard.press("Enter")


def _tap(page) -> None:
    page.tap("figure.chart img.chart-static")


ACTIVATE: dict[str, Callable] = {
    "hover": _hover,
    "button": _button,
    "keyboard": _keyboard,
    "tap": _tap,
}
CHARTS = ("trade-timeline", "map")


def open_chart(browser, site: Site, chart: str, *, how: str = "hover", disk: bool = False):
    size = PHONE if how == "tap" else DESKTOP
    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, has_touch=how == "tap")
    seen = traffic(page, site.prefix(disk=disk))
    page.goto(site.where(f"{chart}.html", disk=disk), wait_until="load")
    return page, seen


@pytest.mark.parametrize("how", list(ACTIVATE))
@pytest.mark.parametrize("chart", CHARTS)
def test_the_image_first_then_the_interactive_chart(
    browser, site: Site, chart: str, how: str
) -> None:
    page, seen = open_chart(browser, site, chart, how=how)
    try:
        page.wait_for_timeout(300)  # nothing may start on its own
        assert_static(page)
        assert not [u for u in seen.requests if "/assets/plotly." in u], "plotly.js fetched"
        ACTIVATE[how](page)
        assert_live(page, chart)
        assert any("/assets/plotly." in u for u in seen.requests)
        if chart == "map":
            assert any("/assets/topojson-" in u for u in seen.requests), "outlines not from site"
        if how == "keyboard":
            # The button hides itself: the focus must stay with the chart, not fall to <body>
            assert page.evaluate("() => !!document.activeElement.closest('figure.chart')"), (
                "keyboard focus was lost when the chart went live"
            )
        assert seen.off_site == [], f"requests left the site: {seen.off_site[:5]}"
        assert seen.errors == []
    finally:
        page.close()


@pytest.mark.parametrize("chart", CHARTS)
def test_from_disk_the_image_then_the_interactive_chart(browser, site: Site, chart: str) -> None:
    """Opened as file://: the scripts load from disk (a map's outlines ship as a script, since
    a page from disk may load scripts but not fetch JSON)."""
    page, seen = open_chart(browser, site, chart, disk=True)
    try:
        assert page.url.startswith("file://")
        assert_static(page)
        _hover(page)
        assert_live(page, chart)
        assert seen.requests and all(u.startswith(("file://", "data:")) for u in seen.requests)
        assert seen.off_site == [], f"requests left the site's folder: {seen.off_site[:5]}"
        assert seen.errors == []
    finally:
        page.close()


# --- every page -----------------------------------------------------------------------------


def test_every_page_loads_with_no_error_and_nothing_off_site(browser, site: Site) -> None:
    pages = site_pages(site)
    assert len(pages) == 2 + 2 * len(site.charts), pages  # index, sources, page + embed each
    page = browser.new_page(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    seen = traffic(page, site.prefix())
    problems: dict[str, list[str]] = {}
    try:
        for rel in pages:
            seen.clear()
            response = page.goto(site.where(rel), wait_until="load")
            found = [f"status {response.status}"] if response and response.status != 200 else []
            found += [f"image not loaded: {src}" for src in unloaded_images(page)]
            page.wait_for_timeout(100)
            found += [f"off the site: {u}" for u in seen.off_site]
            found += seen.errors
            if page.locator("figure.chart").count():
                state = page.evaluate("() => document.querySelector('figure.chart').dataset.state")
                if state is not None:
                    found.append(f"the chart started loading on its own ({state})")
            if found:
                problems[rel] = found
    finally:
        page.close()
    assert problems == {}, "\n".join(f"{k}: {v[:4]}" for k, v in problems.items())


# --- an embed in an iframe ------------------------------------------------------------------


@pytest.mark.parametrize("disk", [False, True], ids=["http", "file"])
def test_an_embed_works_inside_an_iframe(browser, site: Site, disk: bool) -> None:
    page = browser.new_page(viewport={"width": 900, "height": 900})
    seen = traffic(page, site.prefix(disk=disk))
    try:
        page.goto(site.where(IFRAME_TEST, disk=disk), wait_until="load")
        frame = page.frame(url=re.compile(rf"/embed/{EMBEDDED}\.html$"))
        assert frame is not None, [f.url for f in page.frames]
        assert frame.parent_frame == page.main_frame
        assert_static(page, frame)
        page.frame_locator("iframe").locator("figure.chart img.chart-static").click()
        assert_live(frame, EMBEDDED)
        box = page.locator("iframe").bounding_box()
        svg = frame.locator(".chart-live .main-svg").first.bounding_box()
        assert box and svg and svg["width"] <= box["width"] + 1, "the chart is wider than the frame"
        assert seen.off_site == [], f"requests left the site: {seen.off_site[:5]}"
        assert seen.errors == []
    finally:
        page.close()


# --- the table against the CSV --------------------------------------------------------------

_TABLE_JS = """() => {
  const t = document.querySelector('.table-wrap table');
  if (!t) return null;
  const heads = [...t.querySelectorAll('thead th')].map(e => e.innerText.trim());
  const rows = [...t.querySelectorAll('tbody tr')]
    .map(r => [...r.querySelectorAll('td')].map(e => e.innerText.trim()));
  return {heads, rows, caption: t.caption ? t.caption.innerText : ''};
}"""
# The table's column (names and labels) and the CSV's (ids) that hold the same value.
SAME = (("Locator", "locator"), ("Link", "source_url"))
YEAR = re.compile(r"\d{4}")


def table_against_csv(page, csv_path: Path) -> list[str]:
    got = page.evaluate(_TABLE_JS)
    with csv_path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if got is None:
        return [] if not rows else [f"no table but {len(rows)} datapoint(s) in the CSV"]
    problems = []
    heads, cells = got["heads"], got["rows"]
    if len(cells) != len(rows):
        problems.append(f"{len(cells)} table row(s), {len(rows)} CSV row(s)")
    shown = re.match(r"\d+", got["caption"])
    if not shown or int(shown.group()) != len(rows):
        problems.append(f"the caption says {got['caption']!r}, the CSV has {len(rows)} row(s)")
    if any(len(r) != len(heads) for r in cells):
        problems.append("a row with more or fewer cells than headers")
        return problems
    for head, key in SAME:
        if head in heads and rows and key in rows[0]:
            i = heads.index(head)
            table = Counter(r[i] for r in cells)
            data = Counter(r[key] for r in rows)
            if table != data:
                problems.append(
                    f"{head} differs: table - csv {table - data}, csv - table {data - table}"
                )
    if "Period" in heads and rows and "period" in rows[0]:
        # A year reads the same in both; other periods are labelled ("H1 2023" for 2023-H1)
        i = heads.index("Period")
        table = Counter(r[i] for r in cells if YEAR.fullmatch(r[i]))
        data = Counter(r["period"] for r in rows if YEAR.fullmatch(r["period"]))
        if table != data:
            problems.append(f"years differ: table {dict(table)}, csv {dict(data)}")
    return problems


def test_each_table_holds_the_datapoints_of_its_csv(browser, site: Site) -> None:
    page = browser.new_page(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    problems: dict[str, list[str]] = {}
    try:
        for chart in site.charts:
            page.goto(site.where(f"{chart}.html"), wait_until="domcontentloaded")
            found = table_against_csv(page, site.out / "downloads" / f"{chart}.csv")
            if found:
                problems[chart] = found
        # The line chart the other tests use holds datapoints: compared, not skipped
        page.goto(site.where("trade-timeline.html"), wait_until="domcontentloaded")
        assert page.locator(".table-wrap tbody tr").count() > 10
        heads = page.locator(".table-wrap thead th").all_inner_texts()
        assert {"Period", "Locator", "Link"} <= set(heads), heads
    finally:
        page.close()
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


# --- accessibility, small screens, screenshots ----------------------------------------------


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def shot_name(rel: str, size: tuple[int, int], suffix: str = "") -> Path:
    return SHOTS / f"{rel.removesuffix('.html').replace('/', '-')}-{size_id(size)}{suffix}.png"


@dataclass
class Visit:
    axe: list[dict]
    layout: a11y.Layout
    live_layout: a11y.Layout | None  # a chart page once its interactive chart is drawn
    live_axe: list[dict] | None


def _sideways(layout: a11y.Layout) -> list[str]:
    found = []
    if layout.scroll_width > layout.inner_width:
        found.append(f"the page scrolls sideways: {layout.scroll_width} > {layout.inner_width}")
    return found + layout.wide


@pytest.fixture(scope="module")
def visit(browser, site: Site) -> Callable[[str, tuple[int, int]], Visit]:
    """One load per page and size: the layout, axe-core and a full-page screenshot of the page
    as it opens, then (a chart page) the same once the interactive chart is drawn."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    done: dict[tuple[str, tuple[int, int]], Visit | Exception] = {}

    def get(rel: str, size: tuple[int, int]) -> Visit:
        key = (rel, size)
        if key not in done:
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            try:
                page.goto(site.where(rel), wait_until="load")
                unloaded_images(page)
                layout = a11y.measure_layout(page)
                page.screenshot(path=str(shot_name(rel, size)), full_page=True)
                axe = a11y.run_axe(page)
                live_layout = live_axe = None
                if page.locator("figure.chart").count():
                    # The button's click: no pointer over the chart, so no hover label shows
                    page.locator("button.chart-activate").dispatch_event("click")
                    wait_live(page)
                    page.wait_for_timeout(300)
                    live_layout = a11y.measure_layout(page)
                    page.screenshot(path=str(shot_name(rel, size, "-live")), full_page=True)
                    live_axe = a11y.run_axe(page)
                done[key] = Visit(axe, layout, live_layout, live_axe)
            except Exception as exc:  # raised again by every test of this page and size
                done[key] = exc
            finally:
                page.close()
        found = done[key]
        if isinstance(found, Exception):
            raise found
        return found

    return get


LOOK = [
    pytest.param(rel, size, id=f"{rel.removesuffix('.html')}-{size_id(size)}")
    for size in SIZES
    for rel in LOOKED_AT
]


@pytest.mark.parametrize(("rel", "size"), LOOK)
def test_axe_finds_no_violations(visit, rel: str, size: tuple[int, int]) -> None:
    got = visit(rel, size)
    assert got.axe == [], f"axe-core on {rel} at {size_id(size)}:\n" + a11y.describe_axe(got.axe)
    if got.live_axe is not None:
        assert got.live_axe == [], (
            f"axe-core on {rel} at {size_id(size)} with the interactive chart:\n"
            + a11y.describe_axe(got.live_axe)
        )


@pytest.mark.parametrize(("rel", "size"), LOOK)
def test_nothing_scrolls_sideways(visit, rel: str, size: tuple[int, int]) -> None:
    """Neither the page nor an element past the right edge (a table scrolls in its own
    .table-wrap), as it opens and with the interactive chart."""
    got = visit(rel, size)
    found = _sideways(got.layout)
    if got.live_layout is not None:
        found += [f"with the interactive chart: {p}" for p in _sideways(got.live_layout)]
    assert found == [], f"{rel} at {size_id(size)}:\n" + "\n".join(found)
    assert shot_name(rel, size).stat().st_size > 0
