"""Where a map looks: each country's extent from the bundled outlines, and the frame and
outline set (scope) that hold the countries a map shades."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# The country outlines, shipped with the library (package data): the map, its export and the
# dashboard (which serves a copy of them) all read them here.
OUTLINES_DIR = Path(__file__).resolve().parent / "outlines"
# plotly.js's own extent of each regional outline set (src/plots/geo/constants.js); a frame
# inside one of them is drawn from its detailed (1:50m) outlines, else from the world's.
SCOPES = {
    "europe": ((-30.0, 60.0), (30.0, 85.0)),
    "asia": ((22.0, 160.0), (-15.0, 55.0)),
    "africa": ((-30.0, 60.0), (-40.0, 40.0)),
    "north america": ((-180.0, -45.0), (5.0, 85.0)),
    "south america": ((-100.0, -30.0), (-60.0, 15.0)),
}
PAD = 2.0  # degrees around the countries, so borders are not cut
# The regional outline files reach a little past plotly's nominal extent (Kazakhstan's north
# at 55.4°N is drawn by the Asian set): a frame that far over still uses the regional set.
SLACK = 5.0


# Width over height of the frame, on the Mercator projection: a frame much wider than this
# leaves a phone a strip of map (a 2:1 frame is 180 px tall at 370 px wide), one much taller
# leaves a desktop a column of it.
WIDEST, TALLEST = 1.3, 0.8


def _mercator(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _latitude(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2)


def _proportioned(
    west: float, east: float, south: float, north: float
) -> tuple[float, float, float, float]:
    """The box widened or heightened about its centre to an aspect between TALLEST and
    WIDEST: more of the surroundings, never less of the countries."""
    y0, y1 = _mercator(south), _mercator(north)
    width, height = east - west, y1 - y0
    if height <= 0 or width <= 0:
        return west, east, south, north
    if width / height > WIDEST:
        grow = (width / WIDEST - height) / 2
        south, north = _latitude(y0 - grow), _latitude(y1 + grow)
    elif width / height < TALLEST:
        grow = (height * TALLEST - width) / 2
        west, east = max(west - grow, -180.0), min(east + grow, 180.0)
    return west, east, max(south, -85.0), min(north, 85.0)


@dataclass(frozen=True, slots=True)
class Frame:
    scope: str
    resolution: int
    lon: tuple[float, float]
    lat: tuple[float, float]


@lru_cache(maxsize=1)
def _world() -> dict:
    return json.loads((OUTLINES_DIR / "world_110m.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def centres() -> dict[str, tuple[float, float]]:
    """Each country's centre (longitude, latitude) as the outlines give it."""
    return {
        g["id"]: tuple(g["properties"]["ct"])
        for g in _world()["objects"]["countries"]["geometries"]
        if g.get("id") and "ct" in g.get("properties", {})
    }


@lru_cache(maxsize=1)
def extents() -> dict[str, tuple[float, float, float, float]]:
    """Each country's (west, south, east, north) in degrees, from Natural Earth 1:110m."""
    topo = _world()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    boxes = []
    for arc in topo["arcs"]:
        x = y = 0
        xs, ys = [], []
        for dx, dy in arc:  # quantised and delta-encoded
            x += dx
            y += dy
            xs.append(x * sx + tx)
            ys.append(y * sy + ty)
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    out = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        ident = geom.get("id")
        if not ident:
            continue
        arcs = [i if i >= 0 else ~i for i in _arc_ids(geom.get("arcs", []))]
        if arcs:
            out[ident] = (
                min(boxes[i][0] for i in arcs),
                min(boxes[i][1] for i in arcs),
                max(boxes[i][2] for i in arcs),
                max(boxes[i][3] for i in arcs),
            )
    return out


def _arc_ids(nested: list) -> Iterable[int]:
    for item in nested:
        if isinstance(item, list):
            yield from _arc_ids(item)
        else:
            yield item


def frame(countries: Iterable[str], anchor: str | None = None) -> Frame | None:
    """The smallest outline set and box that hold every known country given (padded), and
    the centre of ``anchor``: the focus is shown where it meets its partners, not whole (a
    large focus would shrink the partners to a corner)."""
    known = [extents()[c] for c in countries if c in extents()]
    if anchor in centres():
        lon, lat = centres()[anchor]
        known.append((lon, lat, lon, lat) if known else extents()[anchor])
    if not known:
        return None
    west, south = min(b[0] for b in known) - PAD, min(b[1] for b in known) - PAD
    east, north = max(b[2] for b in known) + PAD, max(b[3] for b in known) + PAD
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -85.0), min(north, 85.0)
    scope = next(
        (
            name
            for name, ((lo0, lo1), (la0, la1)) in SCOPES.items()
            if lo0 - SLACK <= west
            and east <= lo1 + SLACK
            and la0 - SLACK <= south
            and north <= la1 + SLACK
        ),
        "world",
    )
    # The outline set follows the countries; the frame around them is then proportioned.
    west, east, south, north = _proportioned(west, east, south, north)
    return Frame(scope, 110 if scope == "world" else 50, (west, east), (south, north))
