"""The git that `indicators diff` reads: a repository's root and a revision's data folder."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class GitError(Exception):
    """A git revision or repository that cannot be read; the message says what to try."""


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
