"""Strict YAML reading: the C parser's nodes, turned into plain values by our own rules.

PyYAML's constructors silently keep the last of two duplicate keys and apply YAML 1.1
(``NO`` is false, ``0755`` is octal, ``1:30`` is 90). We compose nodes with the C parser,
which keeps every node's line and column, and construct values ourselves so that those
surprises become located problems instead of quietly changed data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from indicators.problems import Problem

try:  # pragma: no cover - depends on how PyYAML was built
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))
_SPECIAL_FLOATS = {
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "+.inf": math.inf,
    "+.Inf": math.inf,
    "+.INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
}
# Guards against hostile files: a parser working on these should fail fast, not for minutes.
MAX_FLOW_DEPTH = 64
MAX_DEPTH = 64  # block nesting too: a data file needs six levels, libyaml allows 1000
MAX_NODES = 5_000_000

Path = tuple[str | int, ...]


@dataclass(slots=True)
class Parsed:
    """The values of one YAML document and the node tree that locates them."""

    value: Any
    root: Node | None


def position(node: Node) -> tuple[int, int]:
    """1-based line and column of a node's first character."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def locate(root: Node | None, path: Sequence[str | int]) -> tuple[int, int]:
    """Line and column of the deepest node along ``path`` (a missing key points at its parent).

    For a mapping entry we point at the key: that is where a contributor looks to fix
    a typo, and for a wrong value the key sits on the same line.
    """
    if root is None:
        return 1, 1
    node: Node = root
    best = position(node)
    for step in path:
        if isinstance(node, MappingNode) and isinstance(step, str):
            for key, val in node.value:
                if isinstance(key, ScalarNode) and key.value == step:
                    best = position(key)
                    node = val
                    break
            else:
                return best
        elif isinstance(node, SequenceNode) and isinstance(step, int):
            if 0 <= step < len(node.value):
                node = node.value[step]
                best = position(node)
            else:
                return best
        else:
            return best
    return best


_FLOW_CHARS = re.compile(r"[\[\]{}\"']")


def _flow_depth_ok(text: str) -> tuple[bool, int]:
    """A cheap pre-scan: libyaml's composer recurses per nesting level.

    Only brackets and quote marks matter, so the scan jumps from one to the next; a quote
    is only tracked inside brackets, and the line is counted only when reporting.
    """
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return True, 0  # fewer openers than the limit cannot nest deeper than it
    depth = 0
    quote = ""
    for m in _FLOW_CHARS.finditer(text):
        ch = m.group()
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return False, text.count("\n", 0, m.start()) + 1
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif depth:
            quote = ch
    return True, 0


def _line(text: str, line: int) -> str:
    """Line ``line`` (1-based) of ``text``, or '' past the end (only for error messages)."""
    lines = text.splitlines()
    return lines[line - 1] if 1 <= line <= len(lines) else ""


def _tab_indented(text: str, line: int) -> bool:
    """Whether line ``line`` (1-based) is indented with a tab."""
    row = _line(text, line)
    return "\t" in row[: len(row) - len(row.lstrip(" \t"))]


def parse_yaml(text: str, file: str) -> tuple[Parsed, list[Problem]]:
    """Parse one YAML document strictly. Never raises on bad input."""
    problems: list[Problem] = []
    if "[" in text or "{" in text:
        ok, line = _flow_depth_ok(text)
        if not ok:
            problems.append(
                Problem(
                    "yaml-too-deep",
                    f"brackets nest deeper than {MAX_FLOW_DEPTH} levels",
                    file,
                    line,
                    1,
                    hint="data files are flat lists of records; remove the nesting",
                )
            )
            return Parsed(None, None), problems
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        if "nesting depth" in msg:
            problems.append(
                Problem(
                    "yaml-too-deep",
                    "the document nests too deeply to read",
                    file,
                    line,
                    col,
                    hint="data files are flat lists of records; remove the nesting",
                )
            )
        elif "another document" in msg:
            problems.append(
                Problem(
                    "yaml-syntax",
                    f"YAML syntax error: {msg}",
                    file,
                    line,
                    col,
                    hint="a data file holds one document: remove this `---` (or split the file)",
                )
            )
        elif col == 1 and "block mapping" in msg and _line(text, line).startswith("-"):
            problems.append(
                Problem(
                    "yaml-syntax",
                    f"YAML syntax error: {msg}",
                    file,
                    line,
                    col,
                    hint="a list item at the top level, beside the sections: the top level is a "
                    "mapping of sections, so indent it under one such as `observations:`",
                )
            )
        elif _tab_indented(text, line):
            problems.append(
                Problem(
                    "yaml-syntax",
                    f"YAML syntax error: {msg}",
                    file,
                    line,
                    col,
                    hint="a tab indents this line: YAML indents with spaces only; replace the tab",
                )
            )
        else:
            problems.append(
                Problem(
                    "yaml-syntax",
                    f"YAML syntax error: {msg}",
                    file,
                    line,
                    col,
                    hint="check indentation and quoting on this line; indent with spaces, not tabs",
                )
            )
        return Parsed(None, None), problems
    except yaml.YAMLError as exc:
        problems.append(
            Problem(
                "yaml-syntax",
                f"YAML error: {exc}",
                file,
                1,
                1,
                hint="this file is not a single YAML document",
            )
        )
        return Parsed(None, None), problems
    except RecursionError:
        problems.append(
            Problem(
                "yaml-too-deep",
                "the document nests too deeply to read",
                file,
                1,
                1,
                hint="data files are flat lists of records",
            )
        )
        return Parsed(None, None), problems
    if root is None:
        return Parsed(None, None), problems
    builder = _Builder(file, problems)
    try:
        value = builder.build(root)
    except RecursionError:
        problems.append(
            Problem(
                "yaml-too-deep",
                "the document nests too deeply to read",
                file,
                1,
                1,
                hint="data files are flat lists of records",
            )
        )
        return Parsed(None, None), problems
    except _TooBig:
        problems.append(
            Problem(
                "yaml-too-big",
                f"more than {MAX_NODES} YAML nodes",
                file,
                1,
                1,
                hint="split the file into smaller files",
            )
        )
        return Parsed(None, None), problems
    except _TooDeep as exc:
        line, col = position(exc.node)
        problems.append(
            Problem(
                "yaml-too-deep",
                f"lists and mappings nest deeper than {MAX_DEPTH} levels",
                file,
                line,
                col,
                hint="data files are flat lists of records; remove the nesting",
            )
        )
        return Parsed(None, None), problems
    return Parsed(value, root), problems


