"""Hostile text: every string of the data carries a script or markup payload. Every page, in
Chromium: nothing runs (no dialog, no console message, no outside request), links are only
http(s), and long strings do not widen the page. Chart export: payloads only as escaped text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .helpers import open_page, watch
from .hostile import MARKERS, PAYLOADS, hostile_copy
from .server import start_server, stop_server

pytestmark = pytest.mark.browser

PAGES = [
    ("overview", "", 3),
    ("trade", "trade", 2),
    ("investment", "investment", 1),
    ("map", "map", 1),
    ("timeline", "timeline", 2),
    ("data", "data", 0),
    ("sources", "sources", 0),
]
WIDTH = 1280
TOLERANCE = 4


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from indicators import validate_dataset

    root = hostile_copy(tmp_path_factory.mktemp("hostile") / "data")
    report = validate_dataset(root)
    assert report.valid, [p.format() for p in report.errors][:5]
    return root


@pytest.fixture(scope="module")
def hostile_server(hostile_data: Path) -> Iterator[str]:
    proc, url = start_server(hostile_data)
    try:
        yield url
    finally:
        stop_server(proc)


def _links(page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('a, area')].map(a =>"
        " a.href && a.href.baseVal !== undefined ? a.href.baseVal : (a.href || ''))"
    )


def _widths(page) -> dict[str, int]:
    return page.evaluate("""() => {
        const main = document.querySelector('[data-testid=stMain]');
        return {doc: document.scrollingElement.scrollWidth, view: window.innerWidth,
                main: main ? main.scrollWidth : 0, mainClient: main ? main.clientWidth : 0};
    }""")


@pytest.mark.parametrize(("name", "path", "charts"), PAGES, ids=[p[0] for p in PAGES])
def test_no_payload_runs_on_any_page(
    browser, hostile_server: str, output_dir: Path, name: str, path: str, charts: int
) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    page.add_init_script(
        "window.__ran = []; for (const f of ['alert','confirm','prompt'])"
        " window[f] = (m) => { window.__ran.push(String(m)); };"
    )
    seen = watch(page)
    try:
        open_page(page, f"{hostile_server}/{path}", charts=charts)
        if name == "sources":
            _select_first_source(page)
        page.mouse.move(300, 300)  # hover handlers, if any were injected
        page.wait_for_timeout(500)
        body = page.inner_text("body")
        assert page.locator("[data-testid=stException]").count() == 0
        assert "Traceback" not in body
        assert seen.dialogs == [] and page.evaluate("window.__ran") == []
        assert seen.page_errors == [], seen.page_errors[:3]
        assert [m for m in seen.console if any(k in m for k in MARKERS)] == []
        assert seen.outside == [], f"requests left localhost: {seen.outside[:5]}"
        bad = [h for h in _links(page) if h and urlparse(h).scheme not in ("http", "https")]
        assert bad == [], bad[:5]
        injected = page.evaluate(
            "() => [...document.querySelectorAll('script, img, iframe, object, embed')]"
            ".filter(e => /alert|evil\\.example/.test(e.outerHTML))"
            ".concat([...document.querySelectorAll('*')].filter(e => [...e.attributes]"
            ".some(a => a.name.startsWith('on') || /^\\s*(javascript|data):/i.test(a.value)"
            " && a.name !== 'href' && e.tagName !== 'LINK')))"
            ".map(e => e.outerHTML.slice(0, 200))"
        )
        assert injected == [], injected[:3]
        assert "49" not in body.replace(",", " ").split() or "{{7*7}}" in body
        w = _widths(page)
        assert w["doc"] <= w["view"] + TOLERANCE, f"page widened to {w}"
        assert w["main"] <= w["mainClient"] + TOLERANCE, f"main area widened: {w}"
        page.screenshot(path=str(output_dir / f"hostile-{name}.png"))
    finally:
        page.close()


def test_payloads_are_shown_as_text(browser, hostile_server: str) -> None:
    """Escaped, not stripped: the reader sees the characters the data holds."""
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    try:
        open_page(page, f"{hostile_server}/", charts=3)
        text = page.inner_text("body") + " ".join(
            page.locator(".js-plotly-plot text").all_text_contents()
        )
        shown = [p for p in PAYLOADS[:-1] if p.strip() in text]
        assert shown, "some payload appears literally on the overview"
    finally:
        page.close()


def _select_first_source(page) -> None:
    """Pick a source in the table, so its citation (title, publisher, note, URL) is drawn."""
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.wait_for(timeout=30_000)
    box = grid.bounding_box()
    assert box
    page.mouse.click(box["x"] + 12, box["y"] + 36 + 17)  # the first row's selection box
    page.wait_for_timeout(2500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')"
        " || document.querySelector('[data-testid=stStatusWidget]').innerText === ''",
        timeout=30_000,
    )


def test_exported_svg_holds_payloads_only_as_escaped_text(
    hostile_data: Path, chromium_path: str
) -> None:
    from indicators import load_dataset
    from indicators.charts import standard
    from indicators.export import browser
    from indicators.export import images as export

    ds = load_dataset(hostile_data)
    found_escaped = False
    with browser.session():
        for chart in standard.standard_charts():
            svg = export.render(chart.build(ds), "svg")
            root = ET.fromstring(svg)  # well-formed: nothing broke out of a text node
            for el in root.iter():
                tag = el.tag.rsplit("}", 1)[-1]
                assert tag not in ("script", "foreignObject", "iframe", "img", "image")
                for attr, value in el.attrib.items():
                    local = attr.rsplit("}", 1)[-1]
                    assert not local.startswith("on"), (chart.id, attr)
                    if local == "href":
                        assert urlparse(value).scheme in ("http", "https", ""), (chart.id, value)
                        assert "evil.example" not in value and "javascript" not in value
            assert b"<script" not in svg.lower() and b"<img" not in svg.lower(), chart.id
            text = " ".join(root.itertext())
            found_escaped |= "<script>alert(1)</script>" in text or "{{7*7}}" in text
    assert found_escaped, "payloads reach the exported images as text"
