"""The compiled cache: results keyed by content hash and code version, written atomically.

A cache entry that cannot be read (truncated, from another code version, another Python)
is treated as missing and rebuilt: the cache can make loading faster, never wrong.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

_LIBRARY = Path(__file__).resolve().parent.parent
# Any change to how files are read, checked or framed changes the key of every entry: the
# stages that make a cached dataset, and the vocabulary they share.
_CODE = (
    "read",
    "check",
    "frames/build.py",
    "geo.py",
    "model.py",
    "periods.py",
    "loader.py",
    "dataset.py",
    "problems.py",
    "relationship.py",
)


def _code_version() -> str:
    h = hashlib.sha256()
    for part in _CODE:
        path = _LIBRARY / part
        for f in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            h.update(str(f.relative_to(_LIBRARY)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


CODE_VERSION = _code_version()
_MAGIC = b"INDICATORS-CACHE-1\n"


def cache_dir() -> Path | None:
    """Where compiled files live; ``INDICATORS_CACHE_DIR=off`` disables caching."""
    configured = os.environ.get("INDICATORS_CACHE_DIR")
    if configured is not None:
        return None if configured in ("", "off", "0") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "indicators"


def key(*parts: bytes | str) -> str:
    h = hashlib.sha256(CODE_VERSION.encode())
    for part in parts:
        h.update(b"\0")
        h.update(part.encode() if isinstance(part, str) else part)
    return h.hexdigest()


def read(kind: str, digest: str) -> Any | None:
    root = cache_dir()
    if root is None:
        return None
    path = root / kind / digest[:2] / digest
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    if not blob.startswith(_MAGIC):
        return None
    view = memoryview(blob)  # slices of a view share the bytes: no copy of a large entry
    checksum, body = view[len(_MAGIC) : len(_MAGIC) + 32], view[len(_MAGIC) + 32 :]
    if hashlib.sha256(body).digest() != checksum:
        return None  # truncated or corrupted: rebuild
    try:
        return pickle.loads(body)
    except Exception:  # an entry from another code version that pickles differently
        return None


def write(kind: str, digest: str, value: Any) -> None:
    root = cache_dir()
    if root is None:
        return
    folder = root / kind / digest[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            # Written in parts: a dataset entry is tens of MB, and one joined blob would
            # hold a second copy of it in memory.
            fh.write(_MAGIC)
            fh.write(hashlib.sha256(body).digest())
            fh.write(body)
        os.replace(tmp, folder / digest)
    except OSError:
        return  # a read-only or full disk only costs speed
