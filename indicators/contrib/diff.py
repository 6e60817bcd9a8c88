"""What a change to the data changes: a datapoint-level changelog between two git revisions.

The reviewer of a data pull request reads this instead of a YAML diff: which datapoints were
added, removed or changed (old value to new), which other records moved, and which warnings,
conflicts and errors the change brings, each located as ``file:line``.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.check.observations import CONFLICT_CODES
from indicators.dataset import Dataset
from indicators.loader import load_dataset
from indicators.problems import Problem


class GitError(Exception):
    """A git revision or repository that cannot be read; the message says what to try."""


# ---- reading a revision ------------------------------------------------------------------


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed; install it to compare revisions") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout


def repo_root(path: Path) -> Path:
    try:
        return Path(_git(path, "rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        raise GitError(
            f"{path.resolve()} is not inside a git repository; run "
            "`indicators diff` from a clone of the data repository"
        ) from None


def _verify(repo: Path, rev: str) -> str:
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(
            f"unknown revision {rev!r}: give a branch, tag or commit that exists "
            "here (in CI, check out with `fetch-depth: 0`; locally, "
            "`git fetch origin` first)"
        ) from None


@contextmanager
def checkout_data(repo: Path, rev: str, data_rel: str) -> Iterator[Path]:
    """The data folder at ``rev``, extracted into a temporary folder (never touches the
    working tree)."""
    commit = _verify(repo, rev)
    with tempfile.TemporaryDirectory(prefix="indicators-diff-") as tmp:
        root = Path(tmp)
        listed = _git(repo, "ls-tree", "-r", "--name-only", commit, "--", data_rel).strip()
        if listed:
            archive = _git(repo, "archive", "--format=tar", commit, "--", data_rel)
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(root, filter="data")
        (root / data_rel).mkdir(parents=True, exist_ok=True)
        yield root / data_rel


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

    def order(c: Change) -> tuple[str, int]:
        file, _, line = c.where.rpartition(":")
        return file, int(line) if line.isdigit() else 0

    return sorted(added, key=order), sorted(removed, key=order), sorted(changed, key=order)


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

    def order(c: Change) -> tuple[str, int]:
        file, _, line = c.where.rpartition(":")
        return file, int(line) if line.isdigit() else 0

    return keep_added, keep_removed, sorted(changed + paired, key=order)


def _problem_key(p: Problem) -> tuple[str, str, str, str]:
    # Lines move when records are inserted above; the problem stays the same problem.
    return (p.code, p.file, p.field, re.sub(r"(\.ya?ml):\d+", r"\1", p.message))


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
    remaining = Counter(_problem_key(p) for p in before)
    for p in sorted(after, key=lambda p: (p.file, p.line, p.column, p.code)):
        if remaining[_problem_key(p)] > 0:
            remaining[_problem_key(p)] -= 1
        else:
            log.new_problems.append(p)
    still = Counter(_problem_key(p) for p in after)
    for p in sorted(before, key=lambda p: (p.file, p.line, p.column, p.code)):
        if still[_problem_key(p)] > 0:
            still[_problem_key(p)] -= 1
        else:
            log.resolved.append(p)
    return log


# ---- the Markdown changelog --------------------------------------------------------------

_QUALIFIER = {
    "approximately": "about ",
    "nearly": "nearly ",
    "at_least": "at least ",
    "more_than": "more than ",
    "at_most": "at most ",
    "less_than": "less than ",
}


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
        text = _QUALIFIER.get(row["qualifier"], "") + f"{value} {unit}"
    if row.get("basis") and row["basis"] != "actual":
        text += f" ({row['basis']})"
    return text


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _who(row: dict[str, Any]) -> str:
    reporter, partner = row.get("reporter"), row.get("partner")
    who = f"{reporter or '–'} → {partner}" if partner else (reporter or "–")
    extra = [f"{k} {row[k]}" for k in ("project", "share_of", "base_period") if row.get(k)]
    extra_k = {"project": "project", "share_of": "share of", "base_period": "vs"}
    if extra:
        who += (
            " ("
            + ", ".join(
                f"{extra_k[k]} {row[k]}"
                for k in ("project", "share_of", "base_period")
                if row.get(k)
            )
            + ")"
        )
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
        return _compare_loaded(old, new, data)


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
    with load_revisions(base, head, data, today=today) as (old, new):
        text = to_markdown(_compare_loaded(old, new, data))
        if charts is not None:
            from indicators.contrib.diffcharts import render_changed_charts

            text += "\n" + render_changed_charts(old.dataset, new.dataset, charts) + "\n"
    return text


def _compare_loaded(old: Loaded, new: Loaded, data: str | Path) -> Changelog:
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
