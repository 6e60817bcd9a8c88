"""What a contributor gives for each kind of new record: its fields, their options and
questions, and how a typed value is read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, get_args

from indicators import model

KINDS = ("source", "observation", "project", "event")


class ScaffoldError(Exception):
    """A new record that cannot be written; the message says how to fix it."""


@dataclass(frozen=True)
class Field:
    """One field a contributor gives: its option, its question, and how it is read."""

    name: str
    help: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    type: str = "text"  # text, number, integer, list, date
    ask: bool = True  # asked in a terminal when not given (optional fields are skippable)

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


def _choices(literal: Any) -> tuple[str, ...]:
    return tuple(get_args(literal))


FIELDS: dict[str, tuple[Field, ...]] = {
    "source": (
        Field(
            "id", "the source id; by convention the report's file name, NNN-publisher-topic", True
        ),
        Field("title", "the report's title (its headline if it has no title)", True),
        Field("publisher", "who publishes the page: Orda.kz, Xinhua ...", True),
        Field("original_publisher", "who first published it, for a mirror or repost"),
        Field(
            "published",
            "publication date: YYYY, YYYY-MM or YYYY-MM-DD (empty if unknown)",
            type="date",
        ),
        Field("published_note", "why the date is unknown or approximate", ask=False),
        Field("url", "the page's http(s) address", True),
        Field("language", "ISO 639-1 language code", True, "en"),
        Field("kind", "kind of source", True, "media", _choices(model.SourceKind)),
        Field("accessed", "the day you read it (default: today)", type="date", ask=False),
        Field(
            "figures",
            "how many figures the report lists (enables the coverage check)",
            type="integer",
        ),
    ),
    "observation": (
        Field("indicator", "an indicator id from data/catalog/indicators/", True),
        Field(
            "reporter",
            "whose statistics or statement: CHN, KAZ ... (may be left out "
            "for a project's own figure with --project)",
        ),
        Field("partner", "the counterpart: a country, group (C5) or organisation"),
        Field("period", "2024, 2024-H1, 2024-05, 2024-01/2024-05, ..2025-06", True),
        Field("value", "the figure as stated, a plain number", True, type="number"),
        Field("value_max", "the high end, with qualifier range", type="number", ask=False),
        Field("unit", "the unit as stated: USD bn, USD mn, percent, km ...", True),
        Field(
            "qualifier",
            "how the source qualifies the figure",
            True,
            "exact",
            _choices(model.Qualifier),
        ),
        Field("basis", "what kind of figure it is", True, "actual", _choices(model.Basis)),
        Field("source", "the source id (registered with `indicators new source`)", True),
        Field("locator", "where in the source: fig 3, P9", True),
        Field("note", "optional, short, in your own words"),
        Field("project", "the project the figure is about", ask=False),
        Field("event", "the event where a target or pledge was announced", ask=False),
        Field("base_period", "for a change or growth rate: the period compared against", ask=False),
        Field("share_of", "for a share: the total it is a share of (C5)", ask=False),
    ),
    "project": (
        Field("id", "the project id, lower-case words joined by '-': cku-railway", True),
        Field("name", "the project's name", True),
        Field("kind", "kind of project", True, None, _choices(model.ProjectKind)),
        Field("countries", "entity codes, comma-separated: CHN,KGZ,UZB", True, type="list"),
        Field("part_of", "a parent project id", ask=False),
        Field(
            "status", "the status the source confirms", True, None, _choices(model.ProjectStatus)
        ),
        Field(
            "as_of",
            "the date the source confirms it: YYYY, YYYY-MM or YYYY-MM-DD",
            True,
            type="date",
        ),
        Field("source", "the source id that confirms the status", True),
        Field("locator", "where in the source: fig 2", True),
    ),
    "event": (
        Field("id", "the event id: summit-2025-astana", True),
        Field("date", "YYYY, YYYY-MM or YYYY-MM-DD", True, type="date"),
        Field("end_date", "the last day, for events over several days", type="date"),
        Field("name", "the event's name", True),
        Field("kind", "kind of event", True, None, _choices(model.EventKind)),
        Field("countries", "entity codes, comma-separated: CHN,KAZ", type="list"),
        Field("place", "where it took place"),
        Field("source", "the source id that reports it", True),
        Field("locator", "where in the source: fig 1", True),
        Field(
            "topic",
            "the events file: data/events/TOPIC.yaml (summits, transport ...)",
            True,
            ask=True,
        ),
    ),
}


def parse_value(f: Field, raw: Any) -> Any:
    """A value typed on the command line or at a prompt, as the record holds it."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    if text == "":
        return None
    if f.choices and text not in f.choices:
        raise ScaffoldError(f"{f.option}: {text!r} is not one of {', '.join(f.choices)}")
    if f.type in ("number", "integer"):
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ScaffoldError(
                f"{f.option}: {text!r} is not a plain number; write it as the source gives it "
                "without currency signs, separators or % (e.g. 94.8 with --unit 'USD bn')"
            )
        if f.type == "integer" and "." in text:
            raise ScaffoldError(f"{f.option}: {text!r} must be a whole number")
        number = float(text)
        return int(number) if "." not in text else number
    if f.type == "list":
        return [part for part in re.split(r"[\s,]+", text.upper()) if part]
    if f.type == "date" and text.lower() in ("null", "unknown", "none"):
        return None
    return text
