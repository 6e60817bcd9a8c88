"""The column-wise observation checks against a plain loop over records.

The checks in ``indicators/check/observations.py`` and ``conflicts.py`` work on whole
columns for speed. Here a direct record-by-record statement of the same rules (references,
units, signs, ranges, duplicates, conflicts between sources, future periods) is run on
random observations drawn from small pools, so that unknown ids, duplicates and conflicting
figures are common, and the two must give the same problems in the same order.
"""

from __future__ import annotations

import json
import math
import shutil
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indicators import validate_dataset
from indicators.periods import parse_period
from tests.paths import DATA

TODAY = date(2026, 11, 30)
SOURCES = [f"t-source-{c}" for c in "abcdefg"]
OBS_CODES = {
    "unknown-reference",
    "missing-field",
    "unit",
    "negative",
    "bad-range",
    "duplicate",
    "conflict",
    "conflict-unexplained",
    "future-date",
}


def _catalog() -> tuple[dict[str, dict], dict[str, dict], set[str]]:
    units, indicators, entities = {}, {}, set()
    for path in sorted((DATA / "catalog").rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        units |= {u["id"]: u for u in doc.get("units", [])}
        indicators |= {
            i["id"]: {"also_accepts": [], "allow_negative": False, **i}
            for i in doc.get("indicators", [])
        }
        entities |= {e["id"] for e in doc.get("entities", [])}
    return units, indicators, entities


UNITS, INDICATORS, ENTITIES = _catalog()

observation = st.fixed_dictionaries(
    {
        "indicator": st.sampled_from(["trade_total", "trade_change", "no_such_indicator"]),
        # Weighted to one fact, so that many sources give figures for it.
        "reporter": st.sampled_from(["CHN", "CHN", "CHN", "KAZ", "XXA", None]),
        "partner": st.sampled_from(["KAZ", "KAZ", "KAZ", "C5", None]),
        "period": st.sampled_from(["2024", "2024", "2024", "2023", "2024-H1", "2031"]),
        "value": st.sampled_from([94.8, 94.75, 95, 30, -2.5, 0.4, 1500]),
        "unit": st.sampled_from(["USD bn", "USD mn", "CNY bn", "percent", "USD zillions"]),
        "qualifier": st.sampled_from(["exact", "approximately", "more_than", "at_most", "range"]),
        "value_max": st.sampled_from([None, None, 96.0, 10.0]),
        "basis": st.sampled_from(["actual", "actual", "target"]),
        "source": st.sampled_from([*SOURCES, "t-source-unknown"]),
        "project": st.sampled_from([None, None, None, "no-such-project"]),
        "note": st.sampled_from([None, None, "another period"]),
    }
)


def _flow(record: dict[str, Any]) -> str:
    """One record on one line, so its line is that of each of its fields."""
    parts = [f"{key}: {json.dumps(value)}" for key, value in record.items() if value is not None]
    return "  - {" + ", ".join(parts) + ", locator: P1}\n"


def _write(root: Path, files: dict[str, list[dict]]) -> dict[str, list[tuple[int, dict]]]:
    shutil.copytree(DATA / "catalog", root / "catalog")
    (root / "reports").mkdir()
    (root / "reports" / "t-sources.yaml").write_text(
        "sources:\n"
        + "".join(
            f"  - {{id: {s}, title: Test source {s}, publisher: Test, published: '2024-01-01', "
            f"url: 'https://example.org/{s}', language: en, kind: media}}\n"
            for s in SOURCES
        ),
        encoding="utf-8",
    )
    lines: dict[str, list[tuple[int, dict]]] = {}
    for name, records in files.items():
        text = "observations:\n" + "".join(_flow(r) for r in records)
        (root / "reports" / name).write_text(text, encoding="utf-8")
        lines[name] = [(i + 2, r) for i, r in enumerate(records)]
    return lines


def _interval(d: dict) -> tuple[float, float]:
    factor = UNITS[d["unit"]]["factor"]
    value, q = d["value"] * factor, d["qualifier"]
    if q in ("at_least", "more_than"):
        return value, math.inf
    if q in ("at_most", "less_than"):
        return -math.inf, value
    if q == "range" and d["value_max"] is not None:
        return value, d["value_max"] * factor
    if q in ("approximately", "nearly"):
        lo, hi = sorted((value * 0.95, value * 1.05))
        return lo, hi
    exponent = Decimal(repr(float(d["value"]))).normalize().as_tuple().exponent
    half = 10.0 ** min(int(exponent), 0) / 2 * factor
    return value - half, value + half


def _expected(rows: list[tuple[str, int, dict]]) -> list[tuple]:
    """The rules, one record at a time, in file order (the statement of what is meant)."""
    out: list[tuple] = []
    refs = [
        ("indicator", INDICATORS, "indicator"),
        ("reporter", ENTITIES, "entity"),
        ("partner", ENTITIES, "entity"),
        ("source", set(SOURCES), "source"),
        ("project", set(), "project"),
        ("event", set(), "event"),
        ("share_of", ENTITIES, "entity"),
    ]
    for file, line, d in rows:
        for path, table, what in refs:
            if d.get(path) is not None and d[path] not in table:
                out.append(("unknown-reference", file, line, path, f"unknown {what} {d[path]!r}"))
        if d["reporter"] is None and d["project"] is None:
            out.append(
                (
                    "missing-field",
                    file,
                    line,
                    "reporter",
                    "an observation needs a reporter (or a project)",
                )
            )
        if d["indicator"] not in INDICATORS:
            continue
        ind = INDICATORS[d["indicator"]]
        allowed = (ind["unit"], *ind["also_accepts"])
        if d["unit"] not in UNITS:
            out.append(("unit", file, line, "unit", f"unknown unit {d['unit']!r}"))
        elif UNITS[d["unit"]]["base"] not in allowed:
            out.append(
                (
                    "unit",
                    file,
                    line,
                    "unit",
                    f"unit {d['unit']!r} does not convert to {ind['name']!r} ({ind['unit']})",
                )
            )
        if d["value"] < 0 and not ind["allow_negative"]:
            out.append(("negative", file, line, "value", f"{ind['name']} cannot be negative"))
        if d["qualifier"] == "range":
            if d["value_max"] is None or d["value_max"] < d["value"]:
                out.append(
                    ("bad-range", file, line, "value_max", "a range needs value_max at least value")
                )
        elif d["value_max"] is not None:
            out.append(
                ("bad-range", file, line, "value_max", "value_max is only for qualifier `range`")
            )
    by_key: dict[tuple, tuple] = {}
    by_fact: dict[tuple, list] = defaultdict(list)
    for file, line, d in rows:
        base = UNITS[d["unit"]]["base"] if d["unit"] in UNITS else d["unit"]
        fact = (
            d["indicator"],
            d["reporter"],
            d["partner"],
            d["period"],
            d["project"],
            d["basis"],
            None,
            None,
            base,
        )
        key = (*fact, d["source"])
        if key in by_key:
            f0, l0 = by_key[key]
            out.append(
                (
                    "duplicate",
                    file,
                    line,
                    "source",
                    f"the same datapoint ({d['indicator']}, {d['reporter']}→{d['partner']}, "
                    f"{d['period']}) from {d['source']!r} is already at {f0}:{l0}",
                )
            )
            continue
        by_key[key] = (file, line)
        by_fact[fact].append((file, line, d))
    for members in by_fact.values():
        known = [(f, ln, d, _interval(d)) for f, ln, d in members if d["unit"] in UNITS]
        for i, (fa, la, da, (lo_a, hi_a)) in enumerate(known):
            for fb, lb, db, (lo_b, hi_b) in known[i + 1 :]:
                if lo_a > hi_b or lo_b > hi_a:
                    who = (
                        f" {da['reporter'] or '?'}→{da['partner'] or '?'}"
                        if da["reporter"] or da["partner"]
                        else ""
                    )
                    of = f" of {da['project']}" if da["project"] else ""
                    fact = f"{da['indicator']}{who}{of} {da['period']}"
                    gives_b = f"{db['source']} gives {db['value']:g} {db['unit']}"
                    gives_a = f"{da['source']} gives {da['value']:g} {da['unit']}"
                    # A note on either record says why they differ.
                    explained = bool(da["note"] or db["note"])
                    out.append(
                        (
                            "conflict" if explained else "conflict-unexplained",
                            fb,
                            lb,
                            "value",
                            f"{fact}: {gives_b} ({db['qualifier']}), "
                            f"{gives_a} ({da['qualifier']}) at {fa}:{la}",
                        )
                    )
    for file, line, d in rows:
        start = parse_period(d["period"]).start
        if d["basis"] == "actual" and start is not None and start > TODAY:
            out.append(
                (
                    "future-date",
                    file,
                    line,
                    "period",
                    f"an actual figure for {d['period']}, which has not begun",
                )
            )
    return out


def _fig(source: str, value: float, period: str = "2024", unit: str = "USD bn") -> dict:
    return {
        "indicator": "trade_total",
        "reporter": "CHN",
        "partner": "KAZ",
        "period": period,
        "value": value,
        "unit": unit,
        "qualifier": "exact",
        "value_max": None,
        "basis": "actual",
        "source": source,
        "project": None,
        "note": None,
    }


# Two facts with four sources each that all disagree, interleaved over two files: the
# order of the conflicts (by fact, then first record, then second) is fixed by this one.
_SPREAD = [_fig(SOURCES[i], v) for i, v in enumerate((30, 1500, 94.8))] + [
    _fig(SOURCES[i], v, "2023") for i, v in enumerate((0.4, 30, 94.8, 1500))
]


@example(
    first=_SPREAD,
    second=[_fig(SOURCES[3], 0.4), _fig(SOURCES[4], 0.4, unit="USD mn"), _fig(SOURCES[0], 30)],
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=st.lists(observation, max_size=40), second=st.lists(observation, max_size=40))
def test_column_checks_match_a_loop_over_records(
    tmp_path_factory: Any, first: list[dict], second: list[dict]
) -> None:
    root = tmp_path_factory.mktemp("obs")
    lines = _write(root, {"obs-a.yaml": first, "obs-b.yaml": second})
    report = validate_dataset(root, today=TODAY)
    rows = [
        (str(root / "reports" / name), line, {**r, "value": float(r["value"])})
        for name in ("obs-a.yaml", "obs-b.yaml")
        for line, r in lines[name]
    ]
    got = [
        (p.code, p.file, p.line, p.field, p.message)
        for p in report.problems
        if p.code in OBS_CODES and Path(p.file).name.startswith("obs-")
    ]
    assert got == _expected(rows)
    # Every record with an error stays out of the frames; the others are all in.
    bad = {(f, ln) for code, f, ln, *_ in _expected(rows) if not code.startswith("conflict")}
    assert report.counts["observations"] == len(rows) - len(bad)
