"""Cached loading: the dataset is parsed once per change of the data files.

The cache key is each file's name, size, modification and change time and inode (a stat
walk, no parsing), so a rerun with unchanged files gets the cached dataset without reading a
byte of YAML, and any rewrite is seen within :data:`RECHECK_S` seconds.

The walk is an ``os.scandir`` walk over the same files as :func:`indicators.loader.data_files`
(about 1 ms for 500 files instead of 10), and Streamlit hashes one short digest of the
signature rather than the tuple of every file's entry (tens of milliseconds at 500 files).
One walk serves every session of the process for :data:`RECHECK_S`: under load each ``stat``
gives up the interpreter lock and waits to get it back behind other sessions' reruns, so a
walk per rerun was a fifth of the script thread's time at 50 sessions (py-spy, under
benchmarks/capacity.py).
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


# How long one walk of the data files stands for all sessions of this process.
RECHECK_S = 1.0
_clock = time.monotonic
_walks: dict[str, tuple[float, str]] = {}
_walks_lock = threading.Lock()


def current_key(path: Path) -> str:
    """The digest of the data files' signature, walked at most once per :data:`RECHECK_S`
    per process; sessions that arrive during a walk wait for it instead of walking too."""
    hit = _walks.get(str(path))
    if hit is not None and _clock() - hit[0] < RECHECK_S:
        return hit[1]
    with _walks_lock:
        hit = _walks.get(str(path))
        started = _clock()
        if hit is not None and started - hit[0] < RECHECK_S:
            return hit[1]
        key = signature_key(signature(path))
        _walks[str(path)] = (started, key)  # the walk's start: a change during it is re-read
        return key


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
        return _load(str(path), current_key(path))
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
