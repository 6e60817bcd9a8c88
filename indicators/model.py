"""The data model: what each record in a data file may hold.

This is the public contract for contributors; ``data/README.md`` documents it field by
field and the JSON Schemas in ``schema/`` are generated from it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
)
from pydantic_core import PydanticCustomError

from indicators.periods import PeriodError, parse_period

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
_ENTITY = re.compile(r"[A-Z][A-Z0-9_]{1,15}")
_LANG = re.compile(r"[a-z]{2,3}")


def _text(value: Any) -> Any:
    """Numbers typed where text is expected keep their text (``period: 2024``)."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "yaml11-bool",
            "this value was read as a boolean ({value}); quote it if you meant the text",
            {"value": value},
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):
            raise PydanticCustomError(
                "not-a-number", "'{value}' is not a plain number", {"value": value[:60]}
            )
        raise PydanticCustomError(
            "not-a-number", "expected a number, got {kind}", {"kind": type(value).__name__}
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("not-finite", "NaN and infinity are not figures", {})
    return value


def _slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        odd = next((ch for ch in value if not ch.isascii() or not ch.isprintable()), None)
        if odd is not None:  # a look-alike (Cyrillic о) or an invisible character
            raise PydanticCustomError(
                "bad-id",
                "'{value}' is not a valid id: it contains {char} ({name})",
                {
                    "value": value[:60],
                    "char": ascii(odd),
                    "name": unicodedata.name(odd, f"U+{ord(odd):04X}"),
                },
            )
        raise PydanticCustomError("bad-id", "'{value}' is not a valid id", {"value": value[:60]})
    return value


def _entity_id(value: str) -> str:
    if not _ENTITY.fullmatch(value):
        raise PydanticCustomError(
            "bad-entity", "'{value}' is not an entity code", {"value": value[:60]}
        )
    return value


def _period(value: str) -> str:
    try:
        parse_period(value)
    except PeriodError as exc:
        raise PydanticCustomError("bad-period", str(exc), {}) from None
    return value


def _dateish(value: str) -> str:
    """A date at the precision the source gives: 2024, 2024-12 or 2024-12-27."""
    try:
        p = parse_period(value)
    except PeriodError as exc:
        raise PydanticCustomError("bad-date", str(exc), {}) from None
    if p.kind not in ("year", "month", "date"):
        raise PydanticCustomError(
            "bad-date",
            "'{value}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
            {"value": value[:60]},
        )
    return value


def _url(value: str) -> str:
    lowered = value.strip().lower()
    if not (lowered.startswith("http://") or lowered.startswith("https://")):
        raise PydanticCustomError(
            "bad-url",
            "only http:// and https:// addresses are allowed, got '{value}'",
            {"value": value[:80]},
        )
    if any(ch.isspace() for ch in value.strip()) or '"' in value or "<" in value:
        raise PydanticCustomError("bad-url", "the address contains spaces or quotes", {})
    return value.strip()


Text = Annotated[str, BeforeValidator(_text)]
NonEmpty = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=2000)]
Slug = Annotated[str, BeforeValidator(_text), AfterValidator(_slug)]
EntityId = Annotated[str, BeforeValidator(_text), AfterValidator(_entity_id)]
Number = Annotated[float, BeforeValidator(_number)]
PeriodText = Annotated[str, BeforeValidator(_text), AfterValidator(_period)]
DateText = Annotated[str, BeforeValidator(_text), AfterValidator(_dateish)]
Url = Annotated[str, AfterValidator(_url)]

Qualifier = Literal[
    "exact", "approximately", "nearly", "at_least", "more_than", "at_most", "less_than", "range"
]
Basis = Literal["actual", "target", "pledge", "plan", "forecast", "estimate", "design"]
SourceKind = Literal[
    "official_statistics",
    "official_statement",
    "media",
    "think_tank",
    "company",
    "encyclopedia",
    "other",
]
TradeRole = Literal["total", "exports", "imports", "growth", "share"]
IndicatorKind = Literal["flow", "stock", "count", "rate", "share", "level"]
Direction = Literal["directional", "two_way", "none"]
EntityKind = Literal["country", "group", "organisation", "region"]
ProjectKind = Literal[
    "railway",
    "road",
    "pipeline",
    "fibre_optic_cable",
    "air_route",
    "port",
    "dry_port",
    "multimodal_corridor",
    "economic_zone",
    "power_line",
    # A supply or know-how link a report names without a route or a figure.
    "agricultural_link",
    "other",
]
ProjectStatus = Literal[
    "proposed",
    "announced",
    "agreed",
    "planned",
    "under_construction",
    "operational",
    "suspended",
    "cancelled",
]
# Statuses of a project not (yet) built: its bar runs to today, its route is dashed.
NOT_BUILT: tuple[ProjectStatus, ...] = (
    "proposed",
    "announced",
    "agreed",
    "planned",
    "under_construction",
)
Precision = Literal["exact", "approximate", "endpoints_only"]
EventKind = Literal[
    "summit",
    "ministerial",
    "declaration",
    "treaty",
    "agreement",
    "membership",
    "institution",
    "visa",
    "initiative",
    "visit",
    "other",
]

# The events a chart marks with a line: the relationship's turning points.
MAJOR_EVENTS: tuple[EventKind, ...] = (
    "summit",
    "declaration",
    "treaty",
    "membership",
    "institution",
)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Citation(_Record):
    """Where in a registered source a statement is found."""

    source: Slug = Field(description="id of a registered source")
    locator: NonEmpty = Field(description="position inside the source: `fig 3`, `P9`")


