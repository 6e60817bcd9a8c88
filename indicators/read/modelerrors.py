"""pydantic's validation errors worded as located problems, each with a hint to fix it."""

from __future__ import annotations

import difflib
from typing import Any, get_args

from yaml.nodes import Node

from indicators.model import SECTIONS, Descriptor
from indicators.problems import Problem
from indicators.read.yamlnodes import locate


def pydantic_problem(err: dict[str, Any], section: str | None, root: Node, file: str) -> Problem:
    """A pydantic error as a located problem. ``section`` None: the file is one record
    (``dataset.yaml``), not a mapping of sections holding lists."""
    loc = (section, *err["loc"]) if section else tuple(err["loc"])
    inner = tuple(err["loc"][1:]) if section else tuple(err["loc"])
    etype = err["type"]
    fieldpath = ".".join(str(x) for x in inner)
    line, col = locate(root, loc)
    model = SECTIONS[section] if section else Descriptor
    if etype == "extra_forbidden":
        name = str(err["loc"][-1])
        allowed = _allowed_fields(model, inner[:-1])
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean `{close[0]}`?" if close else "allowed fields: " + ", ".join(allowed)
        return Problem("unknown-field", f"unknown field {name!r}", file, line, col, fieldpath, hint)
    if etype == "missing":
        return Problem(
            "missing-field",
            f"required field {str(err['loc'][-1])!r} is missing",
            file,
            line,
            col,
            fieldpath,
            "add it; see data/README.md for the fields",
        )
    if etype in ("not-a-number", "not-finite"):
        return Problem(
            "wrong-type",
            err["msg"],
            file,
            line,
            col,
            fieldpath,
            "write the number as the source gives it, e.g. `value: 94.8` with "
            "`unit: USD bn`; no currency signs, separators or %",
        )
    if etype == "yaml11-bool":
        return Problem(
            "yaml11",
            err["msg"],
            file,
            line,
            col,
            fieldpath,
            "YAML reads yes/no/on/off/true/false as booleans: put the text in quotes",
        )
    if etype in ("bad-period", "bad-date"):
        return Problem(
            "bad-date",
            err["msg"],
            file,
            line,
            col,
            fieldpath,
            "use YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Q1, YYYY-H1, A/B or ..DATE; the date must exist",
        )
    if etype == "bad-url":
        return Problem(
            "bad-url", err["msg"], file, line, col, fieldpath, "give the page's http(s) address"
        )
    if etype in ("bool_type", "bool_parsing"):
        return Problem(
            "wrong-type",
            f"{err['msg']}, got {_short(err.get('input'))}",
            file,
            line,
            col,
            fieldpath,
            "write true or false",
        )
    if etype == "literal_error":
        return Problem(
            "bad-value",
            f"{err['msg']}, got {_short(err.get('input'))}",
            file,
            line,
            col,
            fieldpath,
            "use one of the listed values",
        )
    if etype in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return Problem(
            "out-of-range",
            f"{err['msg']}, got {_short(err.get('input'))}",
            file,
            line,
            col,
            fieldpath,
            "latitude is -90..90 and longitude -180..180; check they are not swapped"
            if fieldpath.endswith(("lat", "lon"))
            else "check the value",
        )
    if etype in ("too_short", "too_long") and isinstance(err.get("input"), str):
        size = len(err["input"])
        return Problem(
            "wrong-length",
            "the text is empty"
            if etype == "too_short"
            else f"the text is {size} characters long; the limit is "
            f"{err.get('ctx', {}).get('max_length', '?')}",
            file,
            line,
            col,
            fieldpath,
            "write the text, or remove the field if it is optional"
            if etype == "too_short"
            else "shorten it: a few words in your own words",
        )
    if etype in ("too_short", "too_long"):
        return Problem(
            "wrong-length",
            err["msg"],
            file,
            line,
            col,
            fieldpath,
            "a route needs at least two waypoints; lists must not be empty"
            if "waypoints" in fieldpath
            else "check the list",
        )
    if etype in ("bad-id", "bad-entity", "bad-language"):
        return Problem(
            etype,
            err["msg"],
            file,
            line,
            col,
            fieldpath,
            "ids are letters, digits, '-', '_' and '.'; entity codes are upper case "
            "like KAZ; languages are ISO 639-1 like en",
        )
    return Problem(
        "wrong-type",
        f"{err['msg']}, got {_short(err.get('input'))}",
        file,
        line,
        col,
        fieldpath,
        "check the value's type against data/README.md",
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_fields(model: type, loc: tuple[Any, ...]) -> list[str]:
    """The fields allowed at a nested location (``route.waypoints.0``)."""
    current: Any = model
    for step in loc:
        if isinstance(step, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(step)
        if info is None:
            return []
        current = _inner_model(info.annotation)
    return sorted(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    if hasattr(annotation, "model_fields"):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
