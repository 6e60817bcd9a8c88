"""The tables of the data package: each CSV's columns with type, description and constraints,
its keys, and the rows it takes from a loaded dataset."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, get_args

import pandas as pd

from indicators import model
from indicators.dataset import Dataset

LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    enum: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...]  # (column, table, column)
    rows: Callable[[Dataset], Iterable[dict[str, Any]]]


def _c(name: str, type_: str, description: str, enum: Any = None, required: bool = False) -> Column:
    return Column(name, type_, description, tuple(get_args(enum)) if enum else (), required)


def _list(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    items = list(value)
    return LIST_SEPARATOR.join(str(v) for v in items) if items else None


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dict("records") if not frame.empty else []


def _obs_id(r: dict[str, Any]) -> str:
    """A stable id: the datapoint's identity (as the duplicate check sees it), hashed."""
    key = "|".join(
        str(r[k])
        for k in (
            "indicator",
            "reporter",
            "partner",
            "period",
            "project",
            "basis",
            "base_period",
            "share_of",
            "unit",
            "source",
        )
    )
    return "obs-" + hashlib.sha1(key.encode()).hexdigest()[:12]


def _observations(ds: Dataset) -> Iterable[dict[str, Any]]:
    for r in records(ds.observations):
        yield {
            **r,
            "id": _obs_id(r),
            "period_start": r["period_start"].date() if pd.notna(r["period_start"]) else None,
            "period_end": r["period_end"].date() if pd.notna(r["period_end"]) else None,
        }


def _projects(ds: Dataset) -> Iterable[dict[str, Any]]:
    for r in records(ds.projects):
        yield {**r, "countries": _list(r["countries"])}


def _project_status(ds: Dataset) -> Iterable[dict[str, Any]]:
    for r in records(ds.projects):
        for i, s in enumerate(r["status_history"], start=1):
            yield {"project": r["id"], "seq": i, **s}


def _waypoints(ds: Dataset) -> Iterable[dict[str, Any]]:
    for r in records(ds.projects):
        for i, w in enumerate(r["waypoints"] or [], start=1):
            yield {"project": r["id"], "seq": i, "precision": r["precision"], **w}


def _milestones(ds: Dataset) -> Iterable[dict[str, Any]]:
    seq: dict[str, int] = {}
    for r in records(ds.milestones):
        seq[r["project"]] = seq.get(r["project"], 0) + 1
        yield {**r, "seq": seq[r["project"]]}


def _events(ds: Dataset) -> Iterable[dict[str, Any]]:
    for r in records(ds.events):
        yield {**r, "countries": _list(r["countries"])}


def _event_sources(ds: Dataset) -> Iterable[dict[str, Any]]:
    for r in records(ds.events):
        for i, c in enumerate(r["sources"], start=1):
            yield {"event": r["id"], "seq": i, **c}


def _entities(ds: Dataset) -> Iterable[dict[str, Any]]:
    for r in records(ds.entities):
        yield {**r, "members": _list(r["members"])}


def _indicators(ds: Dataset) -> Iterable[dict[str, Any]]:
    for r in records(ds.indicators):
        yield {**r, "also_accepts": _list(r["also_accepts"])}


def _plain(frame_name: str) -> Callable[[Dataset], Iterable[dict[str, Any]]]:
    return lambda ds: records(getattr(ds, frame_name))


_LIST = f"a list, items separated by '{LIST_SEPARATOR}'"
_DATEISH = "YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source"

