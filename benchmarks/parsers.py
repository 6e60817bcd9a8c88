"""Parsers: is rapidyaml (``ryml``) a faster base for our strict reader than libyaml?

Issue 7 asks to adopt a faster parser only where it keeps file:line errors and the same
strictness as ``indicators.read.yamlnodes``. This times, on the same files (median of
``--repeats`` runs, the cycle collector off as in the loader):

* ``pyyaml_load``       - ``yaml.load(text, CSafeLoader)``: the usual floor, values without
  positions (its constructors run in Python, so it is not faster than our reader)
* ``pyyaml_compose``    - ``yaml.compose(text, CSafeLoader)``: the nodes our reader starts from
* ``yamlnodes``         - ``indicators.read.yamlnodes.parse_yaml``: our full strict reader
* ``ryml_parse``        - ``ryml.parse_in_arena(bytes)``: a ryml tree, nothing in Python yet
* ``ryml_parse_in_place`` - ``ryml.parse_in_place(bytearray)``: the same without the copy
* ``ryml_values``       - ryml parse plus a walk that builds values by our rules, no positions
* ``ryml_strict``       - ryml parse plus the walk with our rules *and* a line:column for every
  key and scalar value: the like-for-like rival of ``yamlnodes``
* ``ryml_emit_json``    - context only: ryml builds JSON in C++, ``json.loads`` makes values
  (no positions, no strictness), the floor of any ryml route to Python values

and, with ``--strictness``, runs crafted snippets through both readers to show what ryml
reports (duplicate keys, tags, aliases, merge keys, syntax errors with line:column).

    .venv/bin/python benchmarks/parsers.py data
    .venv/bin/python benchmarks/parsers.py /tmp/b100k --repeats 5 --strictness

ryml is optional: without it only the PyYAML variants are measured and the reason is printed.
"""

from __future__ import annotations

import argparse
import bisect
import ctypes
import gc
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.problems import Problem  # noqa: E402
from indicators.read.yamlnodes import (  # noqa: E402
    MAX_DEPTH,
    MAX_NODES,
    parse_yaml,
    plain_scalar,
)

try:  # optional: the point of the benchmark is to find out whether it is worth having
    import ryml

    RYML_VERSION: str | None = str(ryml.version)
    RYML_ERROR: str | None = None
except ImportError as exc:  # pragma: no cover - depends on the venv
    ryml = None
    RYML_VERSION = None
    RYML_ERROR = f"{type(exc).__name__}: {exc}"

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}


# --- where a ryml scalar sits --------------------------------------------------------------
# The Python binding has no Parser with locations (C++ ``ParserOptions().locations(true)``
# and ``Parser::location(node)`` are not wrapped). What it does give is each scalar as a
# read-only memoryview *into the parsed buffer*; with ``parse_in_place`` that buffer is ours,
# so a scalar's byte offset is its address minus the buffer's. A read-only memoryview has no
# Python-level address, so we ask the C API for its Py_buffer (stable ABI, no layout tricks).
class _PyBuffer(ctypes.Structure):
    _fields_ = [  # the C struct Py_buffer, field by field (Include/pybuffer.h)
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
_get_buffer.restype = ctypes.c_int
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]
_release_buffer.restype = None
_PYBUF = _PyBuffer()
_PYBUF_REF = ctypes.byref(_PYBUF)  # one scratch struct: the benchmark is single-threaded


def _address(view: memoryview | bytearray) -> int:
    """The memory address of a buffer's first byte."""
    _get_buffer(view, _PYBUF_REF, 0)
    addr = _PYBUF.buf or 0
    _release_buffer(_PYBUF_REF)
    return addr


class _RymlRead:
    """One file read through ryml with our rules: values plus a locator, like ``Parsed``.

    ``locs[node_id]`` is (key line, key col, value line, value col), 1-based. They match
    libyaml's marks except that columns count bytes (not characters) and a quoted scalar's
    column is just inside its opening quote (ryml points at the content);
    the tree is kept so that a path can be walked to a node id later (``find_child``).
    """

    __slots__ = ("buf", "locs", "tree", "value")

    def __init__(
        self,
        value: Any,
        tree: Any,
        buf: bytearray | None,
        locs: list[tuple[int, int, int, int] | None] | None,
    ) -> None:
        self.value = value
        self.tree = tree
        self.buf = buf  # the tree's scalars point into this buffer: keep it alive with it
        self.locs = locs


class _TooDeep(Exception):
    pass


