"""Keyboard only, in Chromium: the Map's details for Kazakhstan, the Trade chart as a PNG,
and partners, measure and years changed, with no mouse at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import open_page

pytestmark = pytest.mark.browser

MAX_TABS = 150


def tab_to(page, test: str, *, limit: int = MAX_TABS) -> int:
    """Press Tab until the focused element passes ``test`` (a JS predicate on
    document.activeElement); the number of presses it took."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")
        probe = f"(() => {{ const e = document.activeElement; return !!e && ({test}); }})()"
        if page.evaluate(probe):
            return n
    raise AssertionError(f"no focusable element matched {test} within {limit} Tab presses")


def labelled(label: str) -> str:
    """A Streamlit input whose accessible name is ``label``."""
    return (
        f"(e.getAttribute('aria-label') || '') === {label!r}"
        f" || (e.labels && [...e.labels].some(l => l.innerText.trim() === {label!r}))"
    )


def settle(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')"
        " || document.querySelector('[data-testid=stStatusWidget]').innerText === ''",
        timeout=60_000,
    )
    page.wait_for_timeout(1200)


def test_map_details_for_kazakhstan_by_keyboard(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        open_page(page, f"{server}/map", charts=1)
        page.locator("body").focus()
        tab_to(page, labelled("Details for"))
        page.keyboard.type("Kazakh")
        page.keyboard.press("Enter")
        settle(page)
        assert "Kazakhstan" in page.locator("h3").all_inner_texts()
        assert "select=KAZ" in page.url
    finally:
        page.close()


def test_trade_chart_downloads_as_png_by_keyboard(browser, server: str, output_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        open_page(page, f"{server}/trade", charts=2)
        page.locator("body").focus()
        # The first Download control on the page is the Trade chart's.
        tab_to(page, "e.tagName === 'SUMMARY' && e.innerText.includes('Download')")
        page.keyboard.press("Enter")
        page.wait_for_timeout(800)
        presses = tab_to(page, "e.tagName === 'BUTTON' && e.innerText.trim() === 'PNG'", limit=10)
        assert presses <= 3, f"{presses} Tab presses from the control to PNG"
        with page.expect_download(timeout=90_000) as info:
            page.keyboard.press("Enter")
        download = info.value
        assert download.suggested_filename == "trade-timeline.png"
        path = output_dir / "keyboard-trade-timeline.png"
        download.save_as(path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        page.close()


def test_partners_measure_and_years_change_by_keyboard(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        open_page(page, f"{server}/trade?partners=KAZ&from=2015&to=2024", charts=2)
        page.locator("body").focus()
        tab_to(page, labelled("Partners"))
        page.keyboard.type("Uzbek")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        settle(page)
        assert "UZB" in page.url.replace("%2C", ",")
        page.locator("body").focus()
        tab_to(page, labelled("Measure"))
        page.keyboard.type("China's exp")
        page.keyboard.press("Enter")
        settle(page)
        assert "measure=exports" in page.url
        page.locator("body").focus()
        tab_to(page, "(e.getAttribute('aria-label') || '') === 'Years — start'")
        page.keyboard.press("ArrowRight")
        settle(page)
        assert "from=2016" in page.url, page.url
    finally:
        page.close()
