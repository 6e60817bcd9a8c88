"""Periods as sources state them: a year, a quarter, a month, a day, a span, or "up to" a date.

Written forms (all strings in the data files):

========================  ===========  ============================================
form                      kind         meaning
========================  ===========  ============================================
``2024``                  year         calendar year 2024
``2024-Q2``               quarter      April to June 2024
``2024-H1``               half         January to June 2024
``2024-05``               month        May 2024
``2024-05-18``            date         one day (a stock "as at" that day)
``2024-01/2024-05``       span         January to May 2024 (months, days or years)
``..2025-06``             cumulative   everything up to the end of June 2025
========================  ===========  ============================================

A span inside one calendar year that is not the whole year is a *partial* period:
it never joins an annual series.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_HALF = re.compile(r"(\d{4})-H([12])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class PeriodError(ValueError):
    """A period string that names no real stretch of time."""


@dataclass(frozen=True, slots=True)
class Period:
    text: str
    kind: str  # year | quarter | half | month | date | span | cumulative
    start: date | None
    end: date

    @property
    def year(self) -> int:
        return self.end.year

    @property
    def is_partial_year(self) -> bool:
        """Inside one calendar year but shorter than it (Jan–May, H1, Q3...)."""
        if self.kind in ("quarter", "half", "month"):
            return True
        if self.kind == "span" and self.start is not None:
            whole = self.start == date(self.start.year, 1, 1) and self.end == date(
                self.end.year, 12, 31
            )
            return self.start.year == self.end.year and not whole
        return False

    def label(self) -> str:
        """A short human label: '2024', 'Jan–May 2024', 'up to Jun 2025'."""
        if self.kind == "year":
            return self.text
        if self.kind in ("quarter", "half"):
            year, part = self.text.split("-")
            return f"{part} {year}"
        if self.kind == "date":
            return _short(self.end, 2)
        if self.kind == "month":
            return f"{MONTH_ABBR[self.end.month - 1]} {self.end.year}"
        if self.kind == "cumulative":
            return f"up to {_short(self.end, self.text[2:].count('-'))}"
        assert self.start is not None
        if self.start.year == self.end.year and self.start.day == 1 and _is_month_end(self.end):
            if self.start.month == 1 and self.end.month == 12:
                return str(self.end.year)
            return (
                f"{MONTH_ABBR[self.start.month - 1]}–{MONTH_ABBR[self.end.month - 1]}"
                f" {self.end.year}"
            )
        if (
            self.start.month == 1
            and self.start.day == 1
            and self.end.month == 12
            and (self.end.day == 31)
        ):
            return f"{self.start.year}–{self.end.year}"
        return f"{_short(self.start, 2)} to {_short(self.end, 2)}"

    def partial_label(self) -> str:
        """The within-year part of a partial period ('Jan–May'), to group same spans by year."""
        if not self.is_partial_year or self.start is None:
            return ""
        return (
            f"{MONTH_ABBR[self.start.month - 1]}–{MONTH_ABBR[self.end.month - 1]}"
            if self.start.month != self.end.month
            else MONTH_ABBR[self.end.month - 1]
        )


def _is_month_end(d: date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def _short(d: date, dashes: int) -> str:
    if dashes == 0:
        return str(d.year)
    if dashes == 1:
        return f"{MONTH_ABBR[d.month - 1]} {d.year}"
    return f"{d.day} {MONTH_ABBR[d.month - 1]} {d.year}"


def _point(text: str, *, as_end: bool) -> tuple[date, str]:
    """One endpoint: a year, a month or a day, taken at its start or at its end."""
    try:
        if m := _DAY.fullmatch(text):
            y, mo, d = (int(g) for g in m.groups())
            return date(y, mo, d), "date"
        if m := _MONTH.fullmatch(text):
            y, mo = int(m.group(1)), int(m.group(2))
            last = calendar.monthrange(y, mo)[1] if 1 <= mo <= 12 else 0
            return date(y, mo, last if as_end else 1), "month"
        if m := _YEAR.fullmatch(text):
            y = int(m.group(1))
            return (date(y, 12, 31) if as_end else date(y, 1, 1)), "year"
    except ValueError as exc:
        raise PeriodError(f"{text!r} is not a real date ({exc})") from None
    raise PeriodError(f"{text!r} is not a year, month (YYYY-MM) or day (YYYY-MM-DD)")


@lru_cache(maxsize=65536)
def parse_period(text: str) -> Period:
    """The period a text names. Periods repeat across datapoints and a Period is
    immutable, so each distinct text is parsed once."""
    return _parse_period(text)


def _parse_period(text: str) -> Period:
    text = text.strip()
    if m := _QUARTER.fullmatch(text):
        y, q = int(m.group(1)), int(m.group(2))
        end_month = q * 3
        return Period(
            text,
            "quarter",
            date(y, end_month - 2, 1),
            date(y, end_month, calendar.monthrange(y, end_month)[1]),
        )
    if m := _HALF.fullmatch(text):
        y, h = int(m.group(1)), int(m.group(2))
        return Period(
            text,
            "half",
            date(y, 1 if h == 1 else 7, 1),
            date(y, 6, 30) if h == 1 else date(y, 12, 31),
        )
    if text.startswith(".."):
        end, _ = _point(text[2:], as_end=True)
        return Period(text, "cumulative", None, end)
    if "/" in text:
        left, _, right = text.partition("/")
        start, _ = _point(left, as_end=False)
        end, _ = _point(right, as_end=True)
        if end < start:
            raise PeriodError(f"the span {text!r} ends before it starts")
        return Period(text, "span", start, end)
    start, kind = _point(text, as_end=False)
    end, _ = _point(text, as_end=True)
    return Period(text, kind, start, end)
