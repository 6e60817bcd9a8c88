"""The JSON Schemas of the data files: current with the model, true of every data file, mapped
for editors, and flagging the mistakes an editor can see while the contributor types."""

from __future__ import annotations

import fnmatch
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import AfterValidator, BeforeValidator

from indicators import model
from indicators.check import schema
from indicators.cli import main
from indicators.loader import data_files
from tests.paths import FIXTURES, ROOT

DATA = ROOT / "data"
SCHEMA_DIR = ROOT / "schema"


def _iso(value: Any) -> Any:
    """JSON has no dates: an unquoted YAML date is checked as the ISO text it was written as."""
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def test_committed_schemas_are_current() -> None:
    stale = schema.stale_schemas(SCHEMA_DIR)
    assert not stale, f"run `indicators schema --out schema` and commit: {stale}"
    committed = sorted(p.name for p in SCHEMA_DIR.glob("*.json"))
    assert committed == sorted(schema.build_schemas()), "remove schema files no kind produces"


def test_schema_check_command_fails_on_a_stale_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 0
    target = tmp_path / "report.schema.json"
    target.write_text(target.read_text().replace('"exact"', '"exactly"'))
    capsys.readouterr()
    assert main(["schema", "--out", str(tmp_path), "--check"]) == 1
    err = capsys.readouterr().err
    assert "report.schema.json" in err and "indicators schema --out" in err


def test_committed_schemas_are_valid_json_schemas() -> None:
    for path in SCHEMA_DIR.glob("*.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


@pytest.mark.parametrize("path", data_files(DATA), ids=lambda p: str(p.relative_to(DATA)))
def test_every_data_file_validates_against_its_committed_schema(path: Path) -> None:
    kind = schema.kind_of(path, DATA)
    committed = json.loads((SCHEMA_DIR / schema.schema_file_name(kind)).read_text())
    value = _iso(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft202012Validator(committed).iter_errors(value)
    ]
    assert not errors, errors[:5]


def test_every_data_file_is_mapped_to_exactly_one_schema_for_editors() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text())
    mapping = settings["yaml.schemas"]
    assert mapping == schema.editor_settings(), "regenerate .vscode/settings.json yaml.schemas"
    for path in data_files(DATA):
        rel = path.relative_to(ROOT).as_posix()
        matched = [
            s
            for s, globs in mapping.items()
            if any(
                fnmatch.fnmatch(rel, g) and rel.count("/") == g.count("/")
                for g in globs
                if not g.startswith("!")
            )
            and not any(fnmatch.fnmatch(rel, g[1:]) for g in globs if g.startswith("!"))
        ]
        kind = schema.kind_of(path, DATA)
        assert matched == [f"./schema/{schema.schema_file_name(kind)}"], rel
        assert (ROOT / matched[0]).exists()


def _validators(annotation: Any) -> list[Any]:
    found = []
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, (AfterValidator, BeforeValidator)):
            found.append(meta)
    for arg in get_args(annotation):
        found += _validators(arg)
    return found


def test_every_text_check_of_the_model_has_a_schema_pattern() -> None:
    """A new check in model.py must be taught to schema.PATTERNS, or editors miss it."""
    for section, cls in model.SECTIONS.items():
        for name, info in cls.model_fields.items():
            checks = [v.func for v in _validators(info.annotation) if isinstance(v, AfterValidator)]
            checks += [m.func for m in info.metadata if isinstance(m, AfterValidator)]
            for func in checks:
                known = func in schema.PATTERNS or "_LANG" in func.__code__.co_names
                assert known, f"{section}.{name}: add {func.__name__} to schema.PATTERNS"


def test_schema_patterns_agree_with_the_model_on_the_real_data() -> None:
    import re

    for pattern, field_name in ((schema._PERIOD, "period"), (schema._DATE, "as_of")):
        values = set()
        for path in data_files(DATA):
            text = path.read_text(encoding="utf-8")
            # The field as a key (a line's first, or in a flow mapping), not the word in a note.
            values |= set(
                re.findall(rf"(?:^[ -]*|[{{,] *){field_name}: \"?([^,\"}}\n]+)", text, re.M)
            )
        assert values
        bad = [v for v in values if not re.fullmatch(pattern, v.strip())]
        assert not bad, bad


# What an editor shows while typing: (fixture, line, field path). The same fixtures are the
# validator's bad-input table (test_validation_fixtures.py), which reports the same lines.
SCHEMA_CASES = [
    ("bad_qualifier", 8, "observations.0.qualifier"),
    ("currency_value", 6, "observations.0.value"),
    ("wrong_type", 6, "observations.0.value"),
    ("ftp_url", 6, "sources.0.url"),
    ("javascript_url", 6, "sources.0.url"),
    ("latitude_out_of_range", 12, "projects.0.route.waypoints.1.lat"),
    ("one_waypoint", 10, "projects.0.route.waypoints"),
    ("missing_field", 2, "observations.0"),
    ("unknown_field", 6, "observations.0.vaule"),
    ("unknown_section", 1, "observation"),
    ("yaml11_no", 3, "observations.0.reporter"),
    ("syntax", 3, ""),
    ("top_level_list", 1, ""),
]


@pytest.mark.parametrize(
    ("fixture", "line", "path"), SCHEMA_CASES, ids=[c[0] for c in SCHEMA_CASES]
)
def test_schema_flags_what_an_editor_can_see(fixture: str, line: int, path: str) -> None:
    errors = schema.check_file(FIXTURES / "bad" / f"{fixture}.yaml", FIXTURES)
    assert (line, path) in [(e.line, e.field) for e in errors], [e.format() for e in errors]


def test_schema_command_checks_files_with_file_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    bad = reports / "x.yaml"
    bad.write_text(
        "sources:\n  - id: x\n    title: T\n    publisher: P\n    published: null\n"
        "    url: https://example.org\n    language: en\n    kind: blog\n"
        "events: []\n"
    )
    assert main(["schema", "--data", str(tmp_path), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{bad}:8:5: error[schema]: 'blog' is not one of")
    assert out[1] == (
        f"{bad}:9:1: error[schema]: Additional properties are not allowed "
        "('events' was unexpected) [at events] (a report file holds the "
        "sections sources, observations, excluded)"
    )
    good = DATA / "reports" / "001-orda-china-ca-trade-2024.yaml"
    assert main(["schema", str(good)]) == 0


_PART = st.one_of(
    st.integers(1990, 2030).map(str),
    st.tuples(st.integers(1990, 2030), st.integers(0, 13)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.tuples(st.integers(1990, 2030), st.integers(1, 12), st.integers(0, 31)).map(
        lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"
    ),
    st.tuples(st.integers(1990, 2030), st.sampled_from(["Q1", "Q4", "Q5", "H1", "H2", "H3"])).map(
        lambda t: f"{t[0]}-{t[1]}"
    ),
)
_PERIODS = st.one_of(_PART, st.tuples(_PART, _PART).map("/".join), _PART.map(lambda p: ".." + p))


@given(_PERIODS)
def test_the_period_pattern_never_rejects_what_the_validator_accepts(text: str) -> None:
    """An editor must not underline a period the validator takes (it may miss some bad ones:
    the validator has the last word)."""
    import re

    from indicators.periods import PeriodError, parse_period

    try:
        parse_period(text)
    except PeriodError:
        return
    assert re.fullmatch(schema._PERIOD, text), text
