"""A data root holds one dataset (a folder, with or without ``dataset.yaml``) or several
(sub-folders, each with its own ``dataset.yaml``): find them, pick one by id, and read its
``dataset.yaml``."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from indicators.problems import Problem
from indicators.read.compile import Located, compile_descriptor
from indicators.relationship import DESCRIPTOR, slug


@dataclass(frozen=True, slots=True)
class DatasetRef:
    """A dataset found under a root: its id and title (as its descriptor says) and folder."""

    id: str
    title: str
    path: Path


def _peek(path: Path) -> tuple[str | None, str | None]:
    """A descriptor's id and title for the picker; the loader validates it properly."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    ident, title = data.get("id"), data.get("title")
    return (
        ident if isinstance(ident, str) and slug(ident) == ident.lower() else None,
        title if isinstance(title, str) else None,
    )


def discover(root: str | os.PathLike[str]) -> list[DatasetRef]:
    """The datasets under ``root``, in the order of their folders. A root with its own
    ``dataset.yaml``, or with no sub-folder that has one, is a single dataset."""
    base = Path(root)
    if base.is_file() or not base.exists() or (base / DESCRIPTOR).is_file():
        return [_ref(base)]
    subs = sorted(
        p
        for p in base.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / DESCRIPTOR).is_file()
    )
    if not subs:
        return [_ref(base)]
    refs: list[DatasetRef] = []
    seen: set[str] = set()
    for sub in subs:
        ref = _ref(sub)
        if ref.id in seen:  # two folders claim one id: the folder name tells them apart
            ref = DatasetRef(f"{ref.id}-{slug(sub.name)}", ref.title, sub)
        seen.add(ref.id)
        refs.append(ref)
    return refs


def _ref(folder: Path) -> DatasetRef:
    ident, title = _peek(folder / DESCRIPTOR) if folder.is_dir() else (None, None)
    name = folder.resolve().name if folder.exists() else folder.name
    return DatasetRef(ident or slug(name) or "dataset", title or name, folder)


def pick(refs: list[DatasetRef], wanted: str | None) -> DatasetRef | None:
    """The dataset with id ``wanted``; the first when none is asked for; None when the id
    is unknown."""
    if not refs:
        return None
    if not wanted:
        return refs[0]
    return next((r for r in refs if r.id == wanted), None)


def ids(refs: list[DatasetRef]) -> str:
    return ", ".join(r.id for r in refs)


class DatasetChoiceError(ValueError):
    """A root with several datasets and no (or an unknown) ``--dataset``: says which exist."""


def resolve(root: str | os.PathLike[str], wanted: str | None) -> DatasetRef:
    """The one dataset a command works on: the root's only dataset, or the one named."""
    refs = discover(root)
    if wanted is None and len(refs) > 1:
        raise DatasetChoiceError(
            f"{root} holds several datasets ({ids(refs)}): choose one with --dataset ID"
        )
    ref = pick(refs, wanted)
    if ref is None or (wanted is not None and ref.id != wanted):
        raise DatasetChoiceError(f"no dataset {wanted!r} under {root}; there are: {ids(refs)}")
    return ref


def add_dataset_option(parser: argparse.ArgumentParser) -> None:
    """``--dataset ID`` for the commands that work on one dataset of a root."""
    parser.add_argument(
        "--dataset", metavar="ID", help="the dataset to use where the data folder holds several"
    )


def read_descriptor(path: Path, name: str) -> tuple[Located | None, list[Problem]]:
    """A dataset's ``dataset.yaml`` as a located record (positions for later checks)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [
            Problem(
                "unreadable",
                f"cannot read the file: {exc.strerror}",
                name,
                1,
                1,
                hint="check that it is readable",
            )
        ]
    record, problems = compile_descriptor(raw, name)
    return (Located(name, record) if record is not None else None), problems
