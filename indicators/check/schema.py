"""JSON Schemas of the data files, generated from the model, for editors and other tools.

A data file is a mapping of sections (``data/README.md``). Each *kind* of data file (the
folders of the layout convention) gets a schema that allows the sections that kind holds;
``data-file`` allows every section, for files elsewhere. The schemas are committed under
``schema/`` and mapped to the data folders in ``.vscode/settings.json``, so an editor with
the YAML language server flags a mistake while it is typed. The validator stays the
authority: the schemas check shapes, types, enumerations and id patterns, not references.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema

from indicators import model
from indicators.model import SECTIONS, Descriptor
from indicators.problems import Problem

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_PERIOD = (
    r"^(\.\.)?\d{4}(-(Q[1-4]|H[12]|\d{2}(-\d{2})?))?"
    r"(/\d{4}(-\d{2}(-\d{2})?)?)?$"
)

# The model's text checks, as the JSON Schema patterns an editor can apply while typing.
# A test fails when the model gains a check this table does not know.
PATTERNS: dict[Any, str] = {
    model._slug: "^" + model._SLUG.pattern + "$",
    model._entity_id: "^" + model._ENTITY.pattern + "$",
    model._period: _PERIOD,
    model._dateish: _DATE,
    model._url: "^\\s*[hH][tT][tT][pP][sS]?://",
}
_LANG_PATTERN = "^" + model._LANG.pattern + "$"


@dataclass(frozen=True)
class FileKind:
    """A kind of data file: where it lives by convention and which sections it holds."""

    name: str
    title: str
    sections: tuple[str, ...]
    globs: tuple[str, ...]


def _globs(*folders: str) -> tuple[str, ...]:
    return tuple(f"{folder}/*.{ext}" for folder in folders for ext in ("yaml", "yml"))


KINDS: tuple[FileKind, ...] = (
    FileKind(
        "dataset", "dataset.yaml: the relationship a dataset follows", (), ("data/dataset.yaml",)
    ),
    FileKind(
        "catalog",
        "Catalog file: units, indicators and entities",
        ("units", "indicators", "entities"),
        _globs("data/catalog", "data/catalog/indicators"),
    ),
    FileKind(
        "report",
        "Report file: one source, its observations and its excluded figures",
        ("sources", "observations", "excluded"),
        _globs("data/reports"),
    ),
    FileKind(
        "project",
        "Project file: one project and the observations about it",
        ("projects", "observations", "excluded"),
        _globs("data/projects"),
    ),
    FileKind(
        "events",
        "Events file: dated milestones of the relationship",
        ("events",),
        _globs("data/events"),
    ),
    FileKind(
        "data-file",
        "Data file: any section",
        tuple(SECTIONS),
        # The YAML language server reads a leading "!" as "except".
        (*_globs("data"), "!data/dataset.yaml"),
    ),
)
_FOLDER_KIND = {
    "catalog": "catalog",
    "reports": "report",
    "projects": "project",
    "events": "events",
}


def schema_file_name(kind: FileKind) -> str:
    return f"{kind.name}.schema.json"


def kind_of(path: str | Path, data_root: str | Path = "data") -> FileKind:
    """The kind of a data file, from its folder under the data root."""
    p = Path(path)
    if p.name == "dataset.yaml":
        return KINDS[0]
    try:
        parts = p.resolve().relative_to(Path(data_root).resolve()).parts
    except ValueError:  # a file outside the data root: judge by its folder's name
        parts = p.parts[-2:]
    name = _FOLDER_KIND.get(parts[0], "data-file") if len(parts) >= 2 else "data-file"
    return next(k for k in KINDS if k.name == name)


class _ModelSchema(GenerateJsonSchema):
    """Pydantic's generator, taught the model's own text checks and its lenient text."""

    def function_after_schema(
        self, schema: core_schema.AfterValidatorFunctionSchema
    ) -> dict[str, Any]:
        out = dict(self.generate_inner(schema["schema"]))
        func = schema["function"]["function"]
        pattern = PATTERNS.get(func)
        if pattern is None and "_LANG" in getattr(getattr(func, "__code__", None), "co_names", ()):
            pattern = _LANG_PATTERN
        if pattern is not None:
            out["pattern"] = pattern
        return out

    def function_before_schema(
        self, schema: core_schema.BeforeValidatorFunctionSchema
    ) -> dict[str, Any]:
        out = dict(self.generate_inner(schema["schema"]))
        func = schema["function"]["function"]
        if func is model._text and out.get("type") == "string":
            # `period: 2024` reads as a number and the validator keeps its text.
            out["type"] = ["string", "number"]
        return out


@functools.cache
def _defs() -> dict[str, Any]:
    from pydantic.json_schema import models_json_schema

    _, top = models_json_schema(
        [(m, "validation") for m in SECTIONS.values()],
        ref_template="#/$defs/{model}",
        schema_generator=_ModelSchema,
    )
    return top["$defs"]


def build_schema(kind: FileKind, defs: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON Schema of one kind of data file."""
    defs = defs if defs is not None else _defs()
    if kind.name == "dataset":
        one = Descriptor.model_json_schema(schema_generator=_ModelSchema)
        return {
            "$schema": SCHEMA_DIALECT,
            **one,
            "title": kind.title,
            "description": "Generated from indicators/model.py by `indicators schema`; "
            "do not edit. The validator also checks that focus, partners "
            "and group are entities of the catalog.",
        }
    properties: dict[str, Any] = {}
    used: set[str] = set()
    for section in kind.sections:
        name = SECTIONS[section].__name__
        used.add(name)
        properties[section] = {
            "description": f"a list of {section} records (see data/README.md#{section})",
            "type": ["array", "null"],
            "items": {"$ref": f"#/$defs/{name}"},
        }
    needed = _closure(used, defs)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": kind.title,
        "description": "Generated from indicators/model.py by `indicators schema`; do not "
        "edit. The validator (`indicators validate data`) also checks "
        "references, units, duplicates and conflicts.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "$defs": {k: defs[k] for k in sorted(needed)},
    }