TABLES: tuple[Table, ...] = (
    Table(
        "sources",
        "The reports cited: every datapoint names one.",
        (
            _c("id", "string", "source id", required=True),
            _c("title", "string", "the report's title or headline", required=True),
            _c("publisher", "string", "who publishes it", required=True),
            _c("original_publisher", "string", "who first published it (mirrors, reposts)"),
            _c("published", "string", "publication date: " + _DATEISH + "; empty when unknown"),
            _c("published_note", "string", "why the date is unknown or approximate"),
            _c("url", "string", "the page's address"),
            _c("url_note", "string", "why the address is unknown, where it is"),
            _c("language", "string", "ISO 639-1 language code"),
            _c("accessed", "string", "when it was read: " + _DATEISH),
            _c("kind", "string", "kind of source", model.SourceKind),
            _c("figures", "integer", "how many figures the report lists"),
        ),
        ("id",),
        (),
        _plain("sources"),
    ),
    Table(
        "units",
        "Units values are stated in, and their conversion to a base unit.",
        (
            _c("id", "string", "the unit as stated: USD bn", required=True),
            _c("base", "string", "the base unit it converts to: USD", required=True),
            _c(
                "factor",
                "number",
                "multiply a value in this unit by factor to get the base unit",
                required=True,
            ),
            _c("name", "string", "the unit's name"),
        ),
        ("id",),
        (),
        _plain("units"),
    ),
    Table(
        "entities",
        "Countries, groups and organisations.",
        (
            _c(
                "id",
                "string",
                "ISO 3166-1 alpha-3 code, or a group or organisation code",
                required=True,
            ),
            _c("name", "string", "name", required=True),
            _c("kind", "string", "kind of entity", model.EntityKind),
            _c("members", "string", "member entity ids, " + _LIST),
            _c("name_zh", "string", "name in Chinese"),
            _c("name_ru", "string", "name in Russian"),
        ),
        ("id",),
        (),
        _entities,
    ),
    Table(
        "indicators",
        "The indicator catalog.",
        (
            _c("id", "string", "indicator id", required=True),
            _c("name", "string", "name", required=True),
            _c("description", "string", "what it measures"),
            _c("unit", "string", "canonical unit: observations.value is in this unit"),
            _c(
                "also_accepts",
                "string",
                "other base units kept as stated when no sourced rate converts them, " + _LIST,
            ),
            _c("kind", "string", "flow, stock, count, rate, share or level", model.IndicatorKind),
            _c("direction", "string", "whether the indicator has a direction", model.Direction),
            _c("topic", "string", "topic grouping: trade, investment ..."),
            _c("allow_negative", "boolean", "whether values may be negative"),
        ),
        ("id",),
        (),
        _plain("indicators"),
    ),
    Table(
        "projects",
        "Corridors and infrastructure projects, with their latest status.",
        (
            _c("id", "string", "project id", required=True),
            _c("name", "string", "name", required=True),
            _c("kind", "string", "kind of project", model.ProjectKind),
            _c("countries", "string", "entity ids of the countries involved, " + _LIST),
            _c("part_of", "string", "parent project id"),
            _c("status", "string", "latest status", model.ProjectStatus),
            _c("status_as_of", "string", "date the source confirms the latest status: " + _DATEISH),
            _c("status_source", "string", "source of the latest status"),
            _c("status_locator", "string", "position in that source"),
            _c("precision", "string", "route precision (see project_waypoints)", model.Precision),
            _c("lat", "number", "latitude of a point project, degrees"),
            _c("lon", "number", "longitude of a point project, degrees"),
            _c("place", "string", "name of the point project's place"),
            _c("note", "string", "note"),
        ),
        ("id",),
        (("part_of", "projects", "id"), ("status_source", "sources", "id")),
        _projects,
    ),
    Table(
        "project_status",
        "Each project's status history, as its sources report it.",
        (
            _c("project", "string", "project id", required=True),
            _c("seq", "integer", "order in the history, oldest first", required=True),
            _c("status", "string", "status", model.ProjectStatus),
            _c("as_of", "string", "date the source confirms it: " + _DATEISH),
            _c("source", "string", "source id"),
            _c("locator", "string", "position in the source"),
            _c("note", "string", "note"),
        ),
        ("project", "seq"),
        (("project", "projects", "id"), ("source", "sources", "id")),
        _project_status,
    ),
    Table(
        "project_waypoints",
        "Routes of line projects (railways, pipelines, roads).",
        (
            _c("project", "string", "project id", required=True),
            _c("seq", "integer", "order along the route", required=True),
            _c("precision", "string", "how exact the route is", model.Precision),
            _c("name", "string", "place name"),
            _c("lat", "number", "latitude, degrees"),
            _c("lon", "number", "longitude, degrees"),
        ),
        ("project", "seq"),
        (("project", "projects", "id"),),
        _waypoints,
    ),
    Table(
        "milestones",
        "Dated milestones of projects.",
        (
            _c("project", "string", "project id", required=True),
            _c("seq", "integer", "order within the project", required=True),
            _c("date", "string", "date: " + _DATEISH),
            _c("name", "string", "what happened"),
            _c("source", "string", "source id"),
            _c("locator", "string", "position in the source"),
            _c("note", "string", "note"),
        ),
        ("project", "seq"),
        (("project", "projects", "id"), ("source", "sources", "id")),
        _milestones,
    ),
    Table(
        "events",
        "Dated milestones of the relationship: summits, treaties, agreements.",
        (
            _c("id", "string", "event id", required=True),
            _c("date", "string", "date: " + _DATEISH),
            _c("end_date", "string", "last day, for events over several days"),
            _c("name", "string", "name"),
            _c("kind", "string", "kind of event", model.EventKind),
            _c("countries", "string", "entity ids of the countries involved, " + _LIST),
            _c("place", "string", "where"),
            _c("note", "string", "note"),
        ),
        ("id",),
        (),
        _events,
    ),
    Table(
        "event_sources",
        "The sources citing each event.",
        (
            _c("event", "string", "event id", required=True),
            _c("seq", "integer", "order of the citation", required=True),
            _c("source", "string", "source id"),
            _c("locator", "string", "position in the source"),
        ),
        ("event", "seq"),
        (("event", "events", "id"), ("source", "sources", "id")),
        _event_sources,
    ),
    Table(
        "observations",
        "Datapoints: one figure each, as its source states it, "
        "with the value converted to the indicator's canonical unit.",
        (
            _c("id", "string", "stable datapoint id (a hash of its identity)", required=True),
            _c("indicator", "string", "indicator id", required=True),
            _c("reporter", "string", "whose statistics or statement (entity id)"),
            _c("partner", "string", "the counterpart (entity id)"),
            _c(
                "period",
                "string",
                "the period as written: 2024, 2024-H1, 2024-01/2024-05, ..2025-06",
                required=True,
            ),
            _c("period_kind", "string", "year, quarter, half, month, date, span or cumulative"),
            _c("period_start", "date", "first day of the period; empty for cumulative figures"),
            _c("period_end", "date", "last day of the period"),
            _c("partial", "boolean", "true for a part of a calendar year (never in annual series)"),
            _c("year", "integer", "the year the period ends in"),
            _c(
                "value",
                "number",
                "the value in the base unit given in column `unit`",
                required=True,
            ),
            _c("value_max", "number", "upper end of a range, in the base unit"),
            _c("unit", "string", "base unit of value and value_max (USD, percent, km ...)"),
            _c(
                "value_as_stated", "number", "the figure as the source states it, in unit_as_stated"
            ),
            _c("unit_as_stated", "string", "the unit the source states (a units.id)"),
            _c("qualifier", "string", "how the source qualifies the figure", model.Qualifier),
            _c("basis", "string", "actual figure, target, plan ...", model.Basis),
            _c("source", "string", "source id", required=True),
            _c("locator", "string", "the figure's position in the source: fig 3"),
            _c("note", "string", "note"),
            _c("project", "string", "project the figure is about"),
            _c("event", "string", "event where a target or pledge was announced"),
            _c("base_period", "string", "for a change or growth rate: the period compared"),
            _c("share_of", "string", "for a share: the entity whose total it is a share of"),
        ),
        ("id",),
        (
            ("indicator", "indicators", "id"),
            ("reporter", "entities", "id"),
            ("partner", "entities", "id"),
            ("unit_as_stated", "units", "id"),
            ("source", "sources", "id"),
            ("project", "projects", "id"),
            ("event", "events", "id"),
            ("share_of", "entities", "id"),
        ),
        _observations,
    ),
    Table(
        "excluded",
        "Figures of reports that cannot be used, with the reason.",
        (
            _c("source", "string", "source id", required=True),
            _c("locator", "string", "the figure's position in the source", required=True),
            _c("reason", "string", "why it is not used"),
        ),
        (),
        (("source", "sources", "id"),),
        _plain("excluded"),
    ),
)