class Unit(_Record):
    id: NonEmpty = Field(description="the unit as contributors write it: `USD bn`")
    base: NonEmpty = Field(description="the canonical unit it converts to: `USD`")
    factor: Number = Field(gt=0, description="multiply by this to get the base unit")
    name: Text | None = None


class Indicator(_Record):
    id: Slug
    name: NonEmpty
    description: NonEmpty
    unit: NonEmpty = Field(description="canonical unit: values are converted to it")
    also_accepts: list[NonEmpty] = Field(
        default_factory=list,
        description="other base units kept as stated when no sourced rate converts them (CNY)",
    )
    kind: IndicatorKind
    direction: Direction = "none"
    topic: Slug = Field(description="groups indicators in the dashboard: trade, investment ...")
    allow_negative: StrictBool = False
    role: TradeRole | None = Field(
        None,
        description="what this indicator stands for in the trade charts: `total` (exports "
        "plus imports), `exports`, `imports`, `growth` (of total trade) or "
        "`share` (of total trade)",
    )
    headline: StrictBool = Field(
        False, description="shown by default on its topic's page and in the Overview's cards"
    )


class Entity(_Record):
    id: EntityId = Field(description="ISO 3166-1 alpha-3 code, or a group/organisation code")
    name: NonEmpty
    kind: EntityKind = "country"
    members: list[EntityId] = Field(default_factory=list)
    name_zh: Text | None = None
    name_ru: Text | None = None


class Source(_Record):
    id: Slug
    title: NonEmpty
    publisher: NonEmpty
    original_publisher: Text | None = Field(
        None, description="the outlet that first published it, where this is a mirror or repost"
    )
    published: DateText | None = Field(description="YYYY, YYYY-MM or YYYY-MM-DD, or null")
    published_note: Text | None = Field(
        None, description="context for an unknown or approximate date"
    )
    url: Url | None = Field(
        description="the page's http(s) address; null only with url_note saying why it is unknown"
    )
    url_note: Text | None = Field(None, description="why the address is unknown, when url is null")
    language: Annotated[str, AfterValidator(lambda v: v if _LANG.fullmatch(v) else _bad_lang(v))]
    accessed: DateText | None = None
    kind: SourceKind = "media"
    figures: Annotated[int, Field(ge=0)] | None = Field(
        None, description="how many figures the report lists, so coverage can be checked"
    )


def _bad_lang(value: str) -> str:
    raise PydanticCustomError(
        "bad-language", "'{value}' is not an ISO 639-1 code such as `en`", {"value": value[:20]}
    )


class Observation(_Record):
    indicator: Slug
    reporter: EntityId | None = Field(
        None, description="whose statistics or statement: `CHN` for China's customs"
    )
    partner: EntityId | None = None
    period: PeriodText
    value: Number
    value_max: Number | None = Field(None, description="upper end, with qualifier `range`")
    unit: NonEmpty
    qualifier: Qualifier = "exact"
    basis: Basis = "actual"
    source: Slug
    locator: NonEmpty
    note: Text | None = None
    project: Slug | None = None
    event: Slug | None = Field(None, description="the event where a target or pledge was made")
    base_period: PeriodText | None = Field(
        None, description="for a growth rate or change: the period it compares against"
    )
    share_of: EntityId | None = Field(
        None, description="for a share: the total it is a share of (`C5` for China–C5 trade)"
    )


class Waypoint(_Record):
    name: NonEmpty
    lat: Number = Field(ge=-90, le=90)
    lon: Number = Field(ge=-180, le=180)


class Route(_Record):
    precision: Precision
    waypoints: list[Waypoint] = Field(min_length=2)


class StatusReport(_Record):
    status: ProjectStatus
    as_of: DateText
    source: Slug
    locator: NonEmpty
    note: Text | None = None


class Milestone(_Record):
    date: DateText
    name: NonEmpty
    source: Slug
    locator: NonEmpty
    note: Text | None = None


class Project(_Record):
    id: Slug
    name: NonEmpty
    kind: ProjectKind
    countries: list[EntityId] = Field(min_length=1)
    part_of: Slug | None = None
    status: list[StatusReport] = Field(min_length=1)
    route: Route | None = None
    location: Waypoint | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    note: Text | None = None


class Event(_Record):
    id: Slug
    date: DateText
    end_date: DateText | None = None
    name: NonEmpty
    kind: EventKind
    countries: list[EntityId] = Field(default_factory=list)
    place: Text | None = None
    sources: list[Citation] = Field(min_length=1)
    note: Text | None = None


class Excluded(_Record):
    source: Slug
    locator: NonEmpty
    reason: NonEmpty


class Descriptor(_Record):
    """``dataset.yaml``: which relationship a dataset follows."""

    id: Slug = Field(description="the dataset's slug, used in the URL (`?dataset=`)")
    title: NonEmpty
    description: NonEmpty
    focus: EntityId = Field(description="the country whose relationships the dataset follows")
    partners: list[EntityId] = Field(min_length=1, description="its declared partners")
    group: EntityId | None = Field(
        None, description="the entity that stands for the partners' total (`C5`)"
    )
    licence: NonEmpty = Field(description="the data's licence: `CC BY 4.0`")


SECTIONS: dict[str, type[_Record]] = {
    "units": Unit,
    "indicators": Indicator,
    "entities": Entity,
    "sources": Source,
    "observations": Observation,
    "projects": Project,
    "events": Event,
    "excluded": Excluded,
}


def as_date(text: str | None) -> date | None:
    """The first day a date-ish text can mean (2024 -> 2024-01-01)."""
    if text is None:
        return None
    p = parse_period(text)
    return p.start if p.start is not None else p.end
