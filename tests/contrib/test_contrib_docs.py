"""The contributor's documentation: every command has help and is documented, and the steps
of CONTRIBUTING.md work as written."""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml

from indicators import validate_dataset
from indicators.cli import build_parser, main
from tests.paths import ROOT

DATA = ROOT / "data"
DOCS = (ROOT / "README.md").read_text() + (ROOT / "CONTRIBUTING.md").read_text()
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text()
ORDA = DATA / "reports" / "001-orda-china-ca-trade-2024.yaml"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _commands() -> list[tuple[str, ...]]:
    out = []
    for name, sub in _subparsers(build_parser()).items():
        out.append((name,))
        out += [(name, inner) for inner in _subparsers(sub)]
    return out


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_has_help(
    command: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: indicators " + " ".join(command))
    assert len(out.splitlines()) > 3


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_is_documented(command: tuple[str, ...]) -> None:
    name = " ".join(command)
    if len(command) == 2:  # `indicators new source|observation|...` documents them together
        pattern = rf"indicators {command[0]} (\S*\b{command[1]}\b)"
    else:
        pattern = rf"indicators {re.escape(name)}(?![\w-])"  # `export` is not `export-data`
    assert re.search(pattern, DOCS), f"document `indicators {name}` in README.md or CONTRIBUTING.md"


def _bash_commands(text: str) -> list[list[str]]:
    """The `indicators new ...` commands of the guide's shell blocks, continuations joined."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith(".venv/bin/indicators new ") and " new dataset " not in line:
                # As bash reads it: `\$` inside double quotes is a plain `$`.
                commands.append([w.replace("\\$", "$") for w in shlex.split(line)[1:]])
    return commands


def test_the_guides_examples_work_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "reports" / ORDA.name).unlink()  # the worked example recreates it
    commands = _bash_commands(CONTRIBUTING)
    assert len(commands) == 7
    for args in commands:
        assert main([*args, "--data", str(data), "--no-input"]) == 0, (
            args,
            capsys.readouterr().err,
        )
    assert not validate_dataset(data).errors


def test_the_guides_new_dataset_example_makes_a_valid_dataset(tmp_path: Path) -> None:
    found = [
        shlex.split(line)[1:]
        for line in CONTRIBUTING.splitlines()
        if line.startswith(".venv/bin/indicators new dataset ")
    ]
    assert found, "CONTRIBUTING.md shows how to start a dataset"
    args = found[0]
    args[args.index("--out") + 1] = str(tmp_path / "new")
    assert main(args) == 0
    assert not validate_dataset(tmp_path / "new").errors


def test_the_worked_example_gives_the_real_entry(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "reports" / ORDA.name).unlink()
    for args in _bash_commands(CONTRIBUTING):
        if "001-orda-china-ca-trade-2024" in args:
            assert main([*args, "--data", str(data), "--no-input"]) == 0
    made = yaml.safe_load((data / "reports" / ORDA.name).read_text())
    real = yaml.safe_load(ORDA.read_text())
    source = dict(made["sources"][0])
    source.pop("accessed")  # the day the contributor reads the page
    assert source == real["sources"][0]
    fig3 = [o for o in real["observations"] if o["locator"] == "fig 3"]
    assert [{**o, "qualifier": "exact"} for o in fig3] == made["observations"]


def test_the_worked_examples_yaml_is_the_real_entry() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", CONTRIBUTING, re.S)
    real = ORDA.read_text() + (ROOT / "data" / "excluded.yaml").read_text()
    quoted = [
        line
        for block in blocks
        for line in block.splitlines()
        if line.startswith("  ") and "001-orda" in block
    ]
    assert len(quoted) >= 5
    for line in quoted:
        assert line in real.splitlines(), line


def test_readme_has_the_contributing_section() -> None:
    readme = (ROOT / "README.md").read_text()
    last = readme.split("\n## Contributing data", 1)[1].split("\n## ", 1)[0]
    for command in (
        "indicators new",
        "indicators schema",
        "indicators diff",
        "indicators export-data",
    ):
        assert command in last