class _RymlBuilder:
    """The rules of ``yamlnodes._Builder`` over a ryml tree, reading node flags as ints."""

    __slots__ = ("base", "count", "file", "locate", "locs", "newlines", "problems", "tree")

    def __init__(
        self,
        tree: Any,
        buf: bytearray,
        newlines: list[int],
        file: str,
        problems: list[Problem],
        locate: bool,
    ) -> None:
        self.tree = tree
        self.file = file
        self.problems = problems
        self.locate = locate
        self.count = 0
        self.locs: list[tuple[int, int, int, int] | None] = [None] * tree.size()
        self.newlines = newlines
        self.base = _address(buf) if locate else 0

    def where(self, view: memoryview | None) -> tuple[int, int]:
        if view is None:
            return 0, 0
        off = _address(view) - self.base
        i = bisect.bisect_left(self.newlines, off)
        return i + 1, off - (self.newlines[i - 1] + 1 if i else 0) + 1

    def problem(self, pos: tuple[int, int], code: str, message: str) -> None:
        self.problems.append(Problem(code, message, self.file, pos[0] or 1, pos[1] or 1))

    def build(self, node: int, depth: int) -> Any:
        """Value of the container ``node`` (a map or a seq)."""
        if depth > MAX_DEPTH:
            raise _TooDeep
        t = self.tree
        first_child, next_sibling, typ = t.first_child, t.next_sibling, t.type
        key, val, none = t.key, t.val, ryml.NONE
        is_map = bool(typ(node) & ryml.MAP)
        out_map: dict[str, Any] = {}
        out_seq: list[Any] = []
        first: dict[str, tuple[int, int]] = {}
        ch = first_child(node)
        while ch != none:
            self.count += 1
            ty = typ(ch)
            kpos = (0, 0)
            if is_map:
                kview = key(ch)
                kpos = self.where(kview) if self.locate else (0, 0)
                name = "" if kview is None else str(kview, "utf8")
                if ty & (ryml.KEYTAG | ryml.KEYREF | ryml.KEYANCH):
                    self.problem(kpos, "yaml-key", "a mapping key must be plain text")
                    ch = next_sibling(ch)
                    continue
                if name == "<<" and not ty & ryml.KEYQUO:
                    self.problem(kpos, "yaml-alias", "merge keys (<<) are not allowed")
                    ch = next_sibling(ch)
                    continue
                if name in first:
                    self.problem(
                        kpos,
                        "duplicate-key",
                        f"key {name!r} appears twice in this mapping "
                        f"(first on line {first[name][0]})",
                    )
                    ch = next_sibling(ch)
                    continue
                first[name] = kpos
            if ty & ryml.VAL:  # a scalar value (a KEYVAL in a map, a VAL in a seq)
                vview = val(ch)
                vpos = self.where(vview) if self.locate and vview is not None else kpos
                value = self.scalar(ch, ty, vview, vpos)
            else:
                vpos = kpos
                value = self.build(ch, depth + 1)
            if self.locate:
                self.locs[ch] = (kpos[0], kpos[1], vpos[0], vpos[1])
            if is_map:
                out_map[name] = value
            else:
                out_seq.append(value)
            ch = next_sibling(ch)
        return out_map if is_map else out_seq

    def scalar(self, node: int, ty: int, view: memoryview | None, pos: tuple[int, int]) -> Any:
        if ty & ryml.VALREF:  # ryml keeps ``*name`` as text flagged as a reference
            self.problem(pos, "yaml-alias", "anchors and aliases (&name, *name) are not allowed")
            return None
        forced_str = False
        if ty & ryml.VALTAG:
            tag = str(self.tree.val_tag(node), "utf8")
            full = _CORE + tag[2:] if tag.startswith("!!") else tag.strip("<>")
            if full not in _ALLOWED_TAGS:
                self.problem(pos, "yaml-tag", f"the YAML tag {tag!r} is not allowed")
                return None
            forced_str = full == _CORE + "str"
        text = "" if view is None else str(view, "utf8")
        if forced_str or ty & ryml.VALQUO:  # quoted, literal or folded: the text as typed
            return text
        return plain_scalar(text)


