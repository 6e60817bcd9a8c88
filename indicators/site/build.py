"""`indicators site`: every chart as a static page that opens at once with its pre-rendered
image, embeds in an iframe and needs no server, rebuilt only where a chart changed."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from indicators.charts.describe import description
from indicators.charts.style import is_map
from indicators.dataset import Dataset
from indicators.export import images
from indicators.export.datapackage import write_package
from indicators.frames import formatting as fmt
from indicators.frames import summary
from indicators.frames import tables as T
from indicators.loader import load_dataset
from indicators.read.datasets import resolve
from indicators.site import assets
from indicators.site.charts import SiteChart, site_charts
from indicators.site.pages import render

MANIFEST = ".site-manifest.json"
DISPLAY_WIDTH = 1000
# A phone gets the chart laid out for its width: the 1000 px image shrunk to a third has
# 4 px text.
NARROW_WIDTH = 480
THUMB_WIDTH = 480
DOWNLOADS = (("png", "PNG image"), ("svg", "SVG image"), ("pdf", "PDF"))


class SiteError(Exception):
    """The site cannot be built from this data; the message says what to do."""


@dataclass
class BuildReport:
    """What a build did: the charts it drew afresh and every file it wrote."""

    charts: list[str] = field(default_factory=list)
    drawn: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0


class _Writer:
    """Writes a file only when its bytes differ, so an unchanged page keeps its time stamp
    and a deploy uploads only what changed."""

    def __init__(self, out: Path, report: BuildReport) -> None:
        self.out, self.report = out, report

    def __call__(self, rel: str, blob: bytes | str) -> None:
        data = blob.encode("utf-8") if isinstance(blob, str) else blob
        path = self.out / rel
        if path.exists() and path.read_bytes() == data:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.part")
        tmp.write_bytes(data)
        tmp.replace(path)  # a reader of the site never sees half a file
        self.report.written.append(rel)


def _csv(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8") if isinstance(p, str) else p)
        h.update(b"\0")
    return h.hexdigest()


def _geo_name(fig: go.Figure) -> str | None:
    """The outline set plotly.js asks for (``<scope>_<resolution>m``), if the chart is a map."""
    if not is_map(fig):
        return None
    geo = fig.layout.geo
    return f"{(geo.scope or 'world').replace(' ', '-')}_{geo.resolution or 110}m"


def _cell(value: Any) -> dict[str, str | None]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return {"text": "", "href": None}
    if isinstance(value, bool):
        return {"text": "yes" if value else "no", "href": None}
    text = str(value)
    return {"text": text, "href": fmt.http_url(text)}


def _source_ids(points: pd.DataFrame) -> list[str]:
    cols = [c for c in ("source", "status_source", "focus_source", "partner_source") if c in points]
    ids = {s for c in cols for s in points[c].dropna() if isinstance(s, str)}
    return sorted(ids)


def _page_chart(c: SiteChart, ds: Dataset, names: dict[str, str]) -> dict[str, Any]:
    """What the chart's templates read: text from the figure's own meta, files by name."""
    meta = dict(c.figure.layout.meta or {})
    height = int(c.figure.layout.height or 480)
    stem = c.id
    return {
        "id": stem,
        "title": str(meta.get("title") or c.description),
        "subtitle": str(meta.get("subtitle") or ""),
        "description": c.description,
        "sources": "; ".join(meta.get("sources") or []),
        "notes": list(meta.get("notes") or []),
        "alt": f"{meta.get('title') or c.description}. {description(c.figure)}",
        # A map's outlines make an SVG of over half a megabyte; a PNG a third of that.
        "image": f"charts/{stem}.{'png' if names.get('topojson') else 'svg'}",
        "narrow": f"charts/{stem}-narrow.{'png' if names.get('topojson') else 'svg'}",
        "narrow_width": NARROW_WIDTH,
        "thumbnail": f"charts/{stem}-thumb.png",
        "width": DISPLAY_WIDTH,
        "height": height,
        "thumb_width": THUMB_WIDTH,
        "thumb_height": round(THUMB_WIDTH * height / DISPLAY_WIDTH),
        "figure_js": names["figure_js"],
        "topojson": names.get("topojson"),
        "page": f"{stem}.html",
        "downloads": [
            *({"href": f"downloads/{stem}.{ext}", "label": label} for ext, label in DOWNLOADS),
            {"href": f"downloads/{stem}.csv", "label": "CSV of the datapoints, with citations"},
        ],
        "columns": [str(col) for col in c.table.columns],
        "rows": [[_cell(v) for v in row] for row in c.table.itertuples(index=False)],
        "source_ids": _source_ids(c.points),
    }


def _embed_code(url: str, title: str, height: int) -> str:
    return (
        f'<iframe src="{url}" title="{title}" width="100%" height="{height + 140}" '
        'style="border:0" loading="lazy"></iframe>'
    )


def _absolute(base_url: str | None, rel: str) -> str | None:
    return f"{base_url.rstrip('/')}/{rel}" if base_url else None


def build_site(
    data: str | Path,
    out: str | Path,
    *,
    dataset: str | None = None,
    base_url: str | None = None,
    app_url: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> BuildReport:
    """Build (or bring up to date) the site of one dataset in ``out``."""
    started = time.monotonic()
    report = BuildReport()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write = _Writer(out, report)
    ref = resolve(data, dataset)
    ds = load_dataset(ref.path)
    if not ds.report.valid:
        # A published page must not show a figure the validator rejected.
        raise SiteError(
            f"the data has {len(ds.report.errors)} error(s); run `indicators validate "
            f"{data}` and fix them before building the site"
        )
    charts = site_charts(ds)
    report.charts = [c.id for c in charts]
    geo = sorted({n for c in charts if (n := _geo_name(c.figure))})
    shared = assets.write_assets(out, geo, write)
    manifest_path = out / MANIFEST
    try:
        manifest: dict[str, str] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    rel = ds.relationship
    common = {
        "site_title": rel.title,
        "licence": rel.licence,
        "assets": shared,
        "scripts": True,
        "body_class": "",
    }
    pages: list[dict[str, Any]] = []
    for i, c in enumerate(charts):
        if progress:
            progress(i, len(charts), c.id)
        spec = pio.to_json(c.figure, validate=False)
        figure_js = (
            "window.siteFigures=window.siteFigures||{};"
            f"window.siteFigures[{json.dumps(c.id)}]={spec};\n"
        )
        names = {"figure_js": f"charts/{c.id}.{_digest(figure_js)[:10]}.js"}
        if (g := _geo_name(c.figure)) is not None:
            names["topojson"] = shared["topojson"][g]
        page = _page_chart(c, ds, names)
        points_csv = _csv(T.chart_points(c.points, ds) if "indicator" in c.points else c.points)
        key = _digest(
            spec, points_csv, _csv(c.table), assets.CODE_VERSION, str(base_url), str(app_url)
        )
        files = [
            page["image"],
            page["narrow"],
            page["thumbnail"],
            *(d["href"] for d in page["downloads"]),
            names["figure_js"],
        ]
        fresh = manifest.get(c.id) != key or not all((out / f).exists() for f in files)
        if fresh:
            report.drawn.append(c.id)
            height = page["height"]
            # The page's image, the phone's (twice as sharp) and the gallery's thumbnail.
            for image, width, scale in (
                (page["image"], DISPLAY_WIDTH, 1.0),
                (page["narrow"], NARROW_WIDTH, 2.0),
                (page["thumbnail"], DISPLAY_WIDTH, THUMB_WIDTH / DISPLAY_WIDTH),
            ):
                drawn = images.render(
                    c.figure,
                    image.rsplit(".", 1)[1],
                    width=width,
                    height=height,
                    decorated=False,
                    scale=scale,
                )
                write(image, drawn)
            for ext, _ in DOWNLOADS:
                write(f"downloads/{c.id}.{ext}", images.render(c.figure, ext))
            write(f"downloads/{c.id}.csv", points_csv)
            write(names["figure_js"], figure_js)
        embed_url = _absolute(base_url, f"embed/{c.id}.html") or f"embed/{c.id}.html"
        page["embed_code"] = _embed_code(embed_url, page["title"], page["height"])
        app_link = None
        if app_url:
            query = urlencode(c.app_query)
            app_link = f"{app_url.rstrip('/')}/{c.app_page}" + (f"?{query}" if query else "")
        canonical = _absolute(base_url, page["page"])
        preview = _absolute(base_url, f"downloads/{c.id}.png")
        write(
            page["page"],
            render(
                "chart.html",
                **common,
                root="",
                chart=page,
                page_title=f"{page['description']} · {rel.title}",
                description=page["subtitle"] or page["description"],
                canonical=canonical,
                preview=preview,
                app_link=app_link,
            ),
        )
        write(
            f"embed/{c.id}.html",
            render(
                "embed.html",
                **{**common, "body_class": "embed"},
                root="../",
                chart=page,
                page_title=page["title"],
                description=page["subtitle"] or page["description"],
                canonical=canonical,
                preview=preview,
            ),
        )
        manifest[c.id] = key
        pages.append(page)
    _index(ds, pages, common, base_url, write)
    _sources(ds, pages, common, base_url, write)
    _data(ds, write)
    if base_url:
        _sitemap(base_url, ["index.html", "sources.html", *(p["page"] for p in pages)], write)
    for stale in set(manifest) - set(report.charts):
        manifest.pop(stale)
    write(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    report.seconds = time.monotonic() - started
    return report


def _index(
    ds: Dataset,
    pages: list[dict[str, Any]],
    common: dict[str, Any],
    base_url: str | None,
    write: _Writer,
) -> None:
    from datetime import date

    rel = ds.relationship
    cards = [
        {"label": c.label, "value": c.value, "delta": c.delta, "note": c.note}
        for c in summary.cards(ds, date.today())
    ]
    write(
        "index.html",
        render(
            "index.html",
            **{**common, "scripts": False},
            root="",
            cards=cards,
            charts=pages,
            page_title=rel.title,
            description=rel.description,
            canonical=_absolute(base_url, "index.html"),
            preview=_absolute(base_url, f"downloads/{pages[0]['id']}.png") if pages else None,
        ),
    )


def _sources(
    ds: Dataset,
    pages: list[dict[str, Any]],
    common: dict[str, Any],
    base_url: str | None,
    write: _Writer,
) -> None:
    table = T.sources_table(ds)
    by_source: dict[str, list[dict[str, str]]] = {}
    for p in pages:
        for s in p["source_ids"]:
            by_source.setdefault(s, []).append({"page": p["page"], "title": p["description"]})
    sources = []
    for _, row in table.iterrows():
        url = fmt.http_url(row.get("url"))
        citation = T.citation(row)
        if url and citation.endswith(url):
            citation = citation[: -len(url)].rstrip()
        sources.append(
            {
                "anchor": f"source-{row['id']}",
                "title": str(row["title"]),
                "citation": citation,
                "url": url,
                "charts": by_source.get(row["id"], []),
            }
        )
    write(
        "sources.html",
        render(
            "sources.html",
            **{**common, "scripts": False},
            root="",
            sources=sources,
            page_title=f"Sources · {ds.relationship.title}",
            description=f"Every source of {ds.relationship.title}, with the charts it supports.",
            canonical=_absolute(base_url, "sources.html"),
            preview=None,
        ),
    )


def _data(ds: Dataset, write: _Writer) -> None:
    """The Frictionless data package, as `indicators export-data` writes it."""
    with tempfile.TemporaryDirectory() as tmp:
        write_package(ds, Path(tmp))
        for f in sorted(Path(tmp).iterdir()):
            write(f"data/{f.name}", f.read_bytes())


def _sitemap(base_url: str, rels: list[str], write: _Writer) -> None:
    from xml.sax.saxutils import escape

    urls = "".join(f"  <url><loc>{escape(_absolute(base_url, r) or r)}</loc></url>\n" for r in rels)
    write(
        "sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n",
    )
