"""Checks across files for catalog, sources, projects, events (observations: observations.py)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from datetime import date
from functools import lru_cache
from typing import Any

from indicators.model import as_date
from indicators.problems import Problem
from indicators.read.compile import Located

ID_SECTIONS = ("units", "indicators", "entities", "sources", "projects", "events")


# Where a source is registered: the `sources:` entry of its report file.
SOURCES_HOME = "a report file's `sources:` (data/reports/)"


def _fold(text: str) -> str:
    """Ids that a reader cannot tell apart: case, width and compatibility forms."""
    return unicodedata.normalize("NFKC", text).casefold()


def unique_ids(records: dict[str, list[Located]], problems: list[Problem]) -> dict[str, dict]:
    """Index each id section; a second definition is an error, never a silent overwrite."""
    index: dict[str, dict[str, Located]] = {}
    for section in ID_SECTIONS:
        seen: dict[str, Located] = {}
        folded: dict[str, str] = {}
        kept: list[Located] = []
        for loc in records.get(section, []):
            ident = loc.data["id"]
            if ident in seen:
                first = seen[ident]
                problems.append(
                    loc.at(
                        "id",
                        "duplicate-id",
                        f"{section[:-1]} id {ident!r} is already defined at "
                        f"{first.file}:{first.record.line}",
                        "ids must be unique across all files: rename one or merge the two",
                    )
                )
                continue
            f = _fold(ident)
            if f in folded and folded[f] != ident:
                problems.append(
                    loc.at(
                        "id",
                        "similar-id",
                        f"{section[:-1]} id {ident!r} differs from {folded[f]!r} only by case or "
                        "look-alike characters",
                        "use one spelling: readers cannot tell these apart",
                        "warning",
                    )
                )
            folded.setdefault(f, ident)
            seen[ident] = loc
            kept.append(loc)
        records[section] = kept
        index[section] = seen
    return index


def check_references(
    records: dict[str, list[Located]], index: dict[str, dict], problems: list[Problem], today: date
) -> None:
    sources, entities = index["sources"], index["entities"]
    projects = index["projects"]
    units = index["units"]

    def ref(loc: Located, path: str, value: Any, table: dict, what: str, where: str) -> bool:
        if value is None or value in table:
            return True
        problems.append(
            loc.at(
                path,
                "unknown-reference",
                f"unknown {what} {value!r}",
                f"register it in {where} first, or fix the spelling",
            )
        )
        return False

    for loc in records.get("indicators", []):
        for path, u in [("unit", loc.data["unit"])] + [
            (f"also_accepts.{i}", u) for i, u in enumerate(loc.data["also_accepts"])
        ]:
            if not any(uu.data["base"] == u for uu in units.values()):
                problems.append(
                    loc.at(
                        path,
                        "unknown-reference",
                        f"no unit has base {u!r}",
                        "add the unit to data/catalog/units.yaml",
                    )
                )
    for loc in records.get("entities", []):
        for i, m in enumerate(loc.data["members"]):
            ref(loc, f"members.{i}", m, entities, "entity", "data/catalog/entities.yaml")
    for loc in records.get("projects", []):
        d = loc.data
        for i, c in enumerate(d["countries"]):
            ref(loc, f"countries.{i}", c, entities, "entity", "data/catalog/entities.yaml")
        ref(loc, "part_of", d["part_of"], projects, "project", "data/projects/")
        for i, s in enumerate(d["status"]):
            ref(
                loc,
                f"status.{i}.source",
                s["source"],
                sources,
                "source",
                SOURCES_HOME,
            )
            as_of = as_date(s["as_of"])
            if as_of is not None and as_of > today:
                problems.append(
                    loc.at(
                        f"status.{i}.as_of",
                        "future-date",
                        f"status confirmed on {s['as_of']}, which is in the future",
                        "as_of is the date the source confirmed the status",
                    )
                )
        for i, m in enumerate(d["milestones"]):
            ref(
                loc,
                f"milestones.{i}.source",
                m["source"],
                sources,
                "source",
                SOURCES_HOME,
            )
        route = d["route"]
        points = (
            [(f"route.waypoints.{i}", w) for i, w in enumerate(route["waypoints"])] if route else []
        )
        if d["location"]:
            points.append(("location", d["location"]))
        box = _sanity_box(d["countries"])
        for path, w in points:
            # A point far outside the countries the project names usually means that
            # latitude and longitude were swapped (Kashgar's 39.47, 75.99 typed round).
            if box is not None and not (
                box[1] <= w["lat"] <= box[3] and box[0] <= w["lon"] <= box[2]
            ):
                problems.append(
                    loc.at(
                        f"{path}.lat",
                        "suspicious-coordinates",
                        f"{'waypoint' if path != 'location' else 'location'} {w['name']!r} at "
                        f"lat {w['lat']}, lon {w['lon']} lies far outside the countries the "
                        f"project names ({', '.join(d['countries'])})",
                        "check that latitude and longitude are not swapped, and that the "
                        "project's countries are all listed",
                        "warning",
                    )
                )
    for loc in records.get("events", []):
        d = loc.data
        for i, c in enumerate(d["countries"]):
            ref(loc, f"countries.{i}", c, entities, "entity", "data/catalog/entities.yaml")
        for i, c in enumerate(d["sources"]):
            ref(
                loc,
                f"sources.{i}.source",
                c["source"],
                sources,
                "source",
                SOURCES_HOME,
            )
        if d["end_date"] and as_date(d["end_date"]) < as_date(d["date"]):  # type: ignore[operator]
            problems.append(
                loc.at(
                    "end_date",
                    "bad-date",
                    "the event ends before it starts",
                    "check date and end_date",
                )
            )
    for loc in records.get("excluded", []):
        ref(
            loc,
            "source",
            loc.data["source"],
            sources,
            "source",
            SOURCES_HOME,
        )


def check_source_addresses(records: dict[str, list[Located]], problems: list[Problem]) -> None:
    """A source without an address says why: a reader must be able to tell a page nobody
    recorded from one that has none (a wire release known only from its text)."""
    for loc in records.get("sources", []):
        if loc.data["url"] is None and not loc.data.get("url_note"):
            problems.append(
                loc.at(
                    "url",
                    "missing-url",
                    f"source {loc.data['id']!r} has no address and no reason why",
                    "give the page's http(s) address, or keep `url: null` and add "
                    "`url_note:` saying why it is unknown",
                )
            )


# Degrees around a project's countries within which its points are unremarkable.
SANITY_PAD = 10.0


def _sanity_box(countries: list[str]) -> tuple[float, float, float, float] | None:
    """West, south, east, north of the countries (padded); None when none is on the map."""
    from indicators.geo import extents

    known = [extents()[c] for c in countries if c in extents()]
    if not known:
        return None
    return (
        min(b[0] for b in known) - SANITY_PAD,
        min(b[1] for b in known) - SANITY_PAD,
        max(b[2] for b in known) + SANITY_PAD,
        max(b[3] for b in known) + SANITY_PAD,
    )


def check_unused_sources(
    records: dict[str, list[Located]], problems: list[Problem], used_by_observations: set[str]
) -> None:
    used = set(used_by_observations)
    for loc in records.get("excluded", []):
        used.add(loc.data["source"])
    for loc in records.get("projects", []):
        used.update(s["source"] for s in loc.data["status"])
        used.update(m["source"] for m in loc.data["milestones"])
    for loc in records.get("events", []):
        used.update(c["source"] for c in loc.data["sources"])
    for loc in records.get("sources", []):
        if loc.data["id"] not in used:
            problems.append(
                loc.at(
                    "id",
                    "unused-source",
                    f"source {loc.data['id']!r} supports no datapoint",
                    "cite it from a datapoint, or list its figures in excluded",
                    "warning",
                )
            )


_FIG = re.compile(r"fig\s*(\d+)")


@lru_cache(maxsize=65536)
def figures_in(locator: str) -> tuple[int, ...]:
    """The figure numbers a locator cites (``fig 3``)."""
    return tuple(int(m.group(1)) for m in _FIG.finditer(locator))


def check_figure_coverage(
    records: dict[str, list[Located]],
    problems: list[Problem],
    cited_by_observations: dict[str, set[int]],
) -> None:
    """A source that declares how many figures its report lists must have each one either
    curated (cited by a locator `fig N`) or excluded with a reason."""
    cited: dict[str, set[int]] = defaultdict(set)
    for source, figures in cited_by_observations.items():
        cited[source] |= figures

    def cite(source: str, locator: str) -> None:
        cited[source].update(figures_in(locator))

    for loc in records.get("excluded", []):
        cite(loc.data["source"], loc.data["locator"])
    for loc in records.get("events", []):
        for c in loc.data["sources"]:
            cite(c["source"], c["locator"])
    for loc in records.get("projects", []):
        for s in (*loc.data["status"], *loc.data["milestones"]):
            cite(s["source"], s["locator"])
    for loc in records.get("sources", []):
        n = loc.data["figures"]
        if not n:
            continue
        have = cited.get(loc.data["id"], set())
        missing = [i for i in range(1, n + 1) if i not in have]
        extra = sorted(i for i in have if i > n)
        if missing:
            problems.append(
                loc.at(
                    "figures",
                    "uncovered-figure",
                    f"figure(s) {', '.join(map(str, missing))} of {loc.data['id']!r} are neither "
                    "curated nor excluded",
                    "cite each as `locator: fig N`, or list it in `excluded:` with a reason",
                    "warning",
                )
            )
        if extra:
            problems.append(
                loc.at(
                    "figures",
                    "bad-locator",
                    f"locator(s) fig {', '.join(map(str, extra))} beyond the {n} figures of "
                    f"{loc.data['id']!r}",
                    "check the figure number",
                    "warning",
                )
            )
