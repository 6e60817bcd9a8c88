"""Cached loading: the dataset is parsed once per change of the data files.

The cache key is each file's name, size, modification and change time and inode (a stat
walk, no parsing), so a rerun with unchanged files gets the cached dataset without reading a
byte of YAML, and any rewrite is seen on the next rerun.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from indicators import Dataset, load_dataset
from indicators.loader import data_files
from indicators.problems import Problem, Report

ROOT = Path(__file__).resolve().parent.parent
TOPOJSON_URL = "/app/static/topojson/"


def data_path() -> Path:
    """The dataset folder: ``INDICATORS_DATA`` or the bundled ``data/``."""
    return Path(os.environ.get("INDICATORS_DATA") or ROOT / "data")


def signature(path: Path) -> tuple[tuple[str, int, int, int, int], ...]:
    """Name, size, modification and change time, inode: a rewrite that keeps the size and
    the modification time (``cp -p``, a restored backup) still changes the change time, and a
    file replaced by rename changes the inode."""
    out = []
    for f in data_files(path) if path.exists() else []:
        try:
            st_ = f.stat()
        except OSError:
            continue  # deleted between listing and stat: the next rerun sees it gone
        out.append((str(f), st_.st_size, st_.st_mtime_ns, st_.st_ctime_ns, st_.st_ino))
    return tuple(out)


# A resource, not a copy per rerun: st.cache_data would unpickle every frame on every rerun
# (seconds at 100k datapoints). Pages never modify the dataset; they derive new frames.
@st.cache_resource(show_spinner="Loading the dataset…", max_entries=2)
def _load(path: str, sig: tuple[tuple[str, int, int, int, int], ...]) -> Dataset:
    return load_dataset(path)


def dataset() -> Dataset:
    """The current dataset; never raises. A failure to load becomes a report problem."""
    path = data_path()
    try:
        return _load(str(path), signature(path))
    except Exception as exc:  # the app must stay up even if loading itself breaks
        report = Report([Problem("load-failed", f"the data could not be loaded: {exc}",
                                 str(path), hint="check the data files; see the validator")])
        from indicators.frames_build import build_frames

        return build_frames({}, report)