def ryml_read(raw: bytes, file: str, locate: bool = True) -> tuple[_RymlRead, list[Problem]]:
    """Parse one YAML document with ryml and our rules. Never raises on bad input."""
    problems: list[Problem] = []
    buf = bytearray(raw)  # parse_in_place wants a writable buffer (it unescapes in place)
    # Line breaks, to turn a byte offset into line:column by bisection. Taken before parsing:
    # ryml folds multi-line scalars in place, overwriting the breaks inside them.
    newlines = [m.start() for m in re.finditer(b"\n", raw)] if locate else []
    try:
        tree = ryml.parse_in_place(buf)
    except ryml.ExceptionParse as exc:
        loc = exc.errdata_parse.ymlloc  # (never touch loc.name: SWIG leaks that csubstr)
        problems.append(
            Problem(
                "yaml-syntax",
                f"YAML syntax error: {exc.msg}",
                file,
                int(loc.line) or 1,
                int(loc.col) or 1,
            )
        )
        return _RymlRead(None, None, None, None), problems
    except Exception as exc:  # ryml's other errors (ExceptionBasic...) carry no position
        problems.append(Problem("yaml-syntax", f"YAML error: {exc}", file, 1, 1))
        return _RymlRead(None, None, None, None), problems
    if tree.size() > MAX_NODES:
        problems.append(Problem("yaml-too-big", f"more than {MAX_NODES} YAML nodes", file, 1, 1))
        return _RymlRead(None, None, None, None), problems
    root = tree.root_id()
    if tree.is_stream(root):  # ``---`` or a directive: ryml accepts several documents
        docs = list(ryml.children(tree, root))
        if len(docs) > 1:
            problems.append(
                Problem("yaml-syntax", "YAML syntax error: but found another document", file, 1, 1)
            )  # no position for a doc node
            return _RymlRead(None, None, None, None), problems
        if not docs:
            return _RymlRead(None, tree, buf, None), problems
        root = docs[0]
    builder = _RymlBuilder(tree, buf, newlines, file, problems, locate)
    ty = tree.type(root)
    try:
        if ty & (ryml.MAP | ryml.SEQ):
            value = builder.build(root, 1)
        elif ty & ryml.VAL:
            vview = tree.val(root)
            pos = builder.where(vview) if locate and vview is not None else (1, 1)
            value = builder.scalar(root, ty, vview, pos)
        else:
            value = None  # an empty document
    except _TooDeep:
        problems.append(
            Problem(
                "yaml-too-deep",
                f"lists and mappings nest deeper than {MAX_DEPTH} levels",
                file,
                1,
                1,
            )
        )
        return _RymlRead(None, None, None, None), problems
    return _RymlRead(value, tree, buf, builder.locs if locate else None), problems


# --- timing ----------------------------------------------------------------------------------
def _variants() -> dict[str, Callable[[str, bytes, str], object]]:
    out: dict[str, Callable[[str, bytes, str], object]] = {
        "pyyaml_load": lambda text, raw, name: yaml.load(text, Loader=_Loader),
        "pyyaml_compose": lambda text, raw, name: yaml.compose(text, Loader=_Loader),
        "yamlnodes": lambda text, raw, name: parse_yaml(text, name),
    }
    if ryml is not None:
        out |= {
            "ryml_parse": lambda text, raw, name: ryml.parse_in_arena(raw),
            "ryml_parse_in_place": lambda text, raw, name: ryml.parse_in_place(bytearray(raw)),
            "ryml_values": lambda text, raw, name: ryml_read(raw, name, locate=False),
            "ryml_strict": lambda text, raw, name: ryml_read(raw, name, locate=True),
            # Context only, not a candidate: values built in C++ (emit JSON, json.loads), so
            # no positions, duplicates kept last, tags/aliases lost, `~` stays "~". It shows
            # that per-node calls through the SWIG binding, not parsing, cost the time.
            "ryml_emit_json": lambda text, raw, name: json.loads(
                ryml.emit_json(ryml.parse_in_arena(raw))
            ),
        }
    return out


def _read(files: list[Path]) -> list[tuple[str, bytes, str]]:
    # PyYAML variants get text (as compile_text hands parse_yaml), ryml gets bytes (its
    # natural input); reading and decoding are outside the timings for both.
    raws = [(p.read_bytes(), str(p)) for p in files]
    return [(raw.decode("utf-8-sig"), raw, name) for raw, name in raws]


def measure(
    files: list[Path], repeats: int = 3, clock: Callable[[], float] = time.process_time
) -> dict[str, float]:
    """Median seconds over ``repeats`` runs of each variant over all ``files``.

    Each repeat runs every variant once, in turn, so that a busy machine slows them alike;
    the default clock is this process's CPU time, which other processes on a shared machine
    disturb far less than the wall clock (the work is single-threaded). Without ryml
    installed only the PyYAML variants are returned (see ``RYML_ERROR``).
    """
    items = _read(files)
    variants = _variants()
    runs: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(max(1, repeats)):
        for name, fn in variants.items():
            gc.collect()
            gc.disable()  # as the loader does (loader._no_gc): the same for every variant
            try:
                start = clock()
                for text, raw, file in items:
                    fn(text, raw, file)
                runs[name].append(clock() - start)
            finally:
                gc.enable()
    return {name: statistics.median(times) for name, times in runs.items()}


