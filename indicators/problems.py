"""Validation problems as values: each with a stable code, a location and the fix."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Literal

# An error keeps the record out; a warning asks a contributor to act (and fails --strict);
# a notice is information a reader should see, such as a disagreement the data explains.
Severity = Literal["error", "warning", "notice"]

_LINE_REF = re.compile(r"(\.ya?ml):\d+")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the data, located as precisely as the parser allows."""

    code: str
    message: str
    file: str
    line: int = 0
    column: int = 0
    field: str = ""
    hint: str = ""
    severity: Severity = "error"

    def __reduce__(self) -> tuple:
        # A dataset at scale caches thousands of problems; the generic dataclass pickling
        # of a slotted class is several times slower than a plain tuple.
        return (
            Problem,
            (
                self.code,
                self.message,
                self.file,
                self.line,
                self.column,
                self.field,
                self.hint,
                self.severity,
            ),
        )

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """The same problem before and after an edit: lines move when records are inserted
        above, so the line (also where the message names one) is no part of it."""
        return (self.code, self.file, self.field, _LINE_REF.sub(r"\1", self.message))

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        text = f"{where}: {self.severity}[{self.code}]: {self.message}"
        if self.field:
            text += f" [at {self.field}]"
        if self.hint:
            text += f" ({self.hint})"
        # One problem, one line: text quoted from a file may hold line breaks.
        return text.replace("\r", "\\r").replace("\n", "\\n")

    def format_github(self) -> str:
        level = self.severity  # GitHub knows the same three levels
        body = self.message + (f" ({self.hint})" if self.hint else "")
        # GitHub's workflow-command syntax breaks on raw newlines and percent signs.
        body = body.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return (
            f"::{level} file={self.file},line={self.line},col={self.column},"
            f"title={self.code}::{body}"
        )


@dataclass(slots=True)
class Report:
    """Every problem found in a dataset, plus the counts of what loaded."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def __reduce__(self) -> tuple:
        # A dataset at scale caches thousands of problems: as rows of plain values they
        # pickle about ten times faster than as objects.
        rows = [
            (p.code, p.message, p.file, p.line, p.column, p.field, p.hint, p.severity)
            for p in self.problems
        ]
        return (_restore_report, (rows, self.counts))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def notices(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "notice"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.file, p.line, p.column, p.code))

    def summary(self) -> str:
        order = [
            "sources",
            "entities",
            "indicators",
            "observations",
            "projects",
            "milestones",
            "events",
            "excluded",
        ]
        parts = [f"{self.counts.get(k, 0)} {k}" for k in order]
        verdict = "valid" if self.valid else f"{len(self.errors)} error(s)"
        notices = f", {len(self.notices)} notice(s)" if self.notices else ""
        return f"{verdict}, {len(self.warnings)} warning(s){notices}: " + ", ".join(parts)

    def to_json(self) -> str:
        return json.dumps(
            {
                "valid": self.valid,
                "counts": self.counts,
                "problems": [asdict(p) for p in self.sorted()],
            },
            indent=2,
            ensure_ascii=False,
        )


def _restore_report(rows: list[tuple], counts: dict[str, int]) -> Report:
    return Report([Problem(*row) for row in rows], counts)
