"""Property tests: no input makes the validator raise; valid data round-trips to frames."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from indicators import load_dataset, validate_dataset
from tests.paths import DATA, FIXTURES

BASE = (FIXTURES / "base.yaml").read_text(encoding="utf-8")
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _folder(files: dict[str, bytes]) -> Path:
    root = Path(tempfile.mkdtemp(prefix="prop-"))
    shutil.copytree(DATA / "catalog", root / "catalog")
    for name, blob in files.items():
        (root / name).write_bytes(blob)
    return root


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(blob: bytes) -> None:
    root = _folder({"random.yaml": blob})
    try:
        report = validate_dataset(root)
        assert all(p.file and p.line >= 0 for p in report.problems)
    finally:
        shutil.rmtree(root)


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(BASE) - 1),
            st.sampled_from(
                [
                    "",
                    " ",
                    "\t",
                    ":",
                    "- ",
                    "{",
                    "]",
                    "'",
                    '"',
                    "\n",
                    "&a ",
                    "*a",
                    "!!python/name:os.system",
                    "yes",
                    "0755",
                    "1:30",
                    ".nan",
                    "-",
                    "#",
                ]
            ),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_yaml_never_raises(edits: list[tuple[int, str]]) -> None:
    text = BASE
    for pos, insert in edits:
        text = text[:pos] + insert + text[pos + 1 :]
    root = _folder({"mutated.yaml": text.encode("utf-8")})
    try:
        validate_dataset(root)
    finally:
        shutil.rmtree(root)


_PARTNERS = ["KAZ", "KGZ", "TJK", "TKM", "UZB", "C5"]
_QUALIFIERS = ["exact", "approximately", "nearly", "at_least", "more_than", "at_most", "less_than"]
_observation = st.fixed_dictionaries(
    {
        "indicator": st.sampled_from(["trade_total", "exports", "imports", "fdi_stock"]),
        "reporter": st.sampled_from(["CHN", "KAZ"]),
        "partner": st.sampled_from(_PARTNERS),
        "period": st.one_of(
            st.integers(1992, 2025).map(str),
            st.tuples(st.integers(2000, 2025), st.integers(1, 4)).map(lambda t: f"{t[0]}-Q{t[1]}"),
            st.tuples(st.integers(2000, 2025), st.integers(2, 11)).map(
                lambda t: f"{t[0]}-01/{t[0]}-{t[1]:02d}"
            ),
        ),
        "value": st.decimals(min_value=0, max_value=1000, places=2).map(float),
        "unit": st.sampled_from(["USD bn", "USD mn", "CNY bn"]),
        "qualifier": st.sampled_from(_QUALIFIERS),
        "locator": st.integers(1, 30).map(lambda i: f"fig {i}"),
        "note": st.one_of(
            st.none(),
            st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40),
        ),
    }
)


@SETTINGS
@given(
    st.lists(
        _observation,
        min_size=1,
        max_size=25,
        unique_by=lambda o: (
            o["indicator"],
            o["reporter"],
            o["partner"],
            o["period"],
            o["unit"][:3],
        ),
    )
)
def test_generated_valid_data_validates_and_round_trips(observations: list[dict]) -> None:
    # base.yaml already states trade_total CHN→C5 2024 from fx-source.
    assume(
        not any(
            (o["indicator"], o["reporter"], o["partner"], o["period"])
            == ("trade_total", "CHN", "C5", "2024")
            for o in observations
        )
    )
    for o in observations:
        o["source"] = "fx-source"
    doc = {"observations": observations}
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    root = _folder({"base.yaml": BASE.encode("utf-8"), "generated.yaml": text.encode("utf-8")})
    try:
        ds = load_dataset(root)
        errors = [p.format() for p in ds.report.errors]
        assert errors == []
        got = ds.observations[ds.observations.file.str.endswith("generated.yaml")]
        assert len(got) == len(observations)
        factor = {"USD bn": 1e9, "USD mn": 1e6, "CNY bn": 1e9}
        for o, (_, row) in zip(observations, got.iterrows(), strict=True):
            assert row.indicator == o["indicator"] and row.partner == o["partner"]
            assert row.period == o["period"] and row.qualifier == o["qualifier"]
            assert row.value_as_stated == o["value"] and row.unit_as_stated == o["unit"]
            assert row.value == o["value"] * factor[o["unit"]]
            if o["note"] is None:
                assert pd.isna(row.note)
            else:
                assert row.note == o["note"].strip()
    finally:
        shutil.rmtree(root)
