"""`indicators export`: the standard chart set as image files, for automated report builds."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from indicators.export import browser
from indicators.export import images as export
from indicators.loader import load_dataset
from indicators.read.datasets import add_dataset_option


def _progress(done: int, total: int, label: str, started: float) -> None:
    width = 28
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "-" * (width - filled)
    elapsed = time.monotonic() - started
    end = "\n" if done == total else ""
    sys.stderr.write(f"\r[{bar}] {done}/{total} {label[:40]:<40} {elapsed:5.1f}s{end}")
    sys.stderr.flush()


def _write_atomic(path: Path, blob: bytes) -> None:
    """Write next to the target and rename: a failed export leaves no file that looks whole."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cmd_export(args: argparse.Namespace) -> int:
    from indicators.charts.standard import standard_charts
    from indicators.read.datasets import DatasetChoiceError, resolve

    try:
        ref = resolve(args.data, args.dataset)
    except DatasetChoiceError as exc:
        print(f"indicators export: {exc}", file=sys.stderr)
        return 2
    ds = load_dataset(ref.path)
    charts = standard_charts(ds)
    if args.list:
        for c in charts:
            print(f"{c.id:<18} {c.description}")
        return 0
    if args.out is None:
        print("indicators export: --out DIR is required (or use --list)", file=sys.stderr)
        return 2
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in export.FORMATS]
    if unknown:
        print(
            f"indicators export: unknown format(s) {', '.join(unknown)}; use "
            f"{', '.join(export.FORMATS)}",
            file=sys.stderr,
        )
        return 2
    known = {c.id: c for c in charts}
    wanted = args.chart or list(known)
    missing = [c for c in wanted if c not in known]
    if missing:
        print(
            f"indicators export: unknown chart id(s) {', '.join(missing)}; "
            "see `indicators export --list`",
            file=sys.stderr,
        )
        return 2
    if browser.chromium_path() is None:
        print(f"indicators export: {browser.missing_browser_message()}", file=sys.stderr)
        return 1
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        print(
            f"indicators export: cannot write to {out}: {exc.strerror}; choose a writable "
            "folder with --out",
            file=sys.stderr,
        )
        return 1
    if not ds.report.valid:
        print(
            f"indicators export: warning: {len(ds.report.errors)} problem(s) in the data; "
            "charts show the valid records (run `indicators validate`)",
            file=sys.stderr,
        )
    jobs = [(known[c], f) for c in wanted for f in formats]
    started = time.monotonic()
    written = []
    try:
        with browser.session():
            for i, (chart, fmt) in enumerate(jobs, 1):
                fig = chart.build(ds)
                blob = export.render(fig, fmt, width=args.width, height=args.height)
                target = out / f"{chart.id}.{fmt}"
                _write_atomic(target, blob)
                written.append(target)
                if not args.quiet:
                    _progress(i, len(jobs), f"{chart.id}.{fmt}", started)
    except browser.ExportUnavailable as exc:
        print(f"\nindicators export: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"\nindicators export: could not write an image: {exc}; files already written "
            "are complete, the rest were not written",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # a browser crash or timeout: a clear message, not a traceback
        print(
            f"\nindicators export: rendering failed ({type(exc).__name__}: {exc}); check "
            "that Chromium runs (`chromium --headless --version`)",
            file=sys.stderr,
        )
        return 1
    print(f"wrote {len(written)} file(s) to {out}")
    return 0


def add_export_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export",
        help="render the standard chart set to PNG, SVG and PDF files",
        description="Render every dashboard chart with its default filters to files named by "
        "chart id. Needs Chromium (Debian: apt-get install chromium).",
    )
    p.add_argument("--out", metavar="DIR", help="folder to write the images into")
    p.add_argument(
        "--format",
        default="png,svg,pdf",
        help="comma-separated formats: png, svg, pdf (default: all three)",
    )
    p.add_argument(
        "--chart", action="append", metavar="ID", help="only this chart id (repeatable); see --list"
    )
    p.add_argument("--data", default="data", metavar="PATH", help="data folder (default: data)")
    add_dataset_option(p)
    p.add_argument("--width", type=int, default=export.DEFAULT_WIDTH, help="image width in px")
    p.add_argument(
        "--height",
        type=int,
        default=export.DEFAULT_HEIGHT,
        help="image height in px (tall charts keep their own height)",
    )
    p.add_argument("--list", action="store_true", help="list the chart ids and exit")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_export)