def agreement(files: list[Path]) -> tuple[int, list[str]]:
    """Files on which ryml_read and parse_yaml give the same values and problem codes."""
    same, differ = 0, []
    for text, raw, file in _read(files):
        ours, our_problems = parse_yaml(text, file)
        theirs, their_problems = ryml_read(raw, file)
        if ours.value == theirs.value and [p.code for p in our_problems] == [
            p.code for p in their_problems
        ]:
            same += 1
        else:
            differ.append(file)
    return same, differ


# --- strictness ------------------------------------------------------------------------------
SNIPPETS: dict[str, str] = {
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "duplicate key in flow": "a: {b: 1, b: 2}\n",
    "python tag": "a: !!python/object:os.system x\n",
    "custom tag": "a: !custom 3\n",
    "str tag": "a: !!str 5\n",
    "anchor + alias": "a: &x [1, 2]\nb: *x\n",
    "undefined alias": "a: *nope\n",
    "merge key": "base: &b {x: 1}\nc:\n  <<: *b\n",
    "YAML 1.1 words": "a: NO\nb: yes\nc: 0755\nd: 1:30\ne: 2024-05-18\nf: ~\ng:\nh: '1'\n",
    "multi-document": "a: 1\n---\nb: 2\n",
    "unclosed flow seq": "a: [1, 2\nb: 3\n",
    "unclosed flow map": "a: {b: 1\nc: 2\n",
    "extra bracket": "a: [1, 2]]\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "tab indentation": "a:\n\tb: 1\n",
    "two colons": "a: b: c\n",
    "list beside map": "a: 1\n- x\n",
    "unclosed quote": 'a: "abc\nb: 1\n',
    "text after quote": "a: 'x' y\n",
    "reserved @": "a: @x\n",
    "bad escape": 'a: "\\q"\n',
    "complex key": "? [a, b]\n: 1\n",
    "no colon": "a: 1\njust words\nb: 2\n",
    "flow depth 100": "a: " + "[" * 100 + "]" * 100 + "\n",
    "block depth 100": "".join("  " * i + f"k{i}:\n" for i in range(100)),
}


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """ryml's default error callback prints every parse error to fd 2 before raising."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _summary(value: Any, problems: list[Problem]) -> str:
    if problems:
        return "; ".join(f"{p.code}@{p.line}:{p.column}" for p in problems)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def strictness() -> list[dict[str, str]]:
    """Each snippet through parse_yaml and ryml_read: problems as code@line:col, or values."""
    rows = []
    for label, src in SNIPPETS.items():
        ours, our_problems = parse_yaml(src, "snippet.yaml")
        row = {"case": label, "yamlnodes": _summary(ours.value, our_problems)}
        if ryml is not None:
            with _quiet_stderr():
                theirs, their_problems = ryml_read(src.encode(), "snippet.yaml")
            row["ryml"] = _summary(theirs.value, their_problems)
            row["ryml message"] = their_problems[0].message if their_problems else ""
        rows.append(row)
    return rows


# --- command line ----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="a folder of YAML data files")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--strictness", action="store_true", help="also run the crafted snippets")
    ap.add_argument("--json", action="store_true", help="print the timings as JSON only")
    ap.add_argument("--wall", action="store_true", help="time by the wall clock, not CPU time")
    args = ap.parse_args(argv)
    files = sorted([*args.data.rglob("*.yaml"), *args.data.rglob("*.yml")])
    if not files:
        raise SystemExit(f"no YAML files under {args.data}")
    clock = time.perf_counter if args.wall else time.process_time
    timings = measure(files, args.repeats, clock)
    if args.json:
        print(json.dumps(timings, indent=2))
        return 0
    size = sum(p.stat().st_size for p in files)
    print(
        f"{len(files)} files, {size / 1e6:.1f} MB, median of {args.repeats} "
        f"({'wall' if args.wall else 'CPU'} seconds); "
        f"PyYAML {yaml.__version__} ({_Loader.__name__}), "
        f"rapidyaml {RYML_VERSION or 'not installed: ' + str(RYML_ERROR)}"
    )
    floor = timings["pyyaml_load"]
    for name, secs in timings.items():
        print(f"  {name:<20} {secs:8.3f} s  {secs / floor:5.2f}x pyyaml_load")
    if ryml is not None:
        same, differ = agreement(files)
        print(
            f"ryml_strict agrees with yamlnodes (values and problem codes) on {same}/"
            f"{len(files)} files" + (f"; differs on e.g. {differ[:3]}" if differ else "")
        )
    if args.strictness:
        for row in strictness():
            print(
                f"  {row['case']:<22} ours: {row['yamlnodes']:<45} "
                f"ryml: {row.get('ryml', '-')}  {row.get('ryml message', '')}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
