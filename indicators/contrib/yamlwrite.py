"""A new record written into a data file in the files' own YAML style."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from indicators.contrib.fields import ScaffoldError


class Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line: `{source: x, locator: fig 1}`."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # lists indented under their key, as in data/


def _represent_str(dumper: _Dumper, value: str) -> yaml.Node:
    style = None
    if dumper.resolve(ScalarNode, value, (True, False)) != "tag:yaml.org,2002:str":
        style = '"'  # "2024", "NO", "1:30": text that YAML would read as something else
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: _Dumper, value: list[Any]) -> yaml.Node:
    flow = all(not isinstance(v, (list, dict)) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _represent_dict(dumper: _Dumper, value: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping(
        "tag:yaml.org,2002:map", list(value.items()), flow_style=isinstance(value, Flow)
    )


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(Flow, _represent_dict)


def render(record: dict[str, Any], *, flow: bool, indent: int = 2) -> str:
    """The record as a list item at ``indent`` spaces, one line when ``flow``."""
    data = Flow(record) if flow else dict(record)
    text = yaml.dump(
        [data],
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,
        default_flow_style=False,
        indent=2,
    )
    return "".join(" " * indent + line + "\n" for line in text.splitlines())


def insert_record(text: str | None, section: str, record: dict[str, Any]) -> tuple[str, int, int]:
    """``text`` with ``record`` appended to ``section`` (created if missing), in the style of
    the section's last item. Returns the new text and the 1-based lines of the record."""
    if not text or not text.strip():
        entry = render(record, flow=False)
        head = f"{section}:\n"
        return head + entry, 2, 1 + entry.count("\n")
    lines = text.splitlines(keepends=True)
    if not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode):
        raise ScaffoldError(
            "the file's top level is not a mapping of sections; "
            "fix it first (`indicators validate` shows where)"
        )
    keys = [k for k, _ in root.value]
    for i, (key, seq) in enumerate(root.value):
        if not (isinstance(key, ScalarNode) and key.value == section):
            continue
        end = keys[i + 1].start_mark.line if i + 1 < len(keys) else len(lines)
        at = end
        while at > key.start_mark.line + 1 and (
            not lines[at - 1].strip() or lines[at - 1].startswith("#")
        ):
            at -= 1
        if isinstance(seq, SequenceNode) and seq.flow_style:
            raise ScaffoldError(
                f"section {section!r} is a one-line [...] list; write it as "
                "a block list (one `- ` item per line) first"
            )
        if isinstance(seq, SequenceNode) and seq.value:
            last = seq.value[-1]
            before = lines[last.start_mark.line][: last.start_mark.column].rstrip()
            dash = len(before) - 1 if before.endswith("-") else 2
            flow = isinstance(last, MappingNode) and bool(last.flow_style)
        else:
            dash, flow = 2, False
        entry = render(record, flow=flow, indent=dash)
        new = [*lines[:at], entry, *lines[at:]]
        return "".join(new), at + 1, at + entry.count("\n")
    entry = render(record, flow=False)
    sep = "" if not lines[-1].strip() else "\n"
    start = len(lines) + len(sep) + 2
    return "".join(lines) + sep + f"{section}:\n" + entry, start, start + entry.count("\n") - 1