class _TooBig(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, node: Node) -> None:
        super().__init__()
        self.node = node


class _Rejected:
    """Stands in for a node already reported (a tag, an alias), so that the model does
    not report the same place a second time as a wrong type."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<rejected>"


REJECTED = _Rejected()


class _Builder:
    """Turns nodes into dicts, lists and scalars, reporting what YAML would hide."""

    __slots__ = ("count", "depth", "file", "problems", "reported", "seen")

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        self.seen: set[int] = set()
        self.reported: set[int] = set()
        self.count = 0
        self.depth = 0

    def _problem(self, node: Node, code: str, message: str, hint: str) -> None:
        line, col = position(node)
        self.problems.append(Problem(code, message, self.file, line, col, hint=hint))

    def build(self, node: Node) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        # The composer hands back the same node object for every alias of an anchor;
        # expanding them is how "billion laughs" files eat memory.
        # One problem per anchor, however often it is reused.
        if id(node) in self.seen:
            if id(node) not in self.reported:
                self.reported.add(id(node))
                self._problem(
                    node,
                    "yaml-alias",
                    "anchors and aliases (&name, *name) are not allowed",
                    "write the value out in full",
                )
            return REJECTED
        self.seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS:
            self._problem(
                node,
                "yaml-tag",
                f"the YAML tag {node.tag!r} is not allowed",
                "remove the tag: data files hold plain text, numbers, lists and mappings",
            )
            return REJECTED
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(node)
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item) for item in node.value]
            if isinstance(node, MappingNode):
                return self.mapping(node)
        finally:
            self.depth -= 1
        return None  # pragma: no cover - the composer makes no other node kinds

    def mapping(self, node: MappingNode) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, Node] = {}
        for key_node, val_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._problem(
                    key_node,
                    "yaml-key",
                    "a mapping key must be plain text",
                    "use a simple name such as `value:`",
                )
                continue
            if key_node.tag == _CORE + "merge" or key_node.value == "<<":
                self._problem(
                    key_node,
                    "yaml-alias",
                    "merge keys (<<) are not allowed",
                    "write the fields out in full",
                )
                continue
            key = key_node.value
            if key in first:
                prev_line, _ = position(first[key])
                self._problem(
                    key_node,
                    "duplicate-key",
                    f"key {key!r} appears twice in this mapping (first on line {prev_line})",
                    "YAML would silently keep only the last one: remove or rename one of them",
                )
                continue
            first[key] = key_node
            out[key] = self.build(val_node)
        return out

    def scalar(self, node: ScalarNode) -> Any:
        text = node.value
        if node.style or node.tag == _CORE + "str":
            return text  # quoted or explicitly a string: the contributor's text, as typed
        return plain_scalar(text)


def plain_scalar(text: str) -> Any:
    """An unquoted, untagged scalar by our rules (YAML 1.2 core, not PyYAML's 1.1)."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    first = text[0]
    if first.isdigit() or first in "-+.":
        if _INT.fullmatch(text):
            return int(text)
        if _FLOAT.fullmatch(text):
            return float(text)
        special = _SPECIAL_FLOATS.get(text)
        if special is not None:
            return special
    # Everything else (yes, NO, on, 0755, 1:30, 2024-05-18) stays the text typed;
    # the model decides whether that text is acceptable where it appears.
    return text
