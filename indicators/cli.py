"""The `indicators` command line: validate data, export charts, build the site."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from indicators.loader import validate_dataset
from indicators.read.datasets import discover


def _cmd_validate(args: argparse.Namespace) -> int:
    refs = discover(args.path)
    several = len(refs) > 1
    reports = [(ref, validate_dataset(ref.path)) for ref in refs]
    if args.format == "json":
        if several:
            import json

            print(
                json.dumps(
                    {ref.id: json.loads(r.to_json()) for ref, r in reports},
                    indent=2,
                    ensure_ascii=False,
                )
            )
        else:
            print(reports[0][1].to_json())
    else:
        for _, report in reports:
            for problem in report.sorted():
                print(problem.format_github() if args.format == "github" else problem.format())
        # One summary line per dataset, after every problem.
        for ref, report in reports:
            print(f"{ref.id}: {report.summary()}" if several else report.summary())
    failed = any(not r.valid or (args.strict and bool(r.warnings)) for _, r in reports)
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="indicators",
        description="Bilateral economic indicators: check the YAML data and export charts.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "validate",
        help="check every data file and report all problems",
        description="Check every data file under PATH (each dataset, where "
        "it holds several); exit 0 when valid, 1 when not. One "
        "line per problem: path:line:col: error[code]: message "
        "(hint), then one summary line per dataset.",
    )
    p.add_argument("path", nargs="?", default="data", help="data folder or file (default: data)")
    p.add_argument(
        "--format",
        choices=("text", "github", "json"),
        default="text",
        help="text (default), GitHub Actions annotations, or JSON",
    )
    p.add_argument("--strict", action="store_true", help="warnings fail too")
    p.set_defaults(func=_cmd_validate)

    from indicators.contrib.cli import add_contrib_commands
    from indicators.export.cli import add_export_commands
    from indicators.site.cli import add_site_command

    add_export_commands(sub)
    add_site_command(sub)
    add_contrib_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    except OSError as exc:  # a full disk or an unwritable folder: say so, no traceback
        where = f" {exc.filename}" if exc.filename else ""
        print(
            f"indicators {args.command}: could not write{where}: {exc.strerror or exc} "
            "(check that the output folder is a writable folder and the disk has room)",
            file=sys.stderr,
        )
        return 1
