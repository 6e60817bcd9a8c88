"""Figures, dates and sources as readers see them: qualifier words and signs, value
scales, dates, source labels and safe links."""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from indicators.dataset import Dataset
from indicators.periods import MONTH_ABBR

LOWER = ("at_least", "more_than")


UPPER = ("at_most", "less_than")


QUALIFIER_WORDS = {
    "exact": "",
    "approximately": "about ",
    "nearly": "nearly ",
    "at_least": "at least ",
    "more_than": "more than ",
    "at_most": "at most ",
    "less_than": "less than ",
    "range": "",
}


QUALIFIER_SIGNS = {
    "exact": "",
    "approximately": "≈",
    "nearly": "≲",
    "at_least": "≥",
    "more_than": ">",
    "at_most": "≤",
    "less_than": "<",
    "range": "",
}


QUALIFIER_NOTES = {
    "approximately": "≈: approximate figure as stated by the source",
    "nearly": "≲: 'nearly', slightly below the figure, as stated by the source",
    "at_least": "≥: lower bound as stated by the source",
    "more_than": ">: lower bound ('more than') as stated by the source",
    "at_most": "≤: upper bound as stated by the source",
    "less_than": "<: upper bound ('less than') as stated by the source",
    "range": "ranges show the low and high figure stated by the source",
}


SOURCE_KIND_RANK = {
    "official_statistics": 0,
    "official_statement": 1,
    "think_tank": 2,
    "company": 3,
    "media": 4,
    "encyclopedia": 5,
    "other": 6,
}


CURRENCY = {"USD": "$", "EUR": "€", "CNY": "¥"}


@dataclass(frozen=True, slots=True)
class Scale:
    """How a chart shows a canonical unit: divide by ``divisor`` and call it ``label``."""

    divisor: float
    label: str
    prefix: str = ""
    suffix: str = ""


def pick_scale(unit: str, values: Iterable[float]) -> Scale:
    finite = [abs(v) for v in values if v is not None and not math.isnan(v)]
    peak = max(finite) if finite else 0.0
    if unit in CURRENCY:
        sign = CURRENCY[unit]
        if peak >= 1e9:
            return Scale(1e9, f"{unit} bn", sign, " bn")
        if peak >= 1e6:
            return Scale(1e6, f"{unit} mn", sign, " mn")
        return Scale(1.0, unit, sign, "")
    named = {"m3": ("bcm", 1e9), "t": ("Mt", 1e6), "TEU": ("thousand TEU", 1e3)}
    if unit in named and peak >= named[unit][1]:
        label, div = named[unit]
        return Scale(div, label, "", f" {label}")
    if unit == "percent":
        return Scale(1.0, "%", "", "%")
    return Scale(1.0, unit, "", f" {unit}" if unit not in ("count",) else "")


def format_number(value: float) -> str:
    if value == 0:
        return "0"
    mag = abs(value)
    if mag >= 100:
        return f"{value:,.0f}"
    if mag >= 10:
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(
    value: float,
    unit: str,
    qualifier: str = "exact",
    value_max: float | None = None,
    *,
    sign: bool = False,
) -> str:
    """'more than $30 bn', '$94.8 bn', '≥ $30 bn' (with sign=True): the qualifier always kept."""
    scale = pick_scale(unit, [value])
    text = f"{scale.prefix}{format_number(value / scale.divisor)}{scale.suffix}"
    if qualifier == "range" and value_max is not None and not pd.isna(value_max):
        text = (
            f"{scale.prefix}{format_number(value / scale.divisor)}–"
            f"{format_number(value_max / scale.divisor)}{scale.suffix}"
        )
    if sign:
        mark = QUALIFIER_SIGNS.get(qualifier, "")
        return f"{mark} {text}".strip() if mark else text
    return QUALIFIER_WORDS.get(qualifier, "") + text


def format_date(text: str | None) -> str:
    """'2025-06-16' -> '16 Jun 2025'; '2025-06' -> 'Jun 2025'; None -> 'n.d.'."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text == "":
        return "n.d."
    parts = str(text).split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTH_ABBR[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTH_ABBR[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def source_label(sources: pd.DataFrame, source_id: str) -> str:
    """A short citation: 'People's Daily, 16 Jun 2025'."""
    row = source_row(sources, source_id)
    if row is None:
        return source_id
    publisher = row["original_publisher"] if isinstance(row["original_publisher"], str) else None
    name = publisher or row["publisher"]
    return f"{name}, {format_date(row['published'])}"


_SOURCE_INDEX: dict[int, dict[str, dict]] = {}


def _source_index(sources: pd.DataFrame) -> dict[str, dict]:
    """Sources by id, built once per sources frame: labels are looked up per datapoint."""
    key = id(sources)
    index = _SOURCE_INDEX.get(key)
    if index is None:
        index = {r["id"]: r for r in sources.to_dict("records")}
        _SOURCE_INDEX[key] = index
        weakref.finalize(sources, _SOURCE_INDEX.pop, key, None)
    return index


def source_row(sources: pd.DataFrame, source_id: str) -> dict | None:
    if sources.empty:
        return None
    return _source_index(sources).get(source_id)


def entity_names(ds: Dataset) -> dict[str, str]:
    return dict(zip(ds.entities["id"], ds.entities["name"], strict=True))


def http_url(url: object) -> str | None:
    """The address if it is http(s), else None: only such links are ever rendered (the
    validator rejects others; this is the second lock)."""
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return url
    return None
