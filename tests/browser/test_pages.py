"""The real thing: `streamlit run` on localhost, every page in headless Chromium, offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import full_screenshot, open_page, watch


def legend_texts(page) -> list[str]:
    return page.eval_on_selector_all(
        ".js-plotly-plot .legendtext", "els => els.map(e => e.textContent)"
    )


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


@pytest.mark.parametrize(("name", "path", "charts"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_offline(
    browser, server: str, output_dir: Path, name: str, path: str, charts: int
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = watch(page)
    try:
        open_page(page, f"{server}/{path}", charts=charts)
        assert page.locator("[data-testid=stException]").count() == 0
        assert "Traceback" not in page.inner_text("body")
        drawn = page.locator(".js-plotly-plot .main-svg").count()
        assert drawn >= charts
        full_screenshot(page, output_dir / f"{name}.png")
        assert seen.outside == [], f"requests left localhost: {seen.outside[:5]}"
        assert seen.page_errors == []
        assert seen.dialogs == []
    finally:
        page.close()


def test_map_outlines_are_drawn_from_the_bundled_topojson(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = watch(page)
    topo: list[str] = []
    page.on("response", lambda r: topo.append(r.url) if "topojson" in r.url and r.ok else None)
    try:
        open_page(page, f"{server}/map", charts=1)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .geolayer path, "
            ".js-plotly-plot .choroplethlayer path').length > 10",
            timeout=30_000,
        )
        outlines = page.locator(".js-plotly-plot .geolayer path").count()
        countries = page.locator(".js-plotly-plot .choroplethlayer path").count()
        assert outlines > 0 and countries >= 5
        assert any(u.endswith("/app/static/topojson/asia_50m.json") for u in topo)
        assert seen.outside == []
    finally:
        page.close()


def test_filters_survive_a_page_switch_in_the_url(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        open_page(page, f"{server}/trade?partners=KAZ,UZB&from=2020&to=2024", charts=2)
        legend = legend_texts(page)
        assert "Kazakhstan" in legend and "Kyrgyzstan" not in legend
        page.get_by_role("link", name="Data").first.click()
        page.wait_for_url("**/data**", timeout=30_000)
        page.wait_for_timeout(1500)
        assert "partners=KAZ" in page.url.replace("%2C", ",")
        page.get_by_role("link", name="Trade").first.click()
        page.wait_for_url("**/trade**", timeout=30_000)
        page.wait_for_function(
            "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=30_000
        )
        page.wait_for_timeout(1500)
        legend = legend_texts(page)
        assert "Kazakhstan" in legend and "Kyrgyzstan" not in legend
    finally:
        page.close()


def test_a_deep_link_runs_through_the_router(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        open_page(page, f"{server}/map", charts=1)
        nav = " ".join(page.get_by_role("link").all_inner_texts())
        assert "Overview" in nav and "Sources" in nav
        assert "data table" not in nav, "the pages folder must not be auto-discovered"
    finally:
        page.close()


def test_selecting_on_the_map_fills_the_side_panel(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        open_page(page, f"{server}/map", charts=1)
        shown: list[str] = []
        paths = page.locator(".js-plotly-plot .choroplethlayer path")
        for i in range(paths.count()):
            box = paths.nth(i).bounding_box()
            page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.6)
            page.wait_for_timeout(2500)
            shown += page.locator("h3").all_inner_texts()
        countries = {
            "China",
            "Kazakhstan",
            "Kyrgyzstan",
            "Tajikistan",
            "Turkmenistan",
            "Uzbekistan",
        }
        assert countries & set(shown), shown
        assert any("pipeline" in s or "railway" in s or "highway" in s for s in shown), shown
        assert page.locator("[data-testid=stException]").count() == 0
    finally:
        page.close()
