"""The built wheel is the library a user installs: it carries the map outlines, and a map
exported from it, outside this checkout, is drawn from them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from indicators.export.browser import chromium_path
from tests.paths import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # From a copy of the sources: setuptools reuses a checkout's build/ folder, which can
    # hold modules since removed.
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for package in ("indicators", "dashboard"):
        shutil.copytree(
            ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__", "static")
        )
    # No build isolation: CI's machines reach the package index, but the test must not.
    pip = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip, "-w", str(out), str(src)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (found,) = out.glob("indicators-*.whl")
    return found


def test_the_wheel_holds_every_package_and_the_map_outlines(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    outlines = {n for n in names if n.startswith("indicators/outlines/")}
    shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / "indicators/outlines").iterdir()}
    assert shipped <= outlines, f"missing from the wheel: {sorted(shipped - outlines)}"
    stages = {p.parent.relative_to(ROOT).as_posix() for p in ROOT.glob("indicators/*/__init__.py")}
    assert {f"{s}/__init__.py" for s in stages} <= names
    assert "dashboard/app.py" in names
    modules = {n for n in names if n.endswith(".py")}
    sources = {
        p.relative_to(ROOT).as_posix()
        for package in ("indicators", "dashboard")
        for p in (ROOT / package).rglob("*.py")
    }
    assert modules <= sources, f"not in the sources: {sorted(modules - sources)}"


@pytest.mark.skipif(chromium_path() is None, reason="exports need Chromium")
def test_a_map_exported_from_the_installed_wheel_draws_its_countries(
    wheel: Path, tmp_path: Path
) -> None:
    lib, cwd, out = tmp_path / "lib", tmp_path / "elsewhere", tmp_path / "out"
    zipfile.ZipFile(wheel).extractall(lib)
    cwd.mkdir()
    script = (
        "import sys, indicators\n"
        "print(indicators.__file__)\n"
        "from indicators.cli import main\n"
        f"sys.exit(main(['export', '--chart', 'map', '--format', 'svg', '--quiet',"
        f" '--data', {str(ROOT / 'data')!r}, '--out', {str(out)!r}]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(lib)}
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert Path(run.stdout.splitlines()[0]).is_relative_to(lib), "the wheel's code ran"
    svg = (out / "map.svg").read_text(encoding="utf-8")
    # Without the outlines the countries are not drawn (the export fails, here, loudly).
    assert svg.count('class="choroplethlocation"') >= len(["KAZ", "KGZ", "TJK", "TKM", "UZB"])
