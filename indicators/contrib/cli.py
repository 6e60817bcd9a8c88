"""Commands for contributors and reviewers (schema, new, diff, export-data)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from indicators.read.datasets import add_dataset_option


def _err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


# ---- indicators schema -------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace) -> int:
    from indicators.check import schema

    status = 0
    if args.files:
        for f in args.files:
            if Path(f).suffix not in (".yaml", ".yml"):
                continue
            for e in schema.check_file(f, args.data):
                print(e.format())
                status = 1
    if args.check:
        stale = schema.stale_schemas(args.out)
        if stale:
            _err(
                f"the JSON Schemas in {args.out}/ are out of date with indicators/model.py: "
                + ", ".join(stale)
                + f" (run `indicators schema --out {args.out}` and commit "
                "the result)"
            )
            status = 1
    if not args.files and not args.check:
        for path in schema.write_schemas(args.out):
            print(path)
    return status


def _add_schema(sub: Any) -> None:
    p = sub.add_parser(
        "schema",
        help="write the JSON Schemas of the data files (for editors)",
        description="Generate one JSON Schema per kind of data file from the model and "
        "write them to DIR (default: schema). With --check, write nothing and "
        "fail when the committed schemas are out of date. With FILEs, check those "
        "data files against their schema, as an editor does while you type.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="data files to check")
    p.add_argument(
        "--out",
        default="schema",
        metavar="DIR",
        help="folder of the schema files (default: schema)",
    )
    p.add_argument(
        "--check", action="store_true", help="fail when the schemas in DIR differ from the model"
    )
    p.add_argument(
        "--data",
        default="data",
        metavar="DIR",
        help="the data folder, to tell each FILE's kind (default: data)",
    )
    p.set_defaults(func=_cmd_schema)


# ---- indicators new ----------------------------------------------------------------------


def _ask(field: Any, default: Any, data: str = "data") -> str:
    choices = f" [{'/'.join(field.choices)}]" if field.choices else ""
    if field.name == "topic":
        topics = sorted(p.stem for p in Path(data, "events").glob("*.yaml"))
        choices = f" [existing: {', '.join(topics)}, or a new one]" if topics else ""
    shown = (
        f" (default {default})"
        if default is not None
        else ("" if field.required else " (optional, Enter to skip)")
    )
    return input(f"{field.name}{choices}{shown} — {field.help}: ")


def _cmd_new(args: argparse.Namespace) -> int:
    from indicators.contrib import fields, scaffold

    given = {f.name: getattr(args, f.name) for f in fields.FIELDS[args.record]}
    interactive = not args.no_input and sys.stdin.isatty()
    try:
        values = scaffold.gather_values(
            args.record, given, interactive=interactive, ask=lambda f, d: _ask(f, d, args.data)
        )
        added = scaffold.add(args.record, values, args.data, file=args.file, dry_run=args.dry_run)
    except fields.ScaffoldError as exc:
        _err(str(exc))
        return 1
    except (EOFError, KeyboardInterrupt):
        _err("cancelled; nothing was written")
        return 130
    verb = "would add" if args.dry_run else "added"
    print(f"{verb} to {added.file}:{added.first_line}:")
    print(added.text, end="")
    for p in added.warnings:
        print(p.format())
    if not args.dry_run:
        print(
            "next: check each value against the source, then run `indicators validate` "
            "and `indicators diff HEAD`"
        )
    return 0


def _add_new(sub: Any) -> None:
    from indicators.contrib import fields

    p = sub.add_parser(
        "new",
        help="append a new source, observation, project or event to the right file",
        description="Append a correct skeleton record to the file the layout convention "
        "gives it (a source gets data/reports/ID.yaml, an observation goes to its "
        "source's file, a project gets data/projects/ID.yaml, an event goes to "
        "data/events/TOPIC.yaml). Fields come from the options; in a terminal the "
        "missing ones are asked for. The dataset is validated after writing and "
        "a record that brings an error is taken back out.",
    )
    kinds = p.add_subparsers(dest="record", required=True, metavar="RECORD")
    for kind in fields.KINDS:
        k = kinds.add_parser(
            kind, help=f"a new {kind}", description=f"Append a new {kind} (see data/README.md)."
        )
        for f in fields.FIELDS[kind]:
            extra = f" (one of {', '.join(f.choices)})" if f.choices else ""
            default = f"; default {f.default}" if f.default is not None else ""
            k.add_argument(
                f.option,
                dest=f.name,
                metavar=f.name.upper(),
                help=f.help
                + extra
                + default
                + (" [required]" if f.required and f.default is None else ""),
            )
        k.add_argument(
            "--data", default="data", metavar="DIR", help="the data folder (default: data)"
        )
        k.add_argument("--file", metavar="PATH", help="write to this file instead")
        k.add_argument(
            "--dry-run",
            action="store_true",
            help="print the record and where it would go; write nothing",
        )
        k.add_argument(
            "--no-input",
            action="store_true",
            help="never ask; fail when a required field is missing",
        )
        k.set_defaults(func=_cmd_new)
    d = kinds.add_parser(
        "dataset",
        help="a new dataset folder: dataset.yaml, a catalog, empty folders",
        description="Write the skeleton of a new dataset: its dataset.yaml, a catalog that "
        "reuses the bundled indicators and units with the entities named here, "
        "and empty reports/, projects/ and events/ folders. It validates and "
        "opens in the app (INDICATORS_DATA=DIR) before any datapoint is added.",
    )
    d.add_argument("--id", required=True, metavar="ID", help="the dataset's slug")
    d.add_argument(
        "--focus",
        required=True,
        metavar="CODE",
        help="the country whose relationships it follows: CHN",
    )
    d.add_argument(
        "--partners",
        required=True,
        metavar="A,B,C",
        help="its partners, comma-separated entity codes",
    )
    d.add_argument("--group", metavar="CODE", help="the entity that stands for their total")
    d.add_argument("--title", help="the dataset's title (default: from the names)")
    d.add_argument("--licence", default="CC BY 4.0", help="the data's licence")
    d.add_argument("--out", metavar="DIR", help="the folder to create (default: ./ID)")
    d.set_defaults(func=_cmd_new_dataset)


def _cmd_new_dataset(args: argparse.Namespace) -> int:
    from indicators.contrib.newdataset import NewDatasetError, new_dataset
    from indicators.loader import validate_dataset

    partners = [p.strip() for p in args.partners.split(",") if p.strip()]
    try:
        made = new_dataset(
            args.out or args.id,
            ident=args.id,
            focus=args.focus,
            partners=partners,
            group=args.group,
            title=args.title,
            licence=args.licence,
        )
    except NewDatasetError as exc:
        _err(str(exc))
        return 1
    for f in made.files:
        print(f"wrote {f}")
    if made.unnamed:
        print(
            f"note: {', '.join(made.unnamed)} are not in the bundled catalog; give each its "
            f"name in {made.folder / 'catalog' / 'entities.yaml'}"
        )
    report = validate_dataset(made.folder)
    print(report.summary())
    print(
        f"next: add a source and datapoints (`indicators new source --data {made.folder}`), "
        f"then `INDICATORS_DATA={made.folder} bash scripts/dashboard.sh`"
    )
    return 0 if report.valid else 1


# ---- indicators diff ---------------------------------------------------------------------


def _data_folder(args: argparse.Namespace) -> Path | None:
    """``--data``, narrowed to ``--dataset`` where it holds several; None (said) when not."""
    from indicators.read.datasets import DatasetChoiceError, resolve

    try:
        return resolve(args.data, args.dataset).path
    except DatasetChoiceError as exc:
        _err(str(exc))
        return None


def _cmd_diff(args: argparse.Namespace) -> int:
    from indicators.contrib import diffmarkdown, git

    data = _data_folder(args)
    if data is None:
        return 2
    try:
        text = diffmarkdown.changelog_markdown(
            args.base, args.head, data, charts=Path(args.charts) if args.charts else None
        )
    except git.GitError as exc:
        _err(str(exc))
        return 2
    print(text, end="")
    return 0


def _add_diff(sub: Any) -> None:
    p = sub.add_parser(
        "diff",
        help="datapoint-level changelog between two git revisions (Markdown)",
        description="Compare the data at git revision BASE with HEAD (default: the working "
        "tree) and print a Markdown changelog: datapoints added, removed and "
        "changed (old value to new), other records, and the new warnings, "
        "conflicts and errors, each with file:line.",
    )
    p.add_argument("base", metavar="BASE", help="git revision to compare from: main, HEAD~1")
    p.add_argument(
        "head",
        metavar="HEAD",
        nargs="?",
        default=None,
        help="git revision to compare to (default: the working tree)",
    )
    p.add_argument("--data", default="data", metavar="DIR", help="the data folder (default: data)")
    p.add_argument(
        "--charts",
        metavar="DIR",
        help="also write before/after PNGs of the charts whose data changed",
    )
    add_dataset_option(p)
    p.set_defaults(func=_cmd_diff)


# ---- indicators export-data --------------------------------------------------------------


def _cmd_export_data(args: argparse.Namespace) -> int:
    from indicators.export.datapackage import ExportError, export_data

    data = _data_folder(args)
    if data is None:
        return 2
    try:
        written = export_data(data, args.out)
    except ExportError as exc:
        _err(str(exc))
        return 1
    print(
        f"wrote {written} (Frictionless Data Package; check it with "
        f"`frictionless validate {written / 'datapackage.json'}`)"
    )
    return 0


def _add_export_data(sub: Any) -> None:
    p = sub.add_parser(
        "export-data",
        help="write the dataset as CSV files and a datapackage.json",
        description="Write every table of the dataset as CSV plus a Frictionless "
        "datapackage.json (table schemas with types, units, primary and foreign "
        "keys, the sources and the CC-BY-4.0 licence) into DIR. The folder is "
        "replaced whole: a failure leaves the previous export as it was.",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="the package folder to write")
    p.add_argument("--data", default="data", metavar="DIR", help="the data folder (default: data)")
    add_dataset_option(p)
    p.set_defaults(func=_cmd_export_data)


def add_contrib_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    _add_schema(sub)
    _add_new(sub)
    _add_diff(sub)
    _add_export_data(sub)
