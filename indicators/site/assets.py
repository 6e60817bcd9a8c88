"""What every page shares, written once under ``assets/`` with content-hashed names so a
browser or CDN may keep them for good: plotly.js, the map outlines as scripts (a page opened
from disk may load scripts but not fetch JSON), the stylesheet and the loader."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import plotly

from indicators.geo import OUTLINES_DIR

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def _hashed(stem: str, suffix: str, blob: bytes) -> str:
    return f"assets/{stem}.{hashlib.sha256(blob).hexdigest()[:12]}{suffix}"


def _code_version() -> str:
    """The site's own code, templates and plotly.js: a change to any redraws every chart."""
    h = hashlib.sha256(plotly.__version__.encode())
    for f in sorted(HERE.rglob("*")):
        if f.is_file() and f.suffix in (".py", ".html", ".css", ".js"):
            h.update(f.relative_to(HERE).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


CODE_VERSION = _code_version()


def topojson_script(name: str) -> bytes:
    """An outline set as a script that hands it to plotly.js, which then fetches nothing."""
    data = json.loads((OUTLINES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    body = json.dumps(data, separators=(",", ":"))
    return (
        "window.PlotlyGeoAssets=window.PlotlyGeoAssets||{topojson:{}};"
        f"window.PlotlyGeoAssets.topojson[{json.dumps(name)}]={body};\n"
    ).encode()


def write_assets(out: Path, geo: list[str], write: Callable[[str, bytes], None]) -> dict[str, Any]:
    """Write the shared files that are missing; return their names for the pages. Files of
    earlier builds under other hashes are removed."""
    names: dict[str, Any] = {"topojson": {}}
    wanted: dict[str, bytes] = {}
    plotly_js = PLOTLY_JS.read_bytes()
    names["plotly"] = _hashed("plotly", ".min.js", plotly_js)
    wanted[names["plotly"]] = plotly_js
    for key, stem, suffix in (("css", "site", ".css"), ("js", "site", ".js")):
        blob = (STATIC / f"{stem}{suffix}").read_bytes()
        names[key] = _hashed(stem, suffix, blob)
        wanted[names[key]] = blob
    for g in geo:
        blob = topojson_script(g)
        names["topojson"][g] = _hashed(f"topojson-{g}", ".js", blob)
        wanted[names["topojson"][g]] = blob
    for rel, blob in wanted.items():
        if not (out / rel).exists():
            write(rel, blob)
    folder = out / "assets"
    if folder.is_dir():
        keep = {Path(r).name for r in wanted}
        for f in folder.iterdir():
            if f.is_file() and f.name not in keep:
                f.unlink()
    return names
