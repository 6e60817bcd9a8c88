"""Checked records in, the dataset's DataFrames out."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

from indicators.dataset import Dataset
from indicators.periods import parse_period
from indicators.problems import Report
from indicators.read.compile import Located
from indicators.read.obsblock import ObservationTable

STALE_AFTER = timedelta(days=730)

OBSERVATION_COLUMNS = [
    "indicator",
    "reporter",
    "partner",
    "period",
    "period_kind",
    "period_start",
    "period_end",
    "partial",
    "partial_label",
    "year",
    "value",
    "value_max",
    "unit",
    "value_as_stated",
    "unit_as_stated",
    "qualifier",
    "basis",
    "source",
    "locator",
    "note",
    "project",
    "event",
    "base_period",
    "share_of",
    "file",
    "line",
]


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def _good(records: dict[str, list[Located]], section: str) -> list[Located]:
    return [loc for loc in records.get(section, []) if not loc.bad]


def _simple(records: dict[str, list[Located]], section: str, columns: list[str]) -> pd.DataFrame:
    rows = [
        {
            **{c: loc.data.get(c) for c in columns if c not in ("file", "line")},
            "file": loc.file,
            "line": loc.record.line,
        }
        for loc in _good(records, section)
    ]
    return _frame(rows, columns)


_TAIL = (
    "qualifier",
    "basis",
    "source",
    "locator",
    "note",
    "project",
    "event",
    "base_period",
    "share_of",
)


@lru_cache(maxsize=65536)
def _period_columns(text: str) -> tuple:
    """The observation columns that depend on the period alone, computed once per text."""
    p = parse_period(text)
    return (
        p.kind,
        pd.Timestamp(p.start) if p.start else pd.NaT,
        pd.Timestamp(p.end),
        p.is_partial_year,
        p.partial_label(),
        p.year,
    )


def _observations(obs: ObservationTable, units: dict[str, dict]) -> pd.DataFrame:
    """The observations frame: the good rows in canonical units, built by columns (a dict
    per row costs more than the data at 100k rows)."""
    factor = obs.lookup("unit", {k: u["factor"] for k, u in units.items()})
    base = obs.lookup("unit", {k: u["base"] for k, u in units.items()})
    keep = ~obs.bad & np.array([f is not None for f in factor], dtype=bool)
    if not keep.any():
        return _frame([], OBSERVATION_COLUMNS)
    rows = np.flatnonzero(keep)
    kept = (obs.table if len(rows) == len(obs) else obs.table.take(pa.array(rows))).to_pandas()
    factor = factor[rows].astype(float)
    cols: dict[str, object] = {c: kept[c] for c in ("indicator", "reporter", "partner", "period")}
    codes, uniques = pd.factorize(kept["period"])
    periods = [_period_columns(p) for p in uniques.tolist()]
    for i, c in enumerate(
        ("period_kind", "period_start", "period_end", "partial", "partial_label", "year")
    ):
        cols[c] = pd.Series([p[i] for p in periods]).take(codes).reset_index(drop=True)
    stated = kept["value"].to_numpy()
    cols["value"] = stated * factor
    cols["value_max"] = kept["value_max"].to_numpy() * factor
    cols["unit"] = pd.Series(base[rows], dtype="str")
    cols["value_as_stated"] = stated
    cols["unit_as_stated"] = kept["unit"]
    for c in _TAIL:
        cols[c] = kept[c]
    cols["file"] = pd.Series(obs.files, dtype="str").take(obs.file_of[rows]).reset_index(drop=True)
    cols["line"] = obs.lines[rows].astype(np.int64)
    return pd.DataFrame(cols, columns=OBSERVATION_COLUMNS)


def build_frames(
    records: dict[str, list[Located]],
    report: Report,
    today: date | None = None,
    *,
    obs: ObservationTable | None = None,
) -> Dataset:
    today = today or date.today()
    obs = obs if obs is not None else ObservationTable.concat([])
    units = {loc.data["id"]: loc.data for loc in _good(records, "units")}

    observations = _observations(obs, units)

    project_rows, milestone_rows = [], []
    for loc in _good(records, "projects"):
        d = loc.data
        history = sorted(d["status"], key=lambda s: parse_period(s["as_of"]).end)
        latest = history[-1]
        as_of = parse_period(latest["as_of"]).end
        route = d["route"] or {}
        point = d["location"] or {}
        project_rows.append(
            {
                "id": d["id"],
                "name": d["name"],
                "kind": d["kind"],
                "countries": list(d["countries"]),
                "part_of": d["part_of"],
                "status": latest["status"],
                "status_as_of": latest["as_of"],
                "status_source": latest["source"],
                "status_locator": latest["locator"],
                "stale": (today - as_of) > STALE_AFTER,
                "status_history": history,
                "precision": route.get("precision"),
                "waypoints": route.get("waypoints", []),
                "lat": point.get("lat"),
                "lon": point.get("lon"),
                "place": point.get("name"),
                "note": d["note"],
                "file": loc.file,
                "line": loc.record.line,
            }
        )
        for m in d["milestones"]:
            p = parse_period(m["date"])
            milestone_rows.append(
                {
                    "project": d["id"],
                    "date": m["date"],
                    "when": pd.Timestamp(p.start or p.end),
                    "name": m["name"],
                    "source": m["source"],
                    "locator": m["locator"],
                    "note": m["note"],
                    "file": loc.file,
                    "line": loc.record.line,
                }
            )
    projects = _frame(
        project_rows,
        [
            "id",
            "name",
            "kind",
            "countries",
            "part_of",
            "status",
            "status_as_of",
            "status_source",
            "status_locator",
            "stale",
            "status_history",
            "precision",
            "waypoints",
            "lat",
            "lon",
            "place",
            "note",
            "file",
            "line",
        ],
    )
    milestones = _frame(
        milestone_rows,
        ["project", "date", "when", "name", "source", "locator", "note", "file", "line"],
    )

    event_rows = []
    for loc in _good(records, "events"):
        d = loc.data
        p = parse_period(d["date"])
        end = parse_period(d["end_date"]).end if d["end_date"] else None
        event_rows.append(
            {
                "id": d["id"],
                "date": d["date"],
                "when": pd.Timestamp(p.start or p.end),
                "end_date": d["end_date"],
                "until": pd.Timestamp(end) if end else pd.NaT,
                "name": d["name"],
                "kind": d["kind"],
                "countries": list(d["countries"]),
                "place": d["place"],
                "sources": [dict(c) for c in d["sources"]],
                "source": d["sources"][0]["source"],
                "locator": d["sources"][0]["locator"],
                "note": d["note"],
                "file": loc.file,
                "line": loc.record.line,
            }
        )
    events = _frame(
        event_rows,
        [
            "id",
            "date",
            "when",
            "end_date",
            "until",
            "name",
            "kind",
            "countries",
            "place",
            "sources",
            "source",
            "locator",
            "note",
            "file",
            "line",
        ],
    )
    if not events.empty:
        events = events.sort_values("when", kind="stable").reset_index(drop=True)

    sources = _simple(
        records,
        "sources",
        [
            "id",
            "title",
            "publisher",
            "original_publisher",
            "published",
            "published_note",
            "url",
            "url_note",
            "language",
            "accessed",
            "kind",
            "figures",
            "file",
            "line",
        ],
    )
    indicators = _simple(
        records,
        "indicators",
        [
            "id",
            "name",
            "description",
            "unit",
            "also_accepts",
            "kind",
            "direction",
            "topic",
            "allow_negative",
            "role",
            "headline",
            "file",
            "line",
        ],
    )
    entities = _simple(
        records, "entities", ["id", "name", "kind", "members", "name_zh", "name_ru", "file", "line"]
    )
    units_frame = _simple(records, "units", ["id", "base", "factor", "name", "file", "line"])
    excluded = _simple(records, "excluded", ["source", "locator", "reason", "file", "line"])

    report.counts = {
        "sources": len(sources),
        "entities": len(entities),
        "indicators": len(indicators),
        "observations": len(observations),
        "projects": len(projects),
        "milestones": len(milestones),
        "events": len(events),
        "excluded": len(excluded),
    }
    return Dataset(
        observations=observations,
        projects=projects,
        milestones=milestones,
        events=events,
        sources=sources,
        indicators=indicators,
        entities=entities,
        units=units_frame,
        excluded=excluded,
        report=report,
    )
