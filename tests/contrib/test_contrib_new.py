"""`indicators new`: a correct skeleton in the right file, validated, never left half-right."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from indicators import validate_dataset
from indicators.cli import main
from indicators.contrib import scaffold, yamlwrite
from tests.paths import DATA

ORDA = "001-orda-china-ca-trade-2024"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def _errors(path: Path) -> list[str]:
    return [p.format() for p in validate_dataset(path).errors]


SOURCE = [
    "--id",
    "259-example-ministry-trade-2025",
    "--title",
    "Example trade release",
    "--publisher",
    "Example Ministry",
    "--url",
    "https://example.org/trade-2025",
    "--published",
    "2025-03-01",
    "--kind",
    "official_statement",
    "--figures",
    "1",
]


def test_new_source_gets_its_own_report_file(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "source", "--data", str(data), "--no-input", *SOURCE]) == 0
    path = data / "reports" / "259-example-ministry-trade-2025.yaml"
    assert path.read_text() == (
        "sources:\n"
        "  - id: 259-example-ministry-trade-2025\n"
        "    title: Example trade release\n"
        "    publisher: Example Ministry\n"
        "    published: 2025-03-01\n"
        "    url: https://example.org/trade-2025\n"
        "    language: en\n"
        "    kind: official_statement\n"
        f"    accessed: {date.today().isoformat()}\n"
        "    figures: 1\n"
    )
    out = capsys.readouterr().out
    assert "warning[unused-source]" in out  # until its datapoints are added
    assert not _errors(data)


def test_new_observation_goes_into_its_sources_section_in_the_files_style(data: Path) -> None:
    path = data / "reports" / f"{ORDA}.yaml"
    before = path.read_text().splitlines(keepends=True)
    assert (
        main(
            [
                "new",
                "observation",
                "--data",
                str(data),
                "--no-input",
                "--indicator",
                "trade_total",
                "--reporter",
                "CHN",
                "--partner",
                "KAZ",
                "--period",
                "2023",
                "--value",
                "41",
                "--unit",
                "USD bn",
                "--qualifier",
                "approximately",
                "--source",
                ORDA,
                "--locator",
                "fig 3",
                "--note",
                "test: 1, 2",
            ]
        )
        == 0
    )
    after = path.read_text().splitlines(keepends=True)
    # Inserted after the last observation, before the `excluded:` section, as a one-line
    # record like its neighbours; text YAML would misread is quoted.
    last_obs = max(i for i, line in enumerate(before) if line.startswith("  - {indicator"))
    assert after[: last_obs + 1] == before[: last_obs + 1]
    assert after[last_obs + 1] == (
        '  - {indicator: trade_total, reporter: CHN, partner: KAZ, period: "2023", value: 41, '
        "unit: USD bn, qualifier: approximately, source: 001-orda-china-ca-trade-2024, "
        "locator: fig 3, note: 'test: 1, 2'}\n"
    )
    assert after[last_obs + 2 :] == before[last_obs + 1 :]
    assert not _errors(data)
    ds_obs = scaffold.load_dataset(data).observations
    row = ds_obs[
        (ds_obs.partner == "KAZ") & (ds_obs.period == "2023") & (ds_obs.source == ORDA)
    ].iloc[0]
    assert (row.value_as_stated, row.qualifier, row.note) == (41, "approximately", "test: 1, 2")


def test_new_project_and_event(data: Path) -> None:
    assert (
        main(
            [
                "new",
                "project",
                "--data",
                str(data),
                "--no-input",
                "--id",
                "test-railway",
                "--name",
                "Test railway",
                "--kind",
                "railway",
                "--countries",
                "chn, kgz",
                "--status",
                "agreed",
                "--as-of",
                "2024-06-06",
                "--source",
                ORDA,
                "--locator",
                "fig 1",
            ]
        )
        == 0
    )
    assert (data / "projects" / "test-railway.yaml").read_text() == (
        "projects:\n"
        "  - id: test-railway\n"
        "    name: Test railway\n"
        "    kind: railway\n"
        "    countries: [CHN, KGZ]\n"
        "    status:\n"
        "      - {status: agreed, as_of: 2024-06-06, source: 001-orda-china-ca-trade-2024, "
        "locator: fig 1}\n"
    )
    summits = data / "events" / "summits.yaml"
    before = summits.read_text()
    assert (
        main(
            [
                "new",
                "event",
                "--data",
                str(data),
                "--no-input",
                "--id",
                "test-summit-2026",
                "--date",
                "2026-06",
                "--name",
                "Test summit",
                "--kind",
                "summit",
                "--countries",
                "CHN,KAZ",
                "--source",
                ORDA,
                "--locator",
                "fig 1",
                "--topic",
                "summits",
            ]
        )
        == 0
    )
    assert summits.read_text() == before + (
        "  - id: test-summit-2026\n"
        "    date: 2026-06\n"
        "    name: Test summit\n"
        "    kind: summit\n"
        "    countries: [CHN, KAZ]\n"
        "    sources:\n"
        "      - {source: 001-orda-china-ca-trade-2024, locator: fig 1}\n"
    )
    assert not _errors(data)


def test_a_record_that_does_not_validate_is_taken_back_out(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = data / "reports" / f"{ORDA}.yaml"
    before = path.read_bytes()
    assert (
        main(
            [
                "new",
                "observation",
                "--data",
                str(data),
                "--no-input",
                "--indicator",
                "trade_totl",
                "--reporter",
                "CHN",
                "--period",
                "2023",
                "--value",
                "41",
                "--unit",
                "USD bn",
                "--source",
                ORDA,
                "--locator",
                "fig 3",
            ]
        )
        == 1
    )
    assert path.read_bytes() == before
    err = capsys.readouterr().err
    assert (
        "was not kept" in err and "error[unknown-reference]: unknown indicator 'trade_totl'" in err
    )


def test_missing_fields_without_a_terminal_name_their_options(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "event", "--data", str(data), "--no-input", "--id", "x"]) == 1
    err = capsys.readouterr().err
    assert "missing --date, --name, --kind, --source, --locator, --topic" in err
    assert "indicators new event --help" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--value", "$41bn"], "is not a plain number"),
        (["--qualifier", "roughly"], "is not one of exact, approximately"),
        (["--source", "no-such-source"], "unknown source 'no-such-source'"),
    ],
    ids=["currency-value", "bad-qualifier", "unknown-source"],
)
def test_bad_options_are_refused_before_writing(
    data: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    base = {
        "--indicator": "trade_total",
        "--reporter": "CHN",
        "--period": "2023",
        "--value": "41",
        "--unit": "USD bn",
        "--source": ORDA,
        "--locator": "fig 3",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [x for kv in base.items() for x in kv]
    path = data / "reports" / f"{ORDA}.yaml"
    before = path.read_bytes()
    assert main(["new", "observation", "--data", str(data), "--no-input", *flat]) == 1
    assert message in capsys.readouterr().err
    assert path.read_bytes() == before


def test_existing_ids_are_refused(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "new",
                "project",
                "--data",
                str(data),
                "--no-input",
                "--id",
                "cku-railway",
                "--name",
                "x",
                "--kind",
                "railway",
                "--countries",
                "CHN",
                "--status",
                "planned",
                "--as-of",
                "2024",
                "--source",
                ORDA,
                "--locator",
                "fig 1",
            ]
        )
        == 1
    )
    assert "project id 'cku-railway' already exists" in capsys.readouterr().err


def test_interactive_prompts_ask_for_what_is_missing(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(
        ["trade_total", "CHN", "KGZ", "2023", "19.8", "USD bn", "", "", ORDA, "fig 4", ""]
    )
    asked: list[str] = []

    def fake_input(question: str) -> str:
        asked.append(question.split(" ")[0])
        return next(answers)

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    assert main(["new", "observation", "--data", str(data)]) == 0
    assert asked == [
        "indicator",
        "reporter",
        "partner",
        "period",
        "value",
        "unit",
        "qualifier",
        "basis",
        "source",
        "locator",
        "note",
    ]
    text = (data / "reports" / f"{ORDA}.yaml").read_text()
    assert (
        '  - {indicator: trade_total, reporter: CHN, partner: KGZ, period: "2023", '
        "value: 19.8, unit: USD bn, qualifier: exact, source: "
        "001-orda-china-ca-trade-2024, locator: fig 4}\n"
    ) in text


def test_dry_run_writes_nothing(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "source", "--data", str(data), "--no-input", "--dry-run", *SOURCE]) == 0
    assert not (data / "reports" / "259-example-ministry-trade-2025.yaml").exists()
    assert "would add to" in capsys.readouterr().out


def test_insert_record_into_an_empty_or_missing_section() -> None:
    record = {"source": "x", "locator": "fig 1", "reason": "no period"}
    text, first, last = yamlwrite.insert_record("sources: []\n", "excluded", record)
    assert text == (
        "sources: []\n\nexcluded:\n  - source: x\n    locator: fig 1\n    reason: no period\n"
    )
    assert text.splitlines()[first - 1 : last] == [
        "  - source: x",
        "    locator: fig 1",
        "    reason: no period",
    ]
    text, first, last = yamlwrite.insert_record("excluded:\n# later\n", "excluded", record)
    assert text == (
        "excluded:\n  - source: x\n    locator: fig 1\n    reason: no period\n# later\n"
    )
    assert (first, last) == (2, 4)
