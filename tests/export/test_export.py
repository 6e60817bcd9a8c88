"""Every standard chart exports to PNG, SVG and PDF that stand on their own."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import plotly.io as pio
import pytest

from indicators import load_dataset
from indicators.charts import standard, views
from indicators.export import browser
from indicators.export import images as export
from tests.paths import DATA, FIXTURES

needs_chromium = pytest.mark.skipif(
    browser.chromium_path() is None and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    if browser.chromium_path() is None:
        pytest.fail("Chromium is required for image export tests (apt-get install chromium)")
    ds = load_dataset(DATA)
    out: dict[str, dict[str, bytes]] = {}
    with browser.session():
        for chart in standard.standard_charts():
            fig = chart.build(ds)
            out[chart.id] = {fmt: export.render(fig, fmt) for fmt in export.FORMATS}
            out[chart.id]["_title"] = fig.layout.meta["title"].encode()
            out[chart.id]["_source"] = fig.layout.meta["sources"][0].encode()
            out[chart.id]["_height"] = str(export.export_height(fig)).encode()
    return out


CHART_IDS = [c.id for c in standard.standard_charts()]


@needs_chromium
@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_png_opens_at_the_requested_size(rendered, chart_id: str) -> None:
    from PIL import Image

    img = Image.open(io.BytesIO(rendered[chart_id]["png"]))
    height = int(rendered[chart_id]["_height"])
    assert img.size == (export.DEFAULT_WIDTH * export.PNG_SCALE, height * export.PNG_SCALE)
    colours = img.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is None or len(colours) > 50, "a real picture, not a blank page"


@needs_chromium
@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_svg_parses_and_carries_title_and_source_line(rendered, chart_id: str) -> None:
    svg = rendered[chart_id]["svg"]
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = " ".join(t for t in root.itertext())
    title = rendered[chart_id]["_title"].decode()
    assert title.split(":")[0] in text
    assert "Source:" in text
    first_source = rendered[chart_id]["_source"].decode()
    assert first_source.split(",")[0] in text
    assert "CC BY 4.0" in text


@needs_chromium
@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_pdf_opens_and_holds_the_title(rendered, chart_id: str) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(rendered[chart_id]["pdf"]))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    title = rendered[chart_id]["_title"].decode()
    assert title.split(":")[0].split(" ")[0] in text


@needs_chromium
def test_map_export_draws_outlines_offline(rendered) -> None:
    svg = rendered["map"]["svg"].decode()
    assert svg.count("<path") > 50, "country outlines from the bundled topojson"


def test_decorate_adds_sources_notes_and_footer_escaped() -> None:
    ds = load_dataset(DATA)
    fig = views.trade_view(ds, partners=("C5",))
    fig.layout.meta["sources"] = [*fig.layout.meta["sources"], "<script>alert(1)</script>"]
    out = export.decorate(fig)
    texts = [a.text for a in out.layout.annotations]
    assert any(t.startswith("Source:") for t in texts)
    assert any("CC BY 4.0" in t for t in texts)
    assert not any("<script>" in t for t in texts)
    assert any("&lt;script&gt;" in t for t in texts)


def _pruned(value: object) -> object:
    """JSON without empty objects (a figure drops an empty ``title: {}``, a dict keeps it)."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v != {}}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


@pytest.mark.parametrize("chart", [c.id for c in standard.standard_charts()])
def test_the_exported_data_is_the_decorated_figure(chart: str) -> None:
    ds = load_dataset(DATA)
    fig = next(c for c in standard.standard_charts() if c.id == chart).build(ds)
    height = export.export_height(fig)
    drawn = json.loads(pio.to_json(export.decorated_dict(fig, height=height), validate=False))
    shown = json.loads(pio.to_json(export.decorate(fig, height=height)))
    assert _pruned(drawn) == _pruned(shown)
    assert drawn["layout"]["annotations"][-1]["text"].endswith("CC BY 4.0")


def test_cli_lists_chart_ids() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "indicators", "export", "--list"],
        capture_output=True,
        text=True,
        check=True,
    )
    listed = [line.split()[0] for line in run.stdout.splitlines()]
    assert listed == CHART_IDS


