"""The changelog as a reviewer reads it on a pull request: Markdown tables and lists, and the
chart images of what changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from indicators.check.observations import CONFLICT_CODES
from indicators.contrib import diff
from indicators.contrib.diff import Change, Changelog
from indicators.frames.formatting import QUALIFIER_WORDS


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def stated(row: dict[str, Any]) -> str:
    """A figure as its source states it: `more than 30 USD bn`, `30–40 USD bn (target)`."""
    value = _num(row["value_as_stated"])
    unit = row["unit_as_stated"]
    if row["qualifier"] == "range" and row.get("value_max") is not None:
        factor = (row["value"] / row["value_as_stated"]) if row["value_as_stated"] else 1
        text = f"{value}–{_num(row['value_max'] / factor if factor else row['value_max'])} {unit}"
    else:
        text = QUALIFIER_WORDS.get(row["qualifier"], "") + f"{value} {unit}"
    if row.get("basis") and row["basis"] != "actual":
        text += f" ({row['basis']})"
    return text


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _who(row: dict[str, Any]) -> str:
    reporter, partner = row.get("reporter"), row.get("partner")
    who = f"{reporter or '–'} → {partner}" if partner else (reporter or "–")
    label = {"project": "project", "share_of": "share of", "base_period": "vs"}
    extra = [f"{label[k]} {row[k]}" for k in label if row.get(k)]
    if extra:
        who += " (" + ", ".join(extra) + ")"
    return who


def _obs_table(changes: list[Change], side: Callable[[Change], dict[str, Any]]) -> list[str]:
    lines = [
        "| where | indicator | reporter → partner | period | value | source | locator |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in changes:
        r = side(c)
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    f"`{c.where}`",
                    r["indicator"],
                    _who(r),
                    r["period"],
                    stated(r),
                    r["source"],
                    r["locator"],
                )
            )
            + " |"
        )
    return lines


_FIELD_NAMES = {"value_as_stated": "value", "unit_as_stated": "unit", "value_max": "value_max"}


def _change_text(c: Change) -> str:
    old, new = c.old or {}, c.new or {}
    parts = []
    figure = {"value_as_stated", "unit_as_stated", "qualifier", "value_max"}
    if c.table == "observations" and figure & set(c.fields):
        parts.append(f"{stated(old)} → {stated(new)}")
    for f in c.fields:
        if c.table == "observations" and f in figure:
            continue
        a, b = _elide(old.get(f), new.get(f))
        parts.append(f"{_FIELD_NAMES.get(f, f)}: {_short(a)} → {_short(b)}")
    return "; ".join(parts)


def _elide(a: Any, b: Any) -> tuple[Any, Any]:
    """Two long texts that differ late: the shared start replaced by `…`."""
    if not (isinstance(a, str) and isinstance(b, str)) or max(len(a), len(b)) <= 80:
        return a, b
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    cut = a.rfind(" ", 0, n) + 1
    return (("…" + a[cut:]) if cut > 0 else a), (("…" + b[cut:]) if cut > 0 else b)


def _short(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, float):
        return _num(value)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return f"{len(value)} item(s)"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _record_name(c: Change) -> str:
    row = c.new or c.old or {}
    singular = {
        "sources": "source",
        "projects": "project",
        "milestones": "milestone",
        "events": "event",
        "excluded": "excluded figure",
        "indicators": "indicator",
        "entities": "entity",
        "units": "unit",
    }[c.table]
    if c.table == "milestones":
        return f"milestone of `{row['project']}` ({row['date']}: {_short(row['name'])})"
    if c.table == "excluded":
        return f"excluded figure `{row['source']}` {row['locator']}"
    return f"{singular} `{row['id']}`"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def to_markdown(log: Changelog) -> str:
    """The changelog a reviewer reads on a pull request."""
    conflicts = [p for p in log.new_problems if p.code in CONFLICT_CODES]
    warnings = [
        p for p in log.new_problems if p.severity == "warning" and p.code not in CONFLICT_CODES
    ]
    errors = [p for p in log.new_problems if p.severity == "error"]
    out = [f"## Data changes: `{log.base}` → `{log.head}`", ""]
    out.append(
        ", ".join(
            [
                _plural(len(log.added), "datapoint") + " added",
                f"{len(log.removed)} removed",
                f"{len(log.changed)} changed",
                _plural(len(log.records), "other record"),
                _plural(len(conflicts), "new conflict"),
                _plural(len(warnings), "new warning"),
                _plural(len(errors), "new error"),
            ]
        )
        + "."
    )
    if log.empty:
        out += ["", "No datapoint, record or problem changed."]
    if log.added:
        out += [
            "",
            f"### Added datapoints ({len(log.added)})",
            "",
            *_obs_table(log.added, lambda c: c.new or {}),
        ]
    if log.removed:
        out += [
            "",
            f"### Removed datapoints ({len(log.removed)})",
            "",
            *_obs_table(log.removed, lambda c: c.old or {}),
        ]
    if log.changed:
        out += [
            "",
            f"### Changed datapoints ({len(log.changed)})",
            "",
            "| where | datapoint | change |",
            "|---|---|---|",
        ]
        for c in log.changed:
            r = c.new or {}
            name = f"{r['indicator']} {_who(r)} {r['period']} ({r['source']})"
            out.append(f"| `{c.where}` | {_cell(name)} | {_cell(_change_text(c))} |")
    if log.records:
        out += ["", f"### Other records ({len(log.records)})", ""]
        for verb, c in log.records:
            detail = f": {_change_text(c)}" if verb == "changed" else ""
            out.append(f"- {verb} {_record_name(c)} at `{c.where}`{detail}")
    for title, problems in (
        ("New conflicts", conflicts),
        ("New errors", errors),
        ("New warnings", warnings),
    ):
        if problems:
            out += ["", f"### {title} ({len(problems)})", ""]
            out += [f"- `{p.file}:{p.line}` {p.severity}[{p.code}]: {p.message}" for p in problems]
    if log.resolved:
        out += ["", f"### Resolved problems ({len(log.resolved)})", ""]
        out += [f"- `{p.file}` {p.severity}[{p.code}]: {p.message}" for p in log.resolved]
    return "\n".join(out) + "\n"


def changelog_markdown(
    base: str,
    head: str | None = None,
    data: str | Path = "data",
    *,
    charts: Path | None = None,
    today: date | None = None,
) -> str:
    """The Markdown changelog; with ``charts``, also the before/after images of the charts
    whose data changed, written there."""
    with diff.load_revisions(base, head, data, today=today) as (old, new):
        text = to_markdown(diff.compare_loaded(old, new, data))
        if charts is not None:
            from indicators.contrib.diffcharts import render_changed_charts

            text += "\n" + render_changed_charts(old.dataset, new.dataset, charts) + "\n"
    return text
