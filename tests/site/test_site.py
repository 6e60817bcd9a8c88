"""The static site: every chart's page, embed, downloads and table, valid HTML that requests
nothing off the site, text from the data escaped, and a rebuild that redraws only the charts
whose data changed."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import html5lib
import pytest

from indicators.export.browser import chromium_path
from indicators.site.build import MANIFEST, SiteError, build_site
from indicators.site.cli import add_site_command  # noqa: F401  (the command is registered)
from tests.paths import DATA

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="the site's images need Chromium")

BASE = "https://example.org/indicators"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("site")
    report = build_site(DATA, out, base_url=BASE, app_url="http://localhost:8501")
    return out, report


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_page_is_valid_html(site: tuple[Path, object]) -> None:
    out, _ = site
    pages = _pages(out)
    assert len(pages) > 20
    for page in pages:
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(page.read_bytes())
        assert parser.errors == [], f"{page.relative_to(out)}: {parser.errors[:3]}"


def test_each_chart_has_its_page_embed_downloads_and_table(site: tuple[Path, object]) -> None:
    out, report = site
    assert "trade-timeline" in report.charts and "map" in report.charts
    assert "trade-kaz" in report.charts, "a page per partner"
    for chart in report.charts:
        page = (out / f"{chart}.html").read_text(encoding="utf-8")
        assert (out / "embed" / f"{chart}.html").is_file()
        assert (out / "downloads" / f"{chart}.png").read_bytes().startswith(b"\x89PNG")
        assert (out / "downloads" / f"{chart}.pdf").read_bytes().startswith(b"%PDF")
        assert b"<svg" in (out / "downloads" / f"{chart}.svg").read_bytes()[:2000]
        rows = list(csv.DictReader(io.StringIO((out / "downloads" / f"{chart}.csv").read_text())))
        body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
        assert body.count("<tr>") == len(rows), f"{chart}: the table holds the CSV's rows"
        assert f'href="downloads/{chart}.csv"' in page
        assert f"{BASE}/embed/{chart}.html" in page, "the embed snippet"
        assert f'<link rel="canonical" href="{BASE}/{chart}.html">' in page
        assert f'content="{BASE}/downloads/{chart}.png"' in page, "the preview image"
        assert 'href="http://localhost:8501/' in page, "the live view"
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<loc>") == len(report.charts) + 2
    assert (out / "data" / "datapackage.json").is_file()


def test_a_chart_csv_holds_the_citation_of_every_datapoint(site: tuple[Path, object]) -> None:
    out, _ = site
    rows = list(csv.DictReader((out / "downloads" / "trade-kaz.csv").open(encoding="utf-8")))
    assert rows and all(r["source"] and r["locator"] and r["source_title"] for r in rows)
    assert {r["partner"] for r in rows} == {"KAZ"}


def test_nothing_is_requested_off_the_site(site: tuple[Path, object]) -> None:
    out, _ = site
    for page in _pages(out):
        text = page.read_text(encoding="utf-8")
        for attr in re.findall(r'\s(?:src|data-plotly|data-figure|data-topojson)="([^"]*)"', text):
            assert not re.match(r"^[a-z]+:", attr) or attr.startswith("data:"), (page, attr)
            assert (page.parent / attr).resolve().is_file(), f"{page.name}: {attr} is missing"
        for tag in re.findall(r"<link [^>]*>", text):
            href = re.search(r'href="([^"]*)"', tag)
            assert href is not None
            if 'rel="stylesheet"' in tag:
                assert (page.parent / href.group(1)).resolve().is_file()
    assets = {p.name for p in (out / "assets").iterdir()}
    assert any(a.startswith("plotly.") for a in assets)
    assert any(a.startswith("topojson-") for a in assets), "the map's outlines are bundled"


def test_text_from_the_data_is_escaped(tmp_path: Path) -> None:
    """Every string of the data carries markup; on the pages it must stay text."""
    from tests.browser.hostile import hostile_copy

    data = hostile_copy(tmp_path / "data")
    out = tmp_path / "site"
    build_site(data, out)
    ns = "{http://www.w3.org/1999/xhtml}"
    for page in _pages(out):
        tree = html5lib.parse(page.read_bytes(), treebuilder="etree")
        for el in tree.iter():
            tag = str(el.tag).removeprefix(ns)
            assert tag not in ("iframe", "svg", "b", "object", "embed"), (page.name, tag)
            assert not any(k.lower().startswith("on") for k in el.attrib), (page.name, tag)
            if tag == "script":
                assert el.get("src", "").startswith(("assets/", "../assets/")), page.name
            if tag == "img":
                assert not re.match(r"^[a-z]+:", el.get("src", "")), page.name
            if tag == "a":
                href = el.get("href", "")
                assert not href.lower().startswith(("javascript:", "data:")), (page.name, href)
    sources = (out / "sources.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in sources, "the payload is shown as text"


def test_invalid_data_is_refused_with_what_to_do(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    target = next((data / "reports").glob("035-*.yaml"))
    target.write_text(target.read_text(encoding="utf-8").replace("partner: TKM", "partner: XXX"))
    with pytest.raises(SiteError, match="indicators validate"):
        build_site(data, tmp_path / "site")
    assert not (tmp_path / "site" / "index.html").exists()


def test_a_rebuild_redraws_only_the_charts_whose_data_changed(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "site"
    shutil.copytree(DATA, data)
    first = build_site(data, out)
    assert sorted(first.drawn) == sorted(first.charts)
    again = build_site(data, out)
    assert again.drawn == [] and again.written == [], "nothing changed, nothing written"

    before = {p.name: p.read_bytes() for p in (out / "downloads").glob("*.csv")}
    pages = {p.name: p.read_bytes() for p in out.glob("*.html")}
    # A made-up change, in a copy: Turkmenistan's 2013 trade as stated by one report.
    target = next((data / "reports").glob("035-*.yaml"))
    text = target.read_text(encoding="utf-8")
    assert text.count('period: "2013"\n    value: 10\n') == 1
    target.write_text(
        text.replace('period: "2013"\n    value: 10\n', 'period: "2013"\n    value: 11\n')
    )
    third = build_site(data, out)

    changed = {
        name.removesuffix(".csv")
        for name, blob in before.items()
        if (out / "downloads" / name).read_bytes() != blob
    }
    assert "trade-tkm" in changed
    assert sorted(third.drawn) == sorted(changed), "exactly the charts whose data changed"
    assert not {"timeline", "investment", "project-status", "map"} & set(third.drawn)
    rewritten = {p.name for p in out.glob("*.html") if p.read_bytes() != pages[p.name]}
    assert rewritten <= {f"{c}.html" for c in changed} | {"index.html", "sources.html"}
    assert "data/observations.csv" in third.written
    assert MANIFEST in third.written
