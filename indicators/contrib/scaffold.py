"""New records for contributors: a correct skeleton appended to the right data file.

``indicators new source|observation|project|event`` takes each field as an option (or asks
for it in a terminal), writes the record where the layout convention puts it, validates
the whole dataset and takes the record back out if it brought a new error.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from indicators.contrib.fields import FIELDS, Field, ScaffoldError, parse_value
from indicators.contrib.yamlwrite import Flow, insert_record
from indicators.loader import load_dataset, validate_dataset
from indicators.problems import Problem

SECTION = {
    "source": "sources",
    "observation": "observations",
    "project": "projects",
    "event": "events",
}
_DATE_FIELDS = {"published", "accessed", "as_of", "date", "end_date"}
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Added:
    """What `new` wrote: the file, the lines of the new record, and what the check found."""

    file: Path
    first_line: int
    last_line: int
    text: str
    warnings: list[Problem] = field(default_factory=list)


# ---- reading the given values ------------------------------------------------------------


def gather_values(
    kind: str,
    given: dict[str, Any],
    *,
    interactive: bool,
    ask: Callable[[Field, Any], str] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Every field of a new record: from the options, inferred, or asked for in a terminal.

    Without a terminal a missing required field is an error that names its option.
    """
    values: dict[str, Any] = {}
    missing: list[Field] = []
    for f in FIELDS[kind]:
        value = parse_value(f, given.get(f.name))
        if value is None and f.name == "accessed" and kind == "source":
            value = (today or date.today()).isoformat()
        if value is None and interactive and f.ask and ask is not None:
            for _ in range(3):
                try:
                    value = parse_value(f, ask(f, f.default))
                except ScaffoldError as exc:
                    print(exc)
                    continue
                if value is not None or not f.required or f.default is not None:
                    break
        if value is None:
            value = f.default
        if value is None and f.required:
            missing.append(f)
        values[f.name] = value
    if missing:
        raise ScaffoldError(
            "missing " + ", ".join(f.option for f in missing) + " (give them as options, or "
            "run the command in a terminal to be asked; `indicators new "
            + kind
            + " --help` lists every field)"
        )
    return values


def build_record(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The record as it goes into the data file, fields in the documented order."""
    v = {k: (_as_date(val) if k in _DATE_FIELDS else val) for k, val in values.items()}
    if kind == "source":
        record = {k: v[k] for k in ("id", "title", "publisher", "original_publisher")}
        record["published"] = v["published"]
        for k in ("published_note", "url", "language", "kind", "accessed", "figures"):
            record[k] = v[k]
        return {k: val for k, val in record.items() if val is not None or k == "published"}
    if kind == "observation":
        order = (
            "indicator",
            "reporter",
            "partner",
            "period",
            "value",
            "value_max",
            "unit",
            "qualifier",
            "basis",
            "base_period",
            "share_of",
            "source",
            "locator",
            "project",
            "event",
            "note",
        )
        record = {k: v[k] for k in order if v[k] is not None}
        if record.get("basis") == "actual":
            del record["basis"]  # the default; spelled out only when it is not
        return record
    if kind == "project":
        record = {
            k: v[k] for k in ("id", "name", "kind", "countries", "part_of") if v[k] is not None
        }
        record["status"] = [
            Flow(status=v["status"], as_of=v["as_of"], source=v["source"], locator=v["locator"])
        ]
        return record
    record = {
        k: v[k]
        for k in ("id", "date", "end_date", "name", "kind", "countries", "place")
        if v[k] is not None
    }
    record["sources"] = [Flow(source=v["source"], locator=v["locator"])]
    return record


def _as_date(value: Any) -> Any:
    """A full date is written unquoted (`as_of: 2024-12-27`), as in the data files."""
    if isinstance(value, str) and _FULL_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value  # the validator explains what is wrong with it
    return value


# ---- where a record goes -----------------------------------------------------------------


def target_file(kind: str, values: dict[str, Any], data_root: Path) -> Path:
    """The file the layout convention puts a new record in (data/README.md, Layout)."""
    if kind == "source":
        return data_root / "reports" / f"{values['id']}.yaml"
    if kind == "project":
        return data_root / "projects" / f"{values['id']}.yaml"
    if kind == "event":
        topic = str(values["topic"]).removesuffix(".yaml")
        return data_root / "events" / f"{topic}.yaml"
    ds = load_dataset(data_root)
    rows = ds.sources[ds.sources["id"] == values["source"]]
    if rows.empty:
        raise ScaffoldError(
            f"unknown source {values['source']!r}: register it first with "
            "`indicators new source`, or fix the spelling"
        )
    return Path(rows.iloc[0]["file"])


def _existing_ids(kind: str, data_root: Path) -> set[str]:
    ds = load_dataset(data_root)
    table = {"source": ds.sources, "project": ds.projects, "event": ds.events}[kind]
    return set(table["id"]) if not table.empty else set()


def add(
    kind: str,
    values: dict[str, Any],
    data_root: str | Path = "data",
    *,
    file: str | Path | None = None,
    dry_run: bool = False,
) -> Added:
    """Write a new record and validate the dataset; a new error takes the record back out."""
    data_root = Path(data_root)
    if not data_root.is_dir():
        raise ScaffoldError(f"{data_root} is not a folder; pass the data folder with --data")
    if kind in ("source", "project", "event") and values["id"] in _existing_ids(kind, data_root):
        raise ScaffoldError(
            f"{kind} id {values['id']!r} already exists; choose another id "
            "(ids are unique across all files)"
        )
    path = Path(file) if file else target_file(kind, values, data_root)
    if kind in ("source", "project") and not file and path.exists():
        raise ScaffoldError(
            f"{path} already exists; a {kind} gets a file of its own "
            "(choose another id, or pass --file)"
        )
    record = build_record(kind, values)
    before_text = path.read_text(encoding="utf-8") if path.exists() else None
    new_text, first, last = insert_record(before_text, SECTION[kind], record)
    entry = "".join(new_text.splitlines(keepends=True)[first - 1 : last])
    added = Added(path, first, last, entry)
    if dry_run:
        return added
    before = Counter(p.identity for p in validate_dataset(data_root).problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new_text, encoding="utf-8")
    report = validate_dataset(data_root)
    new_problems = []
    for p in report.sorted():
        in_record = Path(p.file).resolve() == path.resolve() and first <= p.line <= last
        if before[p.identity] > 0 and not in_record:
            before[p.identity] -= 1
            continue
        new_problems.append(p)
    errors = [p for p in new_problems if p.severity == "error"]
    if errors:
        if before_text is None:
            path.unlink()
        else:
            path.write_text(before_text, encoding="utf-8")
        raise ScaffoldError(
            "the new record was not kept: it does not validate\n"
            + "\n".join(p.format() for p in errors)
        )
    added.warnings = [p for p in new_problems if p.severity != "error"]
    return added
