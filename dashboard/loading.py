"""Cached loading: the dataset is parsed once per change of the data files.

The cache key is each file's name, size, modification and change time and inode (a stat
walk, no parsing), so a rerun with unchanged files gets the cached dataset without reading a
byte of YAML, and any rewrite is seen on the next rerun.

Every rerun pays for that walk (twice: the router and the page each ask for the dataset), so
it is an ``os.scandir`` walk over the same files as :func:`indicators.loader.data_files`
(about 1 ms for 500 files instead of 10), and Streamlit hashes one short digest of the
signature rather than the tuple of every file's entry (tens of milliseconds at 500 files).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from indicators import Dataset, load_dataset
from indicators.geo import OUTLINES_DIR
from indicators.loader import data_files
from indicators.problems import Problem, Report
from indicators.read.datasets import DatasetRef, discover, pick

ROOT = Path(__file__).resolve().parent.parent
TOPOJSON_URL = "/app/static/topojson/"
STATIC_OUTLINES = ROOT / "dashboard" / "static" / "topojson"


@st.cache_resource(show_spinner=False)
def serve_outlines() -> Path:
    """Copy the library's map outlines where Streamlit serves static files (it serves only
    its own folder, and refuses links out of it). Files already there and of the same size
    are kept, so this is one directory listing per process after the first."""
    STATIC_OUTLINES.mkdir(parents=True, exist_ok=True)
    for src in OUTLINES_DIR.iterdir():
        dst = STATIC_OUTLINES / src.name
        if src.is_file() and (not dst.exists() or dst.stat().st_size != src.stat().st_size):
            tmp = dst.with_suffix(dst.suffix + ".part")
            shutil.copyfile(src, tmp)
            tmp.replace(dst)  # a reader never sees half a file
    return STATIC_OUTLINES


def data_path() -> Path:
    """The dataset folder: ``INDICATORS_DATA`` or the bundled ``data/``."""
    return Path(os.environ.get("INDICATORS_DATA") or ROOT / "data")


def signature(path: Path) -> tuple[tuple[str, int, int, int, int], ...]:
    """Name, size, modification and change time, inode: a rewrite that keeps the size and
    the modification time (``cp -p``, a restored backup) still changes the change time, and a
    file replaced by rename changes the inode."""
    if path.is_dir():
        return tuple(_stat_walk(str(path)))
    out = []
    for f in data_files(path) if path.exists() else []:
        try:
            st_ = f.stat()
        except OSError:
            continue  # deleted between listing and stat: the next rerun sees it gone
        out.append((str(f), st_.st_size, st_.st_mtime_ns, st_.st_ctime_ns, st_.st_ino))
    return tuple(out)


def _stat_walk(root: str) -> list[tuple[str, int, int, int, int]]:
    """The entries of the files :func:`indicators.loader.data_files` lists (``*.yaml`` and
    ``*.yml``; hidden files and folders skipped; symlinked folders not followed), without
    pathlib's cost per file. tests/dashboard/test_app.py holds the two to the same files."""
    out = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue  # removed or unreadable mid-walk: the next rerun sees it
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                    st_ = entry.stat()
                    out.append(
                        (entry.path, st_.st_size, st_.st_mtime_ns, st_.st_ctime_ns, st_.st_ino)
                    )
            except OSError:
                continue  # deleted between listing and stat: the next rerun sees it gone
    out.sort()
    return out


def signature_key(sig: tuple[tuple[str, int, int, int, int], ...]) -> str:
    """One short digest of a signature: what the cache hashes on each rerun."""
    return hashlib.blake2b(repr(sig).encode("utf-8"), digest_size=16).hexdigest()


# A resource, not a copy per rerun: st.cache_data would unpickle every frame on every rerun
# (seconds at 100k datapoints). Pages never modify the dataset; they derive new frames.
# Each dataset of the root is cached on its own (keyed by its folder and its files).
@st.cache_resource(show_spinner="Loading the dataset…", max_entries=8)
def _load(path: str, key: str) -> Dataset:
    started = time.monotonic()
    ds = load_dataset(path)
    # One line per load in the server's log: an operator of several replicas sees that each
    # loads once, and again after the data changed.
    print(
        f"indicators: loaded {path} ({len(ds.observations)} datapoints, key {key[:8]}) "
        f"in {time.monotonic() - started:.2f} s",
        file=sys.stderr,
        flush=True,
    )
    return ds


def datasets() -> list[DatasetRef]:
    """The datasets of the data root; never raises (a root that cannot be read is one
    dataset whose loading reports the problem)."""
    try:
        return discover(data_path())
    except OSError:
        return [DatasetRef("dataset", "Dataset", data_path())]


def chosen(refs: list[DatasetRef], wanted: str | None) -> DatasetRef:
    """The dataset asked for (by id), else the first."""
    return pick(refs, wanted) or refs[0]


def dataset(ref: DatasetRef | None = None) -> Dataset:
    """The current dataset; never raises. A failure to load becomes a report problem."""
    path = ref.path if ref is not None else data_path()
    try:
        return _load(str(path), signature_key(signature(path)))
    except Exception as exc:  # the app must stay up even if loading itself breaks
        report = Report(
            [
                Problem(
                    "load-failed",
                    f"the data could not be loaded: {exc}",
                    str(path),
                    hint="check the data files; see the validator",
                )
            ]
        )
        from indicators.frames.build import build_frames

        return build_frames({}, report)


_page = threading.local()


@contextmanager
def shared_with_page(ds: Dataset) -> Iterator[None]:
    """While the router runs the page: the page's :func:`page_dataset` is ``ds``, the
    dataset the router just checked, rather than a second walk of the files."""
    _page.dataset = ds
    try:
        yield
    finally:
        _page.dataset = None


def page_dataset() -> Dataset:
    """The dataset the router is running this page with, else :func:`dataset`."""
    ds = getattr(_page, "dataset", None)
    return ds if ds is not None else dataset()
