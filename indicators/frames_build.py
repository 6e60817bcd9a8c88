"""Checked records in, the dataset's DataFrames out."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .checks import Located
from .dataset import Dataset
from .periods import parse_period
from .problems import Report

STALE_AFTER = timedelta(days=730)

OBSERVATION_COLUMNS = [
    "indicator", "reporter", "partner", "period", "period_kind", "period_start", "period_end",
    "partial", "partial_label", "year", "value", "value_max", "unit", "value_as_stated",
    "unit_as_stated", "qualifier", "basis", "source", "locator", "note", "project", "event",
    "base_period", "share_of", "file", "line"]


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def _good(records: dict[str, list[Located]], section: str) -> list[Located]:
    return [loc for loc in records.get(section, []) if not loc.bad]


def _simple(records: dict[str, list[Located]], section: str, columns: list[str]) -> pd.DataFrame:
    rows = [{**{c: loc.data.get(c) for c in columns if c not in ("file", "line")},
             "file": loc.file, "line": loc.record.line} for loc in _good(records, section)]
    return _frame(rows, columns)


def build_frames(records: dict[str, list[Located]], report: Report,
                 today: date | None = None) -> Dataset:
    today = today or date.today()
    units = {loc.data["id"]: loc.data for loc in _good(records, "units")}

    obs_rows = []
    for loc in _good(records, "observations"):
        d = loc.data
        unit = units.get(d["unit"])
        if unit is None:
            continue
        p = parse_period(d["period"])
        factor = unit["factor"]
        obs_rows.append({
            "indicator": d["indicator"], "reporter": d["reporter"], "partner": d["partner"],
            "period": d["period"], "period_kind": p.kind,
            "period_start": pd.Timestamp(p.start) if p.start else pd.NaT,
            "period_end": pd.Timestamp(p.end), "partial": p.is_partial_year,
            "partial_label": p.partial_label(), "year": p.year,
            "value": d["value"] * factor,
            "value_max": d["value_max"] * factor if d["value_max"] is not None else None,
            "unit": unit["base"], "value_as_stated": d["value"], "unit_as_stated": d["unit"],
            "qualifier": d["qualifier"], "basis": d["basis"], "source": d["source"],
            "locator": d["locator"], "note": d["note"], "project": d["project"],
            "event": d["event"], "base_period": d["base_period"],
            "share_of": d["share_of"], "file": loc.file, "line": loc.record.line})
    observations = _frame(obs_rows, OBSERVATION_COLUMNS)
    if not observations.empty:
        observations["value_max"] = observations["value_max"].astype(float)

    project_rows, milestone_rows = [], []
    for loc in _good(records, "projects"):
        d = loc.data
        history = sorted(d["status"], key=lambda s: parse_period(s["as_of"]).end)
        latest = history[-1]
        as_of = parse_period(latest["as_of"]).end
        route = d["route"] or {}
        point = d["location"] or {}
        project_rows.append({
            "id": d["id"], "name": d["name"], "kind": d["kind"],
            "countries": list(d["countries"]), "part_of": d["part_of"],
            "status": latest["status"], "status_as_of": latest["as_of"],
            "status_source": latest["source"], "status_locator": latest["locator"],
            "stale": (today - as_of) > STALE_AFTER, "status_history": history,
            "precision": route.get("precision"), "waypoints": route.get("waypoints", []),
            "lat": point.get("lat"), "lon": point.get("lon"), "place": point.get("name"),
            "note": d["note"], "file": loc.file, "line": loc.record.line})
        for m in d["milestones"]:
            p = parse_period(m["date"])
            milestone_rows.append({
                "project": d["id"], "date": m["date"], "when": pd.Timestamp(p.start or p.end),
                "name": m["name"], "source": m["source"], "locator": m["locator"],
                "note": m["note"], "file": loc.file, "line": loc.record.line})
    projects = _frame(project_rows, [
        "id", "name", "kind", "countries", "part_of", "status", "status_as_of", "status_source",
        "status_locator", "stale", "status_history", "precision", "waypoints", "lat", "lon",
        "place", "note", "file", "line"])
    milestones = _frame(milestone_rows, ["project", "date", "when", "name", "source", "locator",
                                         "note", "file", "line"])

    event_rows = []
    for loc in _good(records, "events"):
        d = loc.data
        p = parse_period(d["date"])
        end = parse_period(d["end_date"]).end if d["end_date"] else None
        event_rows.append({
            "id": d["id"], "date": d["date"], "when": pd.Timestamp(p.start or p.end),
            "end_date": d["end_date"], "until": pd.Timestamp(end) if end else pd.NaT,
            "name": d["name"], "kind": d["kind"], "countries": list(d["countries"]),
            "place": d["place"], "sources": [dict(c) for c in d["sources"]],
            "source": d["sources"][0]["source"], "locator": d["sources"][0]["locator"],
            "note": d["note"], "file": loc.file, "line": loc.record.line})
    events = _frame(event_rows, ["id", "date", "when", "end_date", "until", "name", "kind",
                                 "countries", "place", "sources", "source", "locator", "note",
                                 "file", "line"])
    if not events.empty:
        events = events.sort_values("when", kind="stable").reset_index(drop=True)

    sources = _simple(records, "sources", [
        "id", "title", "publisher", "original_publisher", "published", "published_note", "url",
        "language", "accessed", "kind", "figures", "file", "line"])
    indicators = _simple(records, "indicators", [
        "id", "name", "description", "unit", "also_accepts", "kind", "direction", "topic",
        "allow_negative", "file", "line"])
    entities = _simple(records, "entities", [
        "id", "name", "kind", "members", "name_zh", "name_ru", "file", "line"])
    units_frame = _simple(records, "units", ["id", "base", "factor", "name", "file", "line"])
    excluded = _simple(records, "excluded", ["source", "locator", "reason", "file", "line"])

    report.counts = {
        "sources": len(sources), "entities": len(entities), "indicators": len(indicators),
        "observations": len(observations), "projects": len(projects),
        "milestones": len(milestones), "events": len(events), "excluded": len(excluded)}
    return Dataset(observations=observations, projects=projects, milestones=milestones,
                   events=events, sources=sources, indicators=indicators, entities=entities,
                   units=units_frame, excluded=excluded, report=report)
