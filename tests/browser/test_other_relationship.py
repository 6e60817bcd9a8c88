"""The real app in Chromium on another relationship (the made-up Southern Cone fixture):
every page renders offline with the fixture's names and none of the bundled dataset's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_relationship import FIXTURE, FORBIDDEN

from .helpers import full_screenshot, open_page, watch
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


@pytest.fixture(scope="module")
def fixture_server() -> Iterator[str]:
    proc, url = start_server(FIXTURE)
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.mark.parametrize(("name", "path", "charts"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_names_the_fixture_relationship(
    browser, fixture_server: str, output_dir: Path, name: str, path: str, charts: int
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = watch(page)
    try:
        open_page(page, f"{fixture_server}/{path}", charts=charts)
        assert page.locator("[data-testid=stException]").count() == 0
        # Everything on the page a reader can see, charts (titles, legends, axes) included.
        text = page.inner_text("body") + " ".join(
            page.eval_on_selector_all(".js-plotly-plot text", "els => els.map(e => e.textContent)")
        )
        assert not [w for w in FORBIDDEN if w in text], [w for w in FORBIDDEN if w in text]
        assert page.title().startswith("Brazil and the Southern Cone")
        if charts:
            assert "Brazil" in text or "Argentina" in text
        full_screenshot(page, output_dir / f"southern-cone-{name}.png")
        assert seen.outside == [] and seen.page_errors == []
    finally:
        page.close()
