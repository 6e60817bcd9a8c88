"""Load a dataset folder: files compiled (or taken from the cache), checked together, framed."""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from indicators.check import observations as obschecks
from indicators.check.conflicts import check_duplicates_and_conflicts
from indicators.check.descriptor import check_descriptor
from indicators.check.records import (
    check_figure_coverage,
    check_references,
    check_source_addresses,
    check_unused_sources,
    unique_ids,
)
from indicators.dataset import Dataset
from indicators.frames.build import build_frames
from indicators.problems import Problem, Report
from indicators.read import cache
from indicators.read.compile import CompiledFile, compile_text, gather
from indicators.read.datasets import read_descriptor
from indicators.read.obsblock import ObservationTable
from indicators.relationship import DESCRIPTOR, from_descriptor, infer, inferred_warning

# The largest curated file is 11 kB; a 2 MB file (about 7,000 records) compiles in a few
# seconds. Beyond that a file is a mistake or an attack, and is refused unread.
MAX_FILE_BYTES = 2 * 1024 * 1024


def data_files(path: str | os.PathLike[str]) -> list[Path]:
    """The YAML files of a dataset, in a stable order. Hidden folders are skipped."""
    root = Path(path)
    if root.is_file():
        return [root]
    files = [
        p
        for p in root.rglob("*")
        if p.suffix in (".yaml", ".yml")
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(files)


def _display_names(root: Path, files: list[Path]) -> list[str]:
    """Each file's name as shown in problems: relative to the working folder when it is
    inside it. The root is resolved once, not each of thousands of files."""
    cwd, base = Path.cwd().resolve(), root.resolve()
    names = []
    for f in files:
        try:
            names.append(str((base / f.relative_to(root)).relative_to(cwd)))
        except ValueError:
            names.append(str(f))
    return names


def _read_file(path: Path, name: str) -> tuple[str, bytes | None, CompiledFile | None, str]:
    """A file's display name, bytes and content digest (or the problem reading it)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            cf = CompiledFile(name)
            cf.problems.append(
                Problem(
                    "file-too-big",
                    f"the file is {size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB",
                    name,
                    1,
                    1,
                    hint="split it into several smaller files",
                )
            )
            return name, None, cf, "too-big:" + name
        raw = path.read_bytes()
    except OSError as exc:
        cf = CompiledFile(name)
        cf.problems.append(
            Problem(
                "unreadable",
                f"cannot read the file: {exc.strerror}",
                name,
                1,
                1,
                hint="check that it exists and is readable",
            )
        )
        return name, None, cf, "unreadable:" + name
    # Keyed by content alone, so a copied or renamed file is still a cache hit; the
    # file name is stamped on after reading.
    return name, raw, None, cache.key("file", raw)


def _compiled(
    name: str, raw: bytes | None, failed: CompiledFile | None, digest: str
) -> CompiledFile:
    if failed is not None or raw is None:
        return failed or CompiledFile(name)
    hit = cache.read("file", digest)
    if isinstance(hit, CompiledFile):
        return hit.named(name)
    cf = compile_text(raw, "")
    cache.write("file", digest, cf)
    return cf.named(name)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Loading builds millions of small acyclic objects; the cycle collector would scan
    all of them again and again (it is most of a cold load's time at 100k records)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validate(path: str | os.PathLike[str], today: date) -> tuple[Dataset, Report]:
    with _no_gc():
        return _validate_files(path, today)


def _validate_files(path: str | os.PathLike[str], today: date) -> tuple[Dataset, Report]:
    root = Path(path)
    report = Report()
    if not root.exists():
        report.problems.append(
            Problem(
                "no-data",
                f"{path} does not exist",
                str(path),
                0,
                0,
                hint="pass the folder that holds the data files, e.g. `data`",
            )
        )
        return build_frames({}, report), report
    descriptor = root / DESCRIPTOR if root.is_dir() else None
    files = [f for f in data_files(root) if f != descriptor]
    desc_name = _display_names(root, [root / DESCRIPTOR])[0] if root.is_dir() else str(root)
    desc_loc, desc_problems = (
        read_descriptor(descriptor, desc_name)
        if descriptor is not None and descriptor.is_file()
        else (None, [])
    )
    # Hash every file first: when the whole dataset is in the cache, that is all the work
    # (no per-file entry is read).
    read = [_read_file(f, name) for f, name in zip(files, _display_names(root, files), strict=True)]
    digests = [digest for _, _, _, digest in read]
    fingerprint = hashlib.sha256(
        "\n".join(
            [
                cache.CODE_VERSION,
                today.isoformat(),
                *(str(f) for f in files),
                *digests,
                repr(desc_loc.data) if desc_loc else "",
                repr(desc_problems),
            ]
        ).encode()
    ).hexdigest()
    hit = cache.read("dataset", fingerprint)
    if isinstance(hit, Dataset):
        return hit, hit.report
    compiled = [_compiled(*item) for item in read]
    del read
    for cf in compiled:
        report.extend(cf.problems)
    records = gather(compiled)
    obs = ObservationTable.concat(
        [(cf.file, cf.observations) for cf in compiled if cf.observations is not None]
    )
    del compiled
    problems: list[Problem] = []
    index = unique_ids(records, problems)
    problems += desc_problems
    if desc_loc is not None:
        problems += check_descriptor(desc_loc, index["entities"])
    check_references(records, index, problems, today)
    check_source_addresses(records, problems)
    obschecks.check_references(obs, index, problems)
    check_duplicates_and_conflicts(obs, index, problems)
    check_unused_sources(records, problems, obschecks.sources_used(obs))
    obschecks.check_periods(obs, problems, today)
    check_figure_coverage(records, problems, obschecks.figures_cited(obs))
    report.extend(problems)
    dataset = build_frames(records, report, obs=obs)
    dataset.fingerprint = fingerprint
    if desc_loc is not None and not desc_loc.bad:
        dataset.relationship = from_descriptor(desc_loc.data)
    else:
        # A broken descriptor is reported above; the app still charts what the data implies.
        dataset.relationship = infer(
            dataset.observations, dataset.indicators, dataset.entities, root.resolve().name
        )
        if descriptor is not None and not descriptor.is_file():
            report.problems.append(inferred_warning(dataset.relationship, desc_name))
    if not files:
        report.problems.append(
            Problem(
                "no-data",
                f"no .yaml files under {path}",
                str(path),
                0,
                0,
                hint="data files end in .yaml",
            )
        )
    cache.write("dataset", fingerprint, dataset)
    return dataset, report


def load_dataset(path: str | os.PathLike[str] = "data", *, today: date | None = None) -> Dataset:
    """Load and check every data file under ``path``. Bad records are reported in
    ``dataset.report`` and left out; everything valid loads."""
    dataset, _ = _validate(path, today or date.today())
    return dataset


def validate_dataset(path: str | os.PathLike[str] = "data", *, today: date | None = None) -> Report:
    """Every problem in the dataset under ``path``. Never raises on bad data."""
    _, report = _validate(path, today or date.today())
    return report
