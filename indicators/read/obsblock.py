"""Observations as columns: one file's block, and the whole dataset's table.

Observations are nearly all of a dataset's records. Kept as a dict and a position map per
record, at 100k datapoints they were most of the memory of a load and most of a reload's
time (unpickling 100k dicts from the cache). As Arrow columns a file's block pickles as a
few buffers, the blocks concatenate without copying values, and the checks across files
run on whole columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from yaml.nodes import MappingNode, Node, ScalarNode

from indicators.model import Observation
from indicators.problems import Problem, Severity
from indicators.read.yamlnodes import position

FIELDS: tuple[str, ...] = tuple(Observation.model_fields)
FIELD_INDEX = {name: i for i, name in enumerate(FIELDS)}
_NUMBERS = frozenset({"value", "value_max"})
SCHEMA = pa.schema([(name, pa.float64() if name in _NUMBERS else pa.string()) for name in FIELDS])


@dataclass(slots=True)
class ObservationBlock:
    """The valid observations of one file, in file order."""

    table: pa.Table
    lines: np.ndarray  # int32 (n,): the line of each record's first field
    pos: np.ndarray  # int32 (n, len(FIELDS), 2): line and column of each field; 0 if absent

    @classmethod
    def build(cls, records: Sequence[dict[str, Any]], nodes: Sequence[Node]) -> ObservationBlock:
        table = pa.table(
            {
                name: pa.array([r[name] for r in records], type=SCHEMA.field(name).type)
                for name in FIELDS
            },
            schema=SCHEMA,
        )
        lines = np.zeros(len(records), dtype=np.int32)
        pos = np.zeros((len(records), len(FIELDS), 2), dtype=np.int32)
        for i, node in enumerate(nodes):
            lines[i] = position(node)[0]
            if not isinstance(node, MappingNode):
                continue
            for key, _ in node.value:
                if isinstance(key, ScalarNode) and key.value in FIELD_INDEX:
                    pos[i, FIELD_INDEX[key.value]] = position(key)
        return cls(table, lines, pos)

    def __len__(self) -> int:
        return self.table.num_rows

    def __reduce__(self) -> tuple:
        # As an Arrow IPC stream a block loads from the cache about five times faster
        # than a pickled table (one read instead of a rebuild per column).
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, self.table.schema) as writer:
            writer.write_table(self.table)
        return (_restore_block, (sink.getvalue().to_pybytes(), self.lines, self.pos))


def _restore_block(stream: bytes, lines: np.ndarray, pos: np.ndarray) -> ObservationBlock:
    return ObservationBlock(pa.ipc.open_stream(stream).read_all(), lines, pos)


@dataclass(slots=True)
class ObservationTable:
    """Every file's observations in one table, with where each row came from.

    ``bad`` marks rows with an error: they are reported and kept out of the frames.
    """

    table: pa.Table
    files: list[str]
    file_of: np.ndarray  # int32 index into files, per row
    lines: np.ndarray
    pos: np.ndarray
    bad: np.ndarray = field(init=False)
    _codes: dict[str, tuple[np.ndarray, list[Any]]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.bad = np.zeros(self.table.num_rows, dtype=bool)

    def codes(self, name: str) -> tuple[np.ndarray, list[Any]]:
        """A column as codes into its distinct values (first appearance first; ``None`` is a
        value too). Made once per column: most checks need only the distinct values."""
        if name not in self._codes:
            column = self.table.column(name)
            if self.table.num_rows == 0:
                self._codes[name] = np.zeros(0, np.int64), []
            else:
                encoded = pc.dictionary_encode(column.combine_chunks(), null_encoding="encode")
                self._codes[name] = (
                    encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64),
                    encoded.dictionary.to_pylist(),
                )
        return self._codes[name]

    def lookup(self, name: str, table: dict[Any, Any], default: Any = None) -> np.ndarray:
        """``table[value]`` for each row's value of column ``name``, looked up once per
        distinct value."""
        codes, distinct = self.codes(name)
        values = np.empty(len(distinct), dtype=object)  # filled, not built: values may be dicts
        for i, u in enumerate(distinct):
            values[i] = table.get(u, default) if u is not None else default
        return values[codes]

    def matches(self, name: str, test: Any) -> np.ndarray:
        """``test(value)`` for each row, called once per distinct value."""
        codes, distinct = self.codes(name)
        return np.array([bool(test(u)) for u in distinct], dtype=bool)[codes]

    @classmethod
    def concat(cls, blocks: Sequence[tuple[str, ObservationBlock]]) -> ObservationTable:
        kept = [(name, b) for name, b in blocks if len(b)]
        if not kept:
            return cls(
                SCHEMA.empty_table(),
                [],
                np.zeros(0, np.int32),
                np.zeros(0, np.int32),
                np.zeros((0, len(FIELDS), 2), np.int32),
            )
        return cls(
            pa.concat_tables([b.table for _, b in kept]).combine_chunks(),
            [name for name, _ in kept],
            np.repeat(np.arange(len(kept), dtype=np.int32), [len(b) for _, b in kept]),
            np.concatenate([b.lines for _, b in kept]),
            np.concatenate([b.pos for _, b in kept]),
        )

    def __len__(self) -> int:
        return self.table.num_rows

    def where(self, rows: Sequence[int] | np.ndarray) -> list[str]:
        """``file:line`` of each row's record, for messages that point at another record."""
        idx = np.asarray(rows, dtype=np.int64)
        return [
            f"{self.files[f]}:{line}"
            for f, line in zip(self.file_of[idx].tolist(), self.lines[idx].tolist(), strict=True)
        ]

    def columns(
        self, rows: Sequence[int] | np.ndarray, names: Sequence[str]
    ) -> dict[str, list[Any]]:
        """Some rows' values as Python lists (``None`` where a field is empty), for messages."""
        idx = pa.array(np.asarray(rows, dtype=np.int64))
        return {name: self.table.column(name).take(idx).to_pylist() for name in names}

    def problems(
        self,
        rows: Sequence[int] | np.ndarray,
        path: str,
        code: str,
        messages: Sequence[str],
        hint: str,
        severity: Severity = "error",
    ) -> list[Problem]:
        """One problem per row, located at the field ``path`` (or at the record's line when
        the field is not written). Rows with an error are marked bad."""
        idx = np.asarray(rows, dtype=np.int64)
        if severity == "error":
            self.bad[idx] = True
        at = self.pos[idx, FIELD_INDEX[path]]
        written = at[:, 0] > 0
        lines = np.where(written, at[:, 0], self.lines[idx]).tolist()
        cols = np.where(written, at[:, 1], 1).tolist()
        files = [self.files[f] for f in self.file_of[idx].tolist()]
        return [
            Problem(code, message, file, line, col, path, hint, severity)
            for message, file, line, col in zip(messages, files, lines, cols, strict=True)
        ]

    def at(
        self, row: int, path: str, code: str, message: str, hint: str, severity: Severity = "error"
    ) -> Problem:
        return self.problems([row], path, code, [message], hint, severity)[0]
