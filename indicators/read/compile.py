"""One data file in, its validated records and their positions out (the per-file step).

This step is pure in the file's bytes, so its result is cached by content hash
(``cache.py``): an unchanged file is never parsed twice.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from indicators.model import SECTIONS, Descriptor
from indicators.problems import Problem
from indicators.read.modelerrors import pydantic_problem
from indicators.read.obsblock import ObservationBlock
from indicators.read.yamlnodes import REJECTED, parse_yaml, position

Pos = tuple[int, int]

_ADAPTERS = {name: TypeAdapter(list[model]) for name, model in SECTIONS.items()}
_FIELDS = {name: sorted(model.model_fields) for name, model in SECTIONS.items()}


@dataclass(slots=True)
class Record:
    """A validated record with the position of each of its fields (dotted paths)."""

    data: dict[str, Any]
    line: int
    pos: dict[str, Pos]

    def __reduce__(self) -> tuple:
        # Every cached file holds records: a plain tuple unpickles several times faster
        # than the generic route for slotted dataclasses.
        return (Record, (self.data, self.line, self.pos))


@dataclass(slots=True)
class CompiledFile:
    """One file's valid records (observations as columns, the rest as records) and problems."""

    file: str
    sections: dict[str, list[Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    observations: ObservationBlock | None = None

    def __reduce__(self) -> tuple:
        return (CompiledFile, (self.file, self.sections, self.problems, self.observations))

    def named(self, file: str) -> CompiledFile:
        """This result as the file ``file`` (compiled results are cached by content alone)."""
        return CompiledFile(
            file,
            self.sections,
            [dataclasses.replace(p, file=file) for p in self.problems],
            self.observations,
        )


def _positions(node: Node, prefix: str, out: dict[str, Pos]) -> None:
    if isinstance(node, MappingNode):
        for key, val in node.value:
            if isinstance(key, ScalarNode):
                path = f"{prefix}.{key.value}" if prefix else key.value
                out[path] = position(key)
                if not isinstance(val, ScalarNode):
                    _positions(val, path, out)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            path = f"{prefix}.{i}" if prefix else str(i)
            out[path] = position(item)
            if not isinstance(item, ScalarNode):
                _positions(item, path, out)


def _decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    problems: list[Problem] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        problems.append(
            Problem(
                "bom",
                "the file starts with a byte-order mark",
                file,
                1,
                1,
                hint="save the file as UTF-8 without BOM",
                severity="warning",
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            Problem(
                "encoding",
                f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                file,
                line,
                col,
                hint="re-save the file with UTF-8 encoding",
            )
        )
        return None, problems
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(
            Problem(
                "encoding",
                "the file contains a NUL character",
                file,
                line,
                1,
                hint="this looks like a binary file; data files are UTF-8 text",
            )
        )
        return None, problems
    return text, problems


def compile_text(raw: bytes, file: str) -> CompiledFile:
    """Parse and validate one file. Never raises on bad data."""
    out = CompiledFile(file)
    text, problems = _decode(raw, file)
    out.problems.extend(problems)
    if text is None:
        return out
    parsed, problems = parse_yaml(text, file)
    out.problems.extend(problems)
    root = parsed.root
    if root is None:
        if not problems:
            out.problems.append(
                Problem(
                    "empty-file",
                    "the file holds no data",
                    file,
                    1,
                    1,
                    hint="add a section such as `observations:` or delete the file",
                    severity="warning",
                )
            )
        return out
    if not isinstance(parsed.value, dict) or not isinstance(root, MappingNode):
        line, col = position(root)
        out.problems.append(
            Problem(
                "top-level",
                "the top level of a data file must be a mapping of sections",
                file,
                line,
                col,
                hint="start the file with a section name such as `observations:` and list "
                "records under it",
            )
        )
        return out
    for key_node, val_node in root.value:
        if not isinstance(key_node, ScalarNode):
            continue
        section = key_node.value
        if section not in SECTIONS:
            line, col = position(key_node)
            close = difflib.get_close_matches(section, list(SECTIONS), n=1)
            out.problems.append(
                Problem(
                    "unknown-section",
                    f"unknown section {section!r}",
                    file,
                    line,
                    col,
                    section,
                    f"did you mean `{close[0]}`?" if close else "sections: " + ", ".join(SECTIONS),
                )
            )
            continue
        items = parsed.value.get(section)
        if items is None:
            continue
        if not isinstance(items, list) or not isinstance(val_node, SequenceNode):
            line, col = position(val_node)
            out.problems.append(
                Problem(
                    "top-level",
                    f"section {section!r} must be a list of records",
                    file,
                    line,
                    col,
                    section,
                    "put each record after a `- ` on its own line",
                )
            )
            continue
        _compile_section(section, items, val_node, root, file, out)
    return out


_DESCRIPTOR = TypeAdapter(Descriptor)


def compile_descriptor(raw: bytes, file: str) -> tuple[Record | None, list[Problem]]:
    """``dataset.yaml``: one mapping, validated as a :class:`Descriptor`, with positions."""
    text, problems = _decode(raw, file)
    if text is None:
        return None, problems
    parsed, more = parse_yaml(text, file)
    problems += more
    root = parsed.root
    if root is None or not isinstance(parsed.value, dict) or not isinstance(root, MappingNode):
        if not more:
            line, col = position(root) if root is not None else (1, 1)
            problems.append(
                Problem(
                    "top-level",
                    "dataset.yaml must be a mapping of id, title, description, focus, "
                    "partners, group and licence",
                    file,
                    line,
                    col,
                    hint="see data/README.md, 'dataset.yaml', for an example",
                )
            )
        return None, problems
    try:
        obj = _DESCRIPTOR.validate_python(parsed.value)
    except ValidationError as exc:
        problems += [
            pydantic_problem(err, None, root, file)
            for err in exc.errors(include_url=False)
            if err.get("input") is not REJECTED
        ]
        return None, problems
    pos: dict[str, Pos] = {}
    _positions(root, "", pos)
    return Record(obj.model_dump(), position(root)[0], pos), problems


def _compile_section(
    section: str, items: list[Any], seq: SequenceNode, root: Node, file: str, out: CompiledFile
) -> None:
    model = SECTIONS[section]
    try:
        models = list(enumerate(_ADAPTERS[section].validate_python(items)))
    except ValidationError as exc:
        bad: set[int] = set()
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            if loc and isinstance(loc[0], int):
                bad.add(loc[0])
            given = err.get("input")
            if given is REJECTED or (
                isinstance(given, list) and given and all(v is REJECTED for v in given)
            ):
                continue  # already reported where the YAML was read (an alias, a tag)
            out.problems.append(pydantic_problem(err, section, root, file))
        # The valid records of a file with a bad one still load: one typo must not
        # hide a whole file's data (the typo itself is reported above).
        models = [(i, model.model_validate(item)) for i, item in enumerate(items) if i not in bad]
    if section == "observations":
        out.observations = ObservationBlock.build(
            [obj.model_dump() for _, obj in models], [seq.value[i] for i, _ in models]
        )
        return
    records: list[Record] = []
    for i, obj in models:
        node = seq.value[i]
        pos: dict[str, Pos] = {}
        _positions(node, "", pos)
        records.append(Record(obj.model_dump(), position(node)[0], pos))
    out.sections[section] = records


@dataclass(slots=True)
class Located:
    """A record together with the file it came from."""

    file: str
    record: Record
    bad: bool = False

    @property
    def data(self) -> dict[str, Any]:
        return self.record.data

    def at(self, path: str, code: str, message: str, hint: str, severity: str = "error") -> Problem:
        line, col = self.record.pos.get(path, (self.record.line, 1))
        if severity == "error":
            self.bad = True  # an erroneous record is reported and kept out of the frames
        return Problem(code, message, self.file, line, col, path, hint, severity)  # type: ignore[arg-type]


def gather(files: Iterable[CompiledFile]) -> dict[str, list[Located]]:
    out: dict[str, list[Located]] = defaultdict(list)
    for cf in files:
        for section, records in cf.sections.items():
            out[section].extend(Located(cf.file, r) for r in records)
    return out