def test_cli_without_chromium_exits_1_naming_the_package(tmp_path: Path) -> None:
    env = {**os.environ, "BROWSER_PATH": str(tmp_path / "no-such-browser")}
    run = subprocess.run(
        [sys.executable, "-m", "indicators", "export", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 1
    assert "apt-get install chromium" in run.stderr
    assert "Traceback" not in run.stderr


@needs_chromium
def test_cli_writes_the_requested_files(tmp_path: Path) -> None:
    out = tmp_path / "charts"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "indicators",
            "export",
            "--out",
            str(out),
            "--chart",
            "project-status",
            "--chart",
            "investment",
            "--format",
            "png,svg",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "investment.png",
        "investment.svg",
        "project-status.png",
        "project-status.svg",
    ]
    assert "4/4" in run.stderr  # the progress bar
    bad = subprocess.run(
        [sys.executable, "-m", "indicators", "export", "--out", str(out), "--chart", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "export --list" in bad.stderr


def test_unwritable_output_folder_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "file-not-folder"
    target.write_text("x")
    run = subprocess.run(
        [sys.executable, "-m", "indicators", "export", "--out", str(target / "sub")],
        capture_output=True,
        text=True,
        check=False,
    )
    if shutil.which("chromium") is None and browser.chromium_path() is None:
        assert run.returncode == 1
        return
    assert run.returncode == 1
    assert "cannot write" in run.stderr and "Traceback" not in run.stderr


@needs_chromium
def test_a_reused_tab_draws_exactly_what_a_fresh_one_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tab is kept between images (no reload); what an image leaves behind, a PDF's
    page above all, must not show up in the next one."""
    from PIL import Image

    ds = load_dataset(DATA)
    charts = {c.id: c.build(ds) for c in standard.standard_charts()}
    order = [
        ("map", "png"),
        ("investment", "pdf"),
        ("trade-timeline", "svg"),
        ("map", "png"),
        ("timeline", "png"),
        ("investment", "png"),
    ]

    def pixels(blob: bytes) -> bytes:
        return Image.open(io.BytesIO(blob)).convert("RGBA").tobytes()

    runs = {}
    for reuse in (False, True):
        monkeypatch.setattr(browser, "REUSE_TAB", reuse)
        browser.stop()
        try:
            runs[reuse] = [export.render(charts[c], fmt) for c, fmt in order]
        finally:
            browser.stop()
    for (chart, fmt), fresh, reused in zip(order, runs[False], runs[True], strict=True):
        if fmt == "png":
            assert pixels(fresh) == pixels(reused), chart
        elif fmt == "pdf":
            assert reused.startswith(b"%PDF") and abs(len(reused) - len(fresh)) < 64, chart
    assert pixels(runs[True][0]) == pixels(runs[True][3])


FIXTURE = FIXTURES / "datasets" / "southern-cone"


@needs_chromium
def test_the_standard_set_exports_for_another_relationship(tmp_path: Path) -> None:
    """The made-up Southern Cone fixture: every chart of the set, as PNG, with its own
    title and the dataset's licence in the footer (checked in the SVG's text)."""
    out = tmp_path / "charts"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "indicators",
            "export",
            "--out",
            str(out),
            "--data",
            str(FIXTURE),
            "--format",
            "png,svg",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    ids = [c.id for c in standard.standard_charts()]
    assert sorted(p.name for p in out.glob("*.png")) == sorted(f"{i}.png" for i in ids)
    svg = (out / "trade-timeline.svg").read_text(encoding="utf-8")
    assert "Brazil with Southern Cone" in svg and "CC0 1.0" in svg
    assert "China" not in svg and "Central Asia" not in svg


@needs_chromium
def test_images_carry_their_title_and_description_as_alt_text() -> None:
    from indicators.charts.describe import describe
    from indicators.export import alttext

    fig = views.trade_view(load_dataset(DATA))
    with browser.session():
        png, svg = export.render(fig, "png"), export.render(fig, "svg")
    text = alttext.png_text(png)
    assert text["Title"] == "Total trade"
    assert text["Description"].startswith("Line chart, Total trade: China with Central Asia")
    assert "highest $106" in text["Description"]
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title").text == "Total trade"
    assert root.find(f"{ns}desc").text == describe(fig)


def _lines(title_text: str) -> tuple[list[str], list[str]]:
    """The title's and the subtitle's lines of a title block, tags removed."""
    import re

    parts = title_text.split("<br>")
    title = [re.sub(r"<[^>]+>", "", p) for p in parts if p.startswith("<b>")]
    sub = [re.sub(r"<[^>]+>", "", p) for p in parts if p.startswith("<sup")]
    return title, sub


def test_an_export_rewraps_the_title_block_at_the_image_width() -> None:
    """A figure's title block is wrapped for a phone (about 30 and 54 characters a line); an
    image 1000 px wide holds longer lines: the same words in fewer lines, and the top margin
    gives back the rows it saved. Checked on every standard chart; some must have wrapped."""
    ds = load_dataset(DATA)
    rewrapped = 0
    for chart in standard.standard_charts():
        fig = chart.build(ds)
        drawn = export.decorated_dict(fig)["layout"]
        title, sub = _lines(fig.layout.title.text)
        wide_title, wide_sub = _lines(drawn["title"]["text"])
        assert " ".join(wide_title) == " ".join(title), chart.id
        assert " ".join(wide_sub) == " ".join(sub), chart.id
        assert len(wide_title) <= len(title) and len(wide_sub) <= len(sub)
        assert max(len(line) for line in wide_title) <= (1000 - 60) / export.TITLE_PX_PER_CHAR
        saved = 22 * (len(title) - len(wide_title)) + 16 * (len(sub) - len(wide_sub))
        assert drawn["margin"]["t"] == fig.layout.margin.t - saved, chart.id
        rewrapped += saved > 0
    assert rewrapped >= 3, "the bundled charts' titles wrap on a phone"
