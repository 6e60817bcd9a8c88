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
from typing import Any, get_args

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from indicators import model
from indicators.loader import load_dataset, validate_dataset
from indicators.problems import Problem

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
            _Flow(status=v["status"], as_of=v["as_of"], source=v["source"], locator=v["locator"])
        ]
        return record
    record = {
        k: v[k]
        for k in ("id", "date", "end_date", "name", "kind", "countries", "place")
        if v[k] is not None
    }
    record["sources"] = [_Flow(source=v["source"], locator=v["locator"])]
    return record


def _as_date(value: Any) -> Any:
    """A full date is written unquoted (`as_of: 2024-12-27`), as in the data files."""
    if isinstance(value, str) and _FULL_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value  # the validator explains what is wrong with it
    return value


# ---- writing YAML ------------------------------------------------------------------------


class _Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line: `{source: x, locator: fig 1}`."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # lists indented under their key, as in data/


def _represent_str(dumper: _Dumper, value: str) -> yaml.Node:
    style = None
    if dumper.resolve(ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
        style = '"'  # "2024", "NO", "1:30": text that YAML would read as something else
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: _Dumper, value: list[Any]) -> yaml.Node:
    flow = all(not isinstance(v, (list, dict)) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _represent_dict(dumper: _Dumper, value: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping(
        "tag:yaml.org,2002:map", list(value.items()), flow_style=isinstance(value, _Flow)
    )


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(_Flow, _represent_dict)


def render(record: dict[str, Any], *, flow: bool, indent: int = 2) -> str:
    """The record as a list item at ``indent`` spaces, one line when ``flow``."""
    data = _Flow(record) if flow else dict(record)
    text = yaml.dump(
        [data],
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,
        default_flow_style=False,
        indent=2,
    )
    return "".join(" " * indent + line + "\n" for line in text.splitlines())


def insert_record(text: str | None, section: str, record: dict[str, Any]) -> tuple[str, int, int]:
    """``text`` with ``record`` appended to ``section`` (created if missing), in the style of
    the section's last item. Returns the new text and the 1-based lines of the record."""
    if not text or not text.strip():
        entry = render(record, flow=False)
        head = f"{section}:\n"
        return head + entry, 2, 1 + entry.count("\n")
    lines = text.splitlines(keepends=True)
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode):
        raise ScaffoldError(
            "the file's top level is not a mapping of sections; "
            "fix it first (`indicators validate` shows where)"
        )
    keys = [k for k, _ in root.value]
    for i, (key, seq) in enumerate(root.value):
        if not (isinstance(key, ScalarNode) and key.value == section):
            continue
        end = keys[i + 1].start_mark.line if i + 1 < len(keys) else len(lines)
        at = end
        while at > key.start_mark.line + 1 and (
            not lines[at - 1].strip() or lines[at - 1].startswith("#")
        ):
            at -= 1
        if isinstance(seq, SequenceNode) and seq.flow_style:
            raise ScaffoldError(
                f"section {section!r} is a one-line [...] list; write it as "
                "a block list (one `- ` item per line) first"
            )
        if isinstance(seq, SequenceNode) and seq.value:
            last = seq.value[-1]
            before = lines[last.start_mark.line][: last.start_mark.column].rstrip()
            dash = len(before) - 1 if before.endswith("-") else 2
            flow = isinstance(last, MappingNode) and bool(last.flow_style)
        else:
            dash, flow = 2, False
        entry = render(record, flow=flow, indent=dash)
        new = [*lines[:at], entry, *lines[at:]]
        return "".join(new), at + 1, at + entry.count("\n")
    entry = render(record, flow=False)
    sep = "" if not lines[-1].strip() else "\n"
    start = len(lines) + len(sep) + 2
    return "".join(lines) + sep + f"{section}:\n" + entry, start, start + entry.count("\n") - 1


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


def _key(p: Problem) -> tuple[str, str, str, str]:
    # Lines move when a record is inserted above; the problem stays the same problem.
    return (p.code, p.file, p.field, re.sub(r"(\.ya?ml):\d+", r"\1", p.message))


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
    before = Counter(_key(p) for p in validate_dataset(data_root).problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new_text, encoding="utf-8")
    report = validate_dataset(data_root)
    new_problems = []
    for p in report.sorted():
        in_record = Path(p.file).resolve() == path.resolve() and first <= p.line <= last
        if before[_key(p)] > 0 and not in_record:
            before[_key(p)] -= 1
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
