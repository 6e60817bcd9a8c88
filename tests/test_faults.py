"""Faults: data files that change under the running app, a corrupted compiled cache, a browser
that is missing, crashes or hangs during image export, and a full or unwritable disk."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import loading
from indicators import load_dataset
from indicators.cli import main
from indicators.export import browser
from indicators.export import images as export
from indicators.read import cache
from tests.paths import ROOT

APP = str(ROOT / "dashboard" / "app.py")
COUNTS = re.compile(r"(\d+) sources · (\d+) datapoints · (\d+) projects · (\d+) events")


# ---- data files that change while the app runs ----------------------------------------------


@pytest.fixture
def live_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    monkeypatch.setenv("INDICATORS_DATA", str(root))
    # Every rerun walks the files: these tests change them between reruns, faster than the
    # app's RECHECK_S (the reuse itself is tested in tests/dashboard/test_app.py).
    monkeypatch.setattr(loading, "RECHECK_S", 0.0)
    return root


def _shown(at: AppTest) -> tuple[int, ...]:
    assert not at.exception, [e.value for e in at.exception]
    m = COUNTS.search(" ".join(c.value for c in at.caption))
    assert m, [c.value for c in at.caption]
    return tuple(int(x) for x in m.groups())


def _truth(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, ...]:
    """What a fresh load of the folder holds, bypassing every cache."""
    with monkeypatch.context() as m:
        m.setenv("INDICATORS_CACHE_DIR", "off")
        ds = load_dataset(root)
    return (len(ds.sources), len(ds.observations), len(ds.projects), len(ds.events))


def _banner(at: AppTest) -> str:
    for e in at.expander:
        if "problem(s) in the data files" in e.label:
            return e.get("code")[0].value
    return ""


def test_files_deleted_rewritten_truncated_while_the_app_runs(
    live_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert _shown(at) == _truth(live_data, monkeypatch)
    # A report nothing else cites, so that deleting it breaks no other file.
    report = next(r for r in sorted((live_data / "reports").glob("*.yaml")) if _cited_alone(r))

    report.unlink()  # deleted
    at.run()
    assert _shown(at) == _truth(live_data, monkeypatch)

    target = sorted((live_data / "reports").glob("*.yaml"))[2]  # rewritten: one more datapoint
    target.write_text(
        target.read_text(encoding="utf-8")
        + (
            "  - {indicator: trade_total, reporter: CHN, partner: KAZ, period: '1999',"
            " value: 1.5,\n"
            "     unit: USD bn, source: " + _source_of(target) + ", locator: P99}\n"
        ),
        encoding="utf-8",
    )
    before = _shown(at)
    at.run()
    after = _shown(at)
    assert after == _truth(live_data, monkeypatch) and after[1] == before[1] + 1

    raw = target.read_bytes()  # truncated in the middle of a record
    target.write_bytes(raw[: len(raw) // 2])
    at.run()
    assert _shown(at) == _truth(live_data, monkeypatch)
    assert target.name in _banner(at) or _shown(at)[1] < after[1]

    target.write_bytes(b"\xff\xfe garbage \x00\x01")  # replaced by binary junk
    at.run()
    assert _shown(at) == _truth(live_data, monkeypatch)
    assert f"{target.name}:" in _banner(at)

    target.write_bytes(raw)  # restored
    at.run()
    assert _shown(at) == after and not _banner(at)


def test_a_rewrite_that_keeps_size_and_mtime_is_still_seen(
    live_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    shown = _shown(at)
    target = next(
        f
        for f in sorted((live_data / "reports").glob("*.yaml"))
        if "value: " in f.read_text(encoding="utf-8")
    )
    text = target.read_text(encoding="utf-8")
    stat = target.stat()
    # Same length, same mtime (as `cp -p` or a restored backup would leave it): one datapoint
    # gains a field the model rejects, so it drops out of the frames.
    changed = re.sub(r"\blocator:", "locatoR:", text, count=1)
    assert changed != text and len(changed) == len(text)
    target.write_text(changed, encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    at.run()
    assert _shown(at) == _truth(live_data, monkeypatch) != shown
    assert "unknown field 'locatoR'" in _banner(at)


def test_the_whole_data_folder_vanishes_and_returns(
    live_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    shown = _shown(at)
    moved = live_data.with_name("moved")
    live_data.rename(moved)
    for page in (
        "app_pages/overview.py",
        "app_pages/trade.py",
        "app_pages/map.py",
        "app_pages/sources.py",
    ):
        at.switch_page(page).run()
        assert _shown(at) == (0, 0, 0, 0), page
        assert "does not exist" in _banner(at), page
        assert not at.error, (page, [e.value for e in at.error])
    moved.rename(live_data)
    at.switch_page("app_pages/overview.py").run()
    assert _shown(at) == shown and not _banner(at)


def _cited_alone(path: Path) -> bool:
    """Whether the report's source id appears in no other data file."""
    sid = _source_of(path)
    others = (f for f in path.parent.parent.rglob("*.yaml") if f != path)
    return not any(sid in f.read_text(encoding="utf-8") for f in others)