def _closure(names: set[str], defs: dict[str, Any]) -> set[str]:
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(re.findall(r'"#/\$defs/([^"]+)"', json.dumps(defs[name])))
    return seen


def build_schemas() -> dict[str, str]:
    """Every schema file's name and its text, as committed under ``schema/``."""
    defs = _defs()
    return {
        schema_file_name(k): json.dumps(build_schema(k, defs), indent=2, ensure_ascii=False) + "\n"
        for k in KINDS
    }


def editor_settings(schema_dir: str = "schema") -> dict[str, list[str]]:
    """The ``yaml.schemas`` mapping for ``.vscode/settings.json``."""
    return {f"./{schema_dir}/{schema_file_name(k)}": list(k.globs) for k in KINDS}


def write_schemas(out: str | Path) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in build_schemas().items():
        path = out / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(out: str | Path) -> list[str]:
    """Names of the committed schema files that differ from the model (or are missing)."""
    out = Path(out)
    stale = []
    for name, text in build_schemas().items():
        path = out / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


def plain(value: Any) -> Any:
    """A ``yaml.safe_load`` value as JSON sees it: unquoted dates become ISO text."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _deepest(err: Any) -> Any:
    """For `anyOf` (a field that may also be null), the branch that explains the error."""
    from jsonschema.exceptions import best_match

    while err.context:
        # The non-null branch is the one the contributor meant to write.
        branches = [e for e in err.context if e.validator != "type" or e.validator_value != "null"]
        best = best_match(branches or err.context)
        if best is None:
            break
        err = best
    return err


class _TextDates(yaml.SafeLoader):
    """Safe loading with unquoted dates kept as their text, as an editor's YAML 1.2 reads
    them (so `2024-02-30` is a pattern mismatch here and a bad date for the validator)."""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


@functools.cache
def _validator(kind: str) -> Any:
    import jsonschema

    schema = build_schema(next(k for k in KINDS if k.name == kind))
    return jsonschema.Draft202012Validator(schema)


def check_file(path: str | Path, data_root: str | Path = "data") -> list[Problem]:
    """Check one data file against its kind's schema, as an editor would: each mismatch
    a problem of code `schema`, located like the validator's."""
    from indicators.read.yamlnodes import locate

    try:
        text = Path(path).read_text(encoding="utf-8")
        value = plain(yaml.load(text, Loader=_TextDates))
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        return [
            _problem(
                path,
                1,
                1,
                "",
                f"cannot read the file: {exc}",
                "run `indicators validate` for the details",
            )
        ]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return [
            _problem(
                path,
                line,
                col,
                "",
                "not valid YAML: " + str(getattr(exc, "problem", None) or exc).splitlines()[0],
                "run `indicators validate` for the details",
            )
        ]
    if value is None:
        return []
    kind = kind_of(path, data_root)
    out = []
    for err in _validator(kind.name).iter_errors(value):
        err = _deepest(err)
        loc = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = err.schema.get("properties", {})
            extra = [k for k in err.instance if k not in allowed]
            loc += extra[:1]  # point at the unknown key, not at its record
        line, col = locate(root, loc)
        hint = (
            "a " + kind.name + " file holds the sections " + ", ".join(kind.sections)
            if not err.absolute_path and kind.sections
            else "see data/README.md for the fields"
        )
        message = err.message if len(err.message) <= 160 else err.message[:157] + "..."
        out.append(_problem(path, line, col, ".".join(map(str, loc)), message, hint))
    return sorted(out, key=lambda e: (e.line, e.column, e.field))


def _problem(path: str | Path, line: int, col: int, field: str, message: str, hint: str) -> Problem:
    return Problem("schema", message, str(path), line, col, field, hint)
