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
import pandas as pd
import pyarrow as pa
from yaml.nodes import MappingNode, Node, ScalarNode

from .model import Observation
from .problems import Problem, Severity
from .yamlnodes import position

FIELDS: tuple[str, ...] = tuple(Observation.model_fields)
FIELD_INDEX = {name: i for i, name in enumerate(FIELDS)}
_NUMBERS = frozenset({"value", "value_max"})
SCHEMA = pa.schema([(name, pa.float64() if name in _NUMBERS else pa.string())
                    for name in FIELDS])


@dataclass(slots=True)
class ObservationBlock:
    """The valid observations of one file, in file order."""

    table: pa.Table
    lines: np.ndarray  # int32 (n,): the line of each record's first field
    pos: np.ndarray  # int32 (n, len(FIELDS), 2): line and column of each field; 0 if absent

    @classmethod
    def build(cls, records: Sequence[dict[str, Any]], nodes: Sequence[Node]) -> ObservationBlock:
        table = pa.table({name: pa.array([r[name] for r in records], type=SCHEMA.field(name).type)
                          for name in FIELDS}, schema=SCHEMA)
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
    _frame: pd.DataFrame | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.bad = np.zeros(self.table.num_rows, dtype=bool)

    @classmethod
    def concat(cls, blocks: Sequence[tuple[str, ObservationBlock]]) -> ObservationTable:
        kept = [(name, b) for name, b in blocks if len(b)]
        if not kept:
            return cls(SCHEMA.empty_table(), [], np.zeros(0, np.int32), np.zeros(0, np.int32),
                       np.zeros((0, len(FIELDS), 2), np.int32))
        return cls(
            pa.concat_tables([b.table for _, b in kept]).combine_chunks(),
            [name for name, _ in kept],
            np.repeat(np.arange(len(kept), dtype=np.int32), [len(b) for _, b in kept]),
            np.concatenate([b.lines for _, b in kept]),
            np.concatenate([b.pos for _, b in kept]))

    def __len__(self) -> int:
        return self.table.num_rows

    @property
    def frame(self) -> pd.DataFrame:
        """The table as pandas (strings stay in Arrow), made once for the vectorised checks."""
        if self._frame is None:
            self._frame = self.table.to_pandas()
        return self._frame

    def file(self, row: int) -> str:
        return self.files[self.file_of[row]]

    def where(self, row: int) -> str:
        return f"{self.file(row)}:{self.lines[row]}"

    def rows(self, rows: Sequence[int] | np.ndarray) -> list[dict[str, Any]]:
        """Rows as plain Python values (``None`` where a field is empty), for messages."""
        return self.table.take(pa.array(np.asarray(rows, dtype=np.int64))).to_pylist()

    def at(self, row: int, path: str, code: str, message: str, hint: str,
           severity: Severity = "error") -> Problem:
        """A problem located at one field of a row (the record's line if it is not written)."""
        line, col = (int(x) for x in self.pos[row, FIELD_INDEX[path]])
        if line == 0:
            line, col = int(self.lines[row]), 1
        if severity == "error":
            self.bad[row] = True
        return Problem(code, message, self.file(row), line, col, path, hint, severity)
