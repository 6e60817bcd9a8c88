"""What a change to the data changes: a datapoint-level changelog between two git revisions.

The reviewer of a data pull request reads this instead of a YAML diff: which datapoints were
added, removed or changed (old value to new), which other records moved, and which warnings,
conflicts and errors the change brings, each located as ``file:line``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.contrib.git import GitError, checkout_data, repo_root
from indicators.dataset import Dataset
from indicators.loader import load_dataset
from indicators.problems import Problem

# ---- comparing two datasets --------------------------------------------------------------

OBS_KEY = (
    "indicator",
    "reporter",
    "partner",
    "period",
    "project",
    "basis",
    "base_period",
    "share_of",
    "unit",
    "source",
)
OBS_COMPARED = (
    "value_as_stated",
    "value_max",
    "unit_as_stated",
    "qualifier",
    "locator",
    "note",
    "event",
)

# Other record tables: key columns, compared columns, and how to name a record.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sources": (
        ("id",),
        (
            "title",
            "publisher",
            "original_publisher",
            "published",
            "url",
            "language",
            "kind",
            "figures",
        ),
    ),
    "projects": (
        ("id",),
        (
            "name",
            "kind",
            "countries",
            "part_of",
            "status",
            "status_as_of",
            "precision",
            "waypoints",
            "lat",
            "lon",
        ),
    ),
    "milestones": (("project", "date", "name"), ("source", "locator", "note")),
    "events": (("id",), ("date", "end_date", "name", "kind", "countries", "place", "sources")),
    "excluded": (("source", "locator"), ("reason",)),
    "indicators": (
        ("id",),
        ("name", "unit", "kind", "direction", "topic", "also_accepts", "allow_negative"),
    ),
    "entities": (("id",), ("name", "kind", "members")),
    "units": (("id",), ("base", "factor")),
}


@dataclass
class Change:
    """One record added, removed or changed; ``where`` is ``file:line`` on its side."""

    table: str
    key: tuple[Any, ...]
    where: str
    old: dict[str, Any] | None = None
    new: dict[str, Any] | None = None
    fields: list[str] = field(default_factory=list)


@dataclass
class Changelog:
    base: str
    head: str
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    records: list[tuple[str, Change]] = field(default_factory=list)  # (verb, change)
    new_problems: list[Problem] = field(default_factory=list)
    resolved: list[Problem] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.records
            or self.new_problems
            or self.resolved
        )


def _clean(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _rows(
    frame: pd.DataFrame, key: tuple[str, ...], root: Path, rel: str
) -> dict[tuple[Any, ...], dict[str, Any]]:
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        row = {k: _clean(v) for k, v in row.items()}
        row["where"] = f"{_relative(row['file'], root, rel)}:{row['line']}"
        out.setdefault(tuple(row[k] for k in key), row)
    return out


def _relative(file: str, root: Path, rel: str) -> str:
    """A data file's path as the repository names it (``data/reports/x.yaml``)."""
    try:
        inner = Path(file).resolve().relative_to(root.resolve())
    except ValueError:
        return file
    return (Path(rel) / inner).as_posix()


def _order(c: Change) -> tuple[str, int]:
    file, _, line = c.where.rpartition(":")
    return file, int(line) if line.isdigit() else 0


def _compare(
    table: str,
    old: pd.DataFrame,
    new: pd.DataFrame,
    key: tuple[str, ...],
    compared: tuple[str, ...],
    sides: tuple[tuple[Path, str], tuple[Path, str]],
) -> tuple[list[Change], list[Change], list[Change]]:
    a = _rows(old, key, *sides[0])
    b = _rows(new, key, *sides[1])
    added = [Change(table, k, b[k]["where"], None, b[k]) for k in b if k not in a]
    removed = [Change(table, k, a[k]["where"], a[k], None) for k in a if k not in b]
    changed = []
    for k in b:
        if k in a:
            diff = [c for c in compared if a[k].get(c) != b[k].get(c)]
            if diff:
                changed.append(Change(table, k, b[k]["where"], a[k], b[k], diff))

    return sorted(added, key=_order), sorted(removed, key=_order), sorted(changed, key=_order)


# A datapoint whose period, basis or unit was corrected is the same figure of the same
# source: shown as changed, not as one removed and one added.
_SAME_FIGURE = ("source", "locator", "indicator", "reporter", "partner", "project")