def _source_of(path: Path) -> str:
    m = re.search(r"^\s*-?\s*id: (\S+)", path.read_text(encoding="utf-8"), re.M)
    assert m, path
    return m.group(1)


# ---- the compiled cache ------------------------------------------------------------------------


def _frames(ds) -> list[pd.DataFrame]:
    return [ds.observations, ds.projects, ds.events, ds.sources, ds.excluded]


def _corruptions() -> dict[str, object]:
    return {
        "truncated": lambda b: b[: len(b) // 2],
        "empty": lambda b: b"",
        "wrong-version": lambda b: b.replace(b"INDICATORS-CACHE-1", b"INDICATORS-CACHE-0", 1),
        "bit-flip": lambda b: b[:-10] + bytes([b[-10] ^ 0xFF]) + b[-9:],
        "garbage": lambda b: os.urandom(len(b)),
    }


@pytest.mark.parametrize("how", list(_corruptions()))
def test_a_corrupted_cache_is_rebuilt_never_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setenv("INDICATORS_CACHE_DIR", str(tmp_path / "cache"))
    fresh = load_dataset(ROOT / "data")
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert entries, "the load filled the cache"
    damage = _corruptions()[how]
    for p in entries:
        p.write_bytes(damage(p.read_bytes()))  # type: ignore[operator]
    again = load_dataset(ROOT / "data")
    for a, b in zip(_frames(fresh), _frames(again), strict=True):
        pd.testing.assert_frame_equal(a, b)
    assert [p.format() for p in again.report.sorted()] == [
        p.format() for p in fresh.report.sorted()
    ]
    rebuilt = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert all(
        cache.read(p.parent.parent.name, p.name) is not None
        for p in rebuilt
        if not p.name.startswith(".")
    ), "every entry was rewritten whole"


def test_a_valid_entry_of_the_wrong_kind_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry that unpickles fine but holds something else (another code version's class,
    a stray object) is a miss, never data."""
    monkeypatch.setenv("INDICATORS_CACHE_DIR", str(tmp_path / "cache"))
    fresh = load_dataset(ROOT / "data")
    for p in (tmp_path / "cache").rglob("*"):
        if p.is_file():
            cache.write(p.parent.parent.name, p.name, {"not": "a compiled file"})
    again = load_dataset(ROOT / "data")
    pd.testing.assert_frame_equal(fresh.observations, again.observations)


def test_an_unusable_cache_folder_only_costs_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("INDICATORS_CACHE_DIR", str(blocker / "cache"))
    ds = load_dataset(ROOT / "data")
    assert ds.report.valid and len(ds.observations) > 100


# ---- image export: browser missing, failing, crashing, hanging ---------------------------------

needs_chromium = pytest.mark.skipif(
    browser.chromium_path() is None and not os.environ.get("CI"),
    reason="Chromium is not installed (apt-get install chromium)",
)


def _fake_browser(folder: Path, body: str) -> Path:
    path = folder / "fake-chromium"
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def _figure() -> go.Figure:
    return go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"meta": {"sources": ["S"]}})


@pytest.fixture
def quick_export(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INDICATORS_EXPORT_TIMEOUT", "4")
    monkeypatch.setenv("INDICATORS_EXPORT_START_TIMEOUT", "30")
    browser.stop()
    yield monkeypatch
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    browser.stop()


def _timed_failure(kind: type[Exception]) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(kind) as info:
        export.render(_figure(), "svg")
    return str(info.value), time.monotonic() - started


def test_missing_browser_is_reported_at_once(quick_export: pytest.MonkeyPatch) -> None:
    quick_export.setenv("BROWSER_PATH", "/nonexistent/chromium")
    message, took = _timed_failure(browser.ExportUnavailable)
    assert "apt-get install chromium" in message and took < 1


@needs_chromium
@pytest.mark.parametrize(
    "body",
    ["exit 3", "echo 'Segmentation fault' >&2; kill -SEGV $$", "exec sleep 600"],
    ids=["exits", "crashes", "hangs"],
)
def test_a_browser_that_fails_to_start_gives_a_clear_message_then_recovers(
    tmp_path: Path, quick_export: pytest.MonkeyPatch, body: str
) -> None:
    quick_export.setenv("BROWSER_PATH", str(_fake_browser(tmp_path, body)))
    quick_export.setenv("INDICATORS_EXPORT_START_TIMEOUT", "5")
    message, took = _timed_failure(browser.ExportFailed)
    quick_export.setenv("INDICATORS_EXPORT_START_TIMEOUT", "30")
    assert message.startswith("Image export failed: the browser") and "Try again" in message
    assert took < 20, f"{took:.1f}s"
    assert browser.last_failure() == message
    assert (
        subprocess.run(
            ["pgrep", "-f", "sleep 600"], capture_output=True, check=False
        ).stdout.strip()
        == b""
        or "sleep" not in body
    )
    quick_export.delenv("BROWSER_PATH")
    assert export.render(_figure(), "svg").lstrip().startswith(b"<svg")
    assert browser.last_failure() is None


@needs_chromium
def test_a_browser_that_crashes_between_images_is_replaced(
    quick_export: pytest.MonkeyPatch,
) -> None:
    assert export.render(_figure(), "svg")
    os.killpg(browser._worker.process.pid, signal.SIGKILL)  # type: ignore[union-attr]
    time.sleep(0.3)
    started = time.monotonic()
    assert export.render(_figure(), "png").startswith(b"\x89PNG")
    assert time.monotonic() - started < 40


@needs_chromium
def test_a_browser_that_hangs_while_drawing_is_abandoned_in_bounded_time(
    quick_export: pytest.MonkeyPatch,
) -> None:
    assert export.render(_figure(), "svg")
    hung = browser._worker.process  # type: ignore[union-attr]
    os.killpg(hung.pid, signal.SIGSTOP)
    try:
        message, took = _timed_failure(browser.ExportFailed)
    finally:
        try:
            os.killpg(hung.pid, signal.SIGCONT)
        except OSError:
            pass
    assert "did not answer within 4 s" in message and took < 20
    assert hung.poll() is not None, "the hung browser was ended"
    assert export.render(_figure(), "pdf").startswith(b"%PDF")


def test_the_export_command_reports_a_failing_browser_without_traceback(
    tmp_path: Path, quick_export: pytest.MonkeyPatch
) -> None:
    quick_export.setenv("BROWSER_PATH", str(_fake_browser(tmp_path, "exit 3")))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "indicators",
            "export",
            "--out",
            str(tmp_path / "out"),
            "--chart",
            "overview-trade",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ},
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert "the browser" in run.stderr and "could not be started" in run.stderr
    assert list((tmp_path / "out").iterdir()) == []


# ---- a full disk, an unwritable folder -------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 64 kB file system (tmpfs), where the machine lets us mount one."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
            capture_output=True,
            check=False,
        ).returncode
        != 0
    ):
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def _fake_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """Images of a realistic size without a browser: the disk is what is under test."""
    from contextlib import nullcontext

    monkeypatch.setattr(browser, "chromium_path", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(browser, "session", nullcontext)
    monkeypatch.setattr(export, "render", lambda fig, fmt, **kw: b"%PDF-1.7\n" + b"x" * 30_000)


def test_image_export_on_a_full_disk(
    tiny_disk: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_render(monkeypatch)
    status = main(["export", "--out", str(tiny_disk / "img"), "--quiet", "--format", "pdf"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert "No space left on device" in err
    left = sorted((tiny_disk / "img").iterdir())
    assert all(not p.name.startswith(".") for p in left), "no temporary file left behind"
    assert all(p.stat().st_size == 30_009 for p in left), "every file left is whole"


def test_image_export_when_the_disk_fills_midway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Portable variant: the third write fails with ENOSPC."""
    _fake_render(monkeypatch)
    import indicators.export.cli as ecli

    real = ecli.os.fdopen
    calls = {"n": 0}

    class Full:
        def __init__(self, fh) -> None:
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, blob: bytes) -> int:
            self.fh.write(blob[: len(blob) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd: int, mode: str = "r", *a: object):
        calls["n"] += 1
        fh = real(fd, mode, *a)
        return Full(fh) if calls["n"] >= 3 else fh

    monkeypatch.setattr(ecli.os, "fdopen", fdopen)
    out = tmp_path / "img"
    status = main(["export", "--out", str(out), "--quiet", "--format", "pdf"])
    err = capsys.readouterr().err
    assert status == 1 and "No space left on device" in err and "Traceback" not in err
    left = sorted(p.name for p in out.iterdir())
    assert len(left) == 2 and not any(n.startswith(".") for n in left)


def test_image_export_to_an_unwritable_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    status = main(["export", "--out", str(blocker / "img"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 1 and "cannot write to" in err and "Traceback" not in err


def test_data_export_on_a_full_disk_leaves_no_package(
    tiny_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["export-data", "--out", str(tiny_disk / "pkg")])
    err = capsys.readouterr().err
    assert status == 1 and "No space left on device" in err and "Traceback" not in err
    assert list(tiny_disk.iterdir()) == [], "no half-written package, no temporary folder"


def test_data_export_keeps_the_previous_package_when_the_disk_fills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pkg"
    assert main(["export-data", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    import indicators.export.datapackage as dp

    real = dp.write_package

    def fill(ds, folder: Path) -> None:
        real(ds, folder)
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "datapackage.json"))

    monkeypatch.setattr(dp, "write_package", fill)
    capsys.readouterr()
    assert main(["export-data", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]


def test_data_export_to_an_unwritable_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    status = main(["export-data", "--out", str(blocker / "pkg")])
    err = capsys.readouterr().err
    assert status == 1 and "could not write" in err and "Traceback" not in err
