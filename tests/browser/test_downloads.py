"""Downloads in the browser: the chart's download control (server-side image, no rerun) and
the Plotly modebar's camera (client-side PNG, no round trip)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from .helpers import open_page, watch

pytestmark = pytest.mark.browser


def test_download_control_gives_a_finished_png(browser, server: str, output_dir: Path) -> None:
    from PIL import Image

    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    seen = watch(page)
    try:
        open_page(page, f"{server}/investment", charts=1)
        runs_before = page.evaluate(
            "() => window.performance.getEntriesByType('resource')"
            ".filter(e => e.name.includes('_stcore/stream')).length"
        )
        # The download control's button, not the modebar's "Download plot as a PNG" (client-side).
        page.locator("summary", has_text="Download").first.click()
        button = page.get_by_role("button", name="PNG", exact=True).first
        button.wait_for(state="visible", timeout=10_000)
        with page.expect_download(timeout=90_000) as info:
            button.click()
        download = info.value
        assert download.suggested_filename == "investment.png"
        path = output_dir / "downloaded-investment.png"
        download.save_as(path)
        img = Image.open(io.BytesIO(path.read_bytes()))
        assert img.size[0] == 2000 and img.size[1] >= 1200
        assert page.locator("[data-testid=stException]").count() == 0
        runs_after = page.evaluate(
            "() => window.performance.getEntriesByType('resource')"
            ".filter(e => e.name.includes('_stcore/stream')).length"
        )
        assert runs_after == runs_before
        assert seen.outside == []
    finally:
        page.close()


def test_modebar_camera_saves_a_named_png(browser, server: str, output_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        open_page(page, f"{server}/trade", charts=2)
        chart = page.locator(".js-plotly-plot").first
        chart.hover()
        camera = (
            page.locator(".js-plotly-plot")
            .first.locator(".modebar-btn[data-title='Download plot as a PNG']")
            .first
        )
        with page.expect_download(timeout=30_000) as info:
            camera.click()
        download = info.value
        assert download.suggested_filename == "trade-timeline.png"
        path = output_dir / "camera-trade-timeline.png"
        download.save_as(path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        page.close()
