"""`indicators site`: build the static site of a dataset."""

from __future__ import annotations

import argparse
import sys

from indicators.read.datasets import add_dataset_option


def _cmd_site(args: argparse.Namespace) -> int:
    from indicators.export.browser import ExportFailed, ExportUnavailable
    from indicators.read.datasets import DatasetChoiceError
    from indicators.site.build import SiteError, build_site

    def progress(done: int, total: int, chart: str) -> None:
        if not args.quiet:
            sys.stderr.write(f"\r{done + 1}/{total} {chart:<40}")
            sys.stderr.flush()

    try:
        report = build_site(
            args.data,
            args.out,
            dataset=args.dataset,
            base_url=args.base_url,
            app_url=args.app_url,
            progress=progress,
        )
    except (DatasetChoiceError, SiteError) as exc:
        print(f"indicators site: {exc}", file=sys.stderr)
        return 2
    except (ExportUnavailable, ExportFailed) as exc:
        print(f"\nindicators site: could not draw the chart images: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        sys.stderr.write("\n")
    print(
        f"built {len(report.charts)} chart page(s) in {args.out} in {report.seconds:.1f} s: "
        f"{len(report.drawn)} chart(s) drawn afresh, {len(report.written)} file(s) written"
    )
    return 0


def add_site_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "site",
        help="build a static site of every chart (pages, embeds, downloads, data package)",
        description="Build a self-contained static site from the dataset: one page per chart "
        "with its image, interactive chart, downloads, datapoints and embed code; served by "
        "any web server or opened from disk. A rebuild rewrites only what changed. Needs "
        "Chromium to draw the images (Debian: apt-get install chromium).",
    )
    p.add_argument("--out", metavar="DIR", required=True, help="folder to build the site in")
    p.add_argument("--data", default="data", metavar="ROOT", help="data folder (default: data)")
    add_dataset_option(p)
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="where the site will be served: canonical links, preview images, sitemap.xml",
    )
    p.add_argument(
        "--app-url", metavar="URL", help="the live dashboard, linked from each chart page"
    )
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.set_defaults(func=_cmd_site)