def _pair(
    added: list[Change], removed: list[Change], changed: list[Change]
) -> tuple[list[Change], list[Change], list[Change]]:
    def loose(c: Change) -> tuple[Any, ...]:
        row = c.new or c.old or {}
        return tuple(row.get(k) for k in _SAME_FIGURE)

    counts_a = Counter(loose(c) for c in added)
    counts_r = Counter(loose(c) for c in removed)
    olds = {loose(c): c for c in removed if counts_r[loose(c)] == 1}
    paired: list[Change] = []
    keep_added: list[Change] = []
    for c in added:
        k = loose(c)
        if counts_a[k] == 1 and k in olds:
            old = olds.pop(k).old or {}
            new = c.new or {}
            fields = [f for f in (*OBS_KEY, *OBS_COMPARED) if old.get(f) != new.get(f)]
            paired.append(Change(c.table, c.key, c.where, old, new, fields))
        else:
            keep_added.append(c)
    gone = {id(c) for c in olds.values()}
    keep_removed = [c for c in removed if id(c) in gone or counts_r[loose(c)] != 1]

    return keep_added, keep_removed, sorted(changed + paired, key=_order)


def _relocate(p: Problem, root: Path, rel: str) -> Problem:
    import dataclasses

    message = p.message
    prefix = str(root.resolve())
    if prefix in message:
        message = message.replace(prefix + "/", rel.rstrip("/") + "/")
    return dataclasses.replace(p, file=_relative(p.file, root, rel), message=message)


def compare(
    old: Dataset,
    new: Dataset,
    *,
    base: str,
    head: str,
    sides: tuple[tuple[Path, str], tuple[Path, str]],
) -> Changelog:
    """The changelog from dataset ``old`` to dataset ``new``. ``sides`` gives, for each, the
    folder it was loaded from and the name the repository gives that folder."""
    log = Changelog(base, head)
    log.added, log.removed, log.changed = _pair(
        *_compare("observations", old.observations, new.observations, OBS_KEY, OBS_COMPARED, sides)
    )
    for table, (key, compared) in TABLES.items():
        added, removed, changed = _compare(
            table, getattr(old, table), getattr(new, table), key, compared, sides
        )
        log.records += (
            [("added", c) for c in added]
            + [("removed", c) for c in removed]
            + [("changed", c) for c in changed]
        )
    before = [_relocate(p, *sides[0]) for p in old.report.problems]
    after = [_relocate(p, *sides[1]) for p in new.report.problems]
    remaining = Counter(p.identity for p in before)
    for p in sorted(after, key=lambda p: (p.file, p.line, p.column, p.code)):
        if remaining[p.identity] > 0:
            remaining[p.identity] -= 1
        else:
            log.new_problems.append(p)
    still = Counter(p.identity for p in after)
    for p in sorted(before, key=lambda p: (p.file, p.line, p.column, p.code)):
        if still[p.identity] > 0:
            still[p.identity] -= 1
        else:
            log.resolved.append(p)
    return log


# ---- the whole comparison ----------------------------------------------------------------


@dataclass
class Loaded:
    label: str
    dataset: Dataset
    folder: Path


@contextmanager
def load_revisions(
    base: str, head: str | None, data: str | Path = "data", *, today: date | None = None
) -> Iterator[tuple[Loaded, Loaded]]:
    """The datasets at ``base`` and at ``head`` (the working tree when None)."""
    data_path = Path(data).resolve()
    repo = repo_root(data_path if data_path.is_dir() else Path.cwd())
    try:
        rel = data_path.relative_to(repo.resolve()).as_posix()
    except ValueError:
        raise GitError(f"{data} is not inside the repository at {repo}") from None
    with checkout_data(repo, base, rel) as old_dir:
        old = Loaded(base, load_dataset(old_dir, today=today), old_dir)
        if head is None:
            yield old, Loaded("working tree", load_dataset(data_path, today=today), data_path)
        else:
            with checkout_data(repo, head, rel) as new_dir:
                yield old, Loaded(head, load_dataset(new_dir, today=today), new_dir)


def changelog(
    base: str, head: str | None = None, data: str | Path = "data", *, today: date | None = None
) -> Changelog:
    """The changelog of the data folder ``data`` from ``base`` to ``head`` (None: the
    working tree)."""
    with load_revisions(base, head, data, today=today) as (old, new):
        return compare_loaded(old, new, data)


def compare_loaded(old: Loaded, new: Loaded, data: str | Path) -> Changelog:
    name = _data_name(data)
    return compare(
        old.dataset,
        new.dataset,
        base=old.label,
        head=new.label,
        sides=((old.folder, name), (new.folder, name)),
    )


def _data_name(data: str | Path) -> str:
    """The data folder as the reader sees it from here, as the validator prints paths."""
    data_path = Path(data).resolve()
    try:
        return data_path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return data_path.as_posix()
