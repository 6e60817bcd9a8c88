"""The pull-request machinery: the workflow and hook files are valid and every command they
call exists and runs."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "data.yml"
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
TEMPLATE = ROOT / ".github" / "pull_request_template.md"
INDICATORS = [sys.executable, "-m", "indicators"]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def _indicators(entry: str) -> list[str]:
    """`.venv/bin/indicators validate data` as a command of this interpreter."""
    words = shlex.split(entry)
    assert Path(words[0]).name == "indicators", entry
    return [*INDICATORS, *words[1:]]


def _steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    # YAML 1.1 reads the key `on` as true.
    triggers = workflow.get("on", workflow.get(True))
    assert "pull_request" in triggers
    return [s for job in workflow["jobs"].values() for s in job["steps"]]


def test_workflow_steps() -> None:
    steps = _steps()
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "indicators validate data --strict --format github" in runs
    assert "bash scripts/test.sh" in runs
    assert '>> "$GITHUB_STEP_SUMMARY"' in runs and "indicators diff" in runs
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["path"].rstrip("/") in runs
    checkout = next(s for s in steps if str(s.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # diff needs the base revision


def _workflow_commands() -> list[str]:
    commands = []
    for step in _steps():
        for line in step.get("run", "").splitlines():
            line = line.split(">>")[0].strip()
            if line:
                commands.append(line)
    return commands


@pytest.mark.parametrize("command", [c for c in _workflow_commands() if "indicators " in c])
def test_workflow_indicators_commands_exist(command: str) -> None:
    words = shlex.split(command)
    # `indicators diff "$BASE_SHA" --charts x`: the command and its options, asked for help.
    sub = words[1]
    done = _run([*INDICATORS, sub, "--help"])
    assert done.returncode == 0, done.stderr
    for option in [w for w in words[2:] if w.startswith("--")]:
        assert option in done.stdout, f"{command}: {option} is not an option of {sub}"


@pytest.mark.parametrize(
    "script", sorted({m for c in _workflow_commands() for m in re.findall(r"scripts/\S+\.sh", c)})
)
def test_workflow_scripts_exist(script: str) -> None:
    path = ROOT / script
    assert path.exists()
    assert _run(["bash", "-n", str(path)]).returncode == 0


def test_the_validate_step_runs_on_the_data() -> None:
    done = _run([*INDICATORS, "validate", "data", "--format", "github"])
    assert done.returncode == 0, done.stdout[-2000:]
    assert done.stdout.strip().splitlines()[-1].startswith("valid,")


def _hooks(path: Path) -> list[dict[str, Any]]:
    loaded = yaml.safe_load(path.read_text())
    if isinstance(loaded, dict):
        return [h for repo in loaded["repos"] for h in repo["hooks"]]
    return loaded


def test_pre_commit_files_are_valid_for_pre_commit() -> None:
    pre_commit = [sys.executable, "-m", "pre_commit"]
    assert _run([*pre_commit, "validate-config", str(PRE_COMMIT)]).returncode == 0
    assert _run([*pre_commit, "validate-manifest", str(HOOKS)]).returncode == 0


def _is_code_hook(hook: dict[str, Any]) -> bool:
    return Path(shlex.split(hook["entry"])[0]).name == "ruff"


@pytest.mark.parametrize(
    "hook", [h for h in _hooks(PRE_COMMIT) if _is_code_hook(h)], ids=lambda h: h["id"]
)
def test_code_hooks_run_on_python_files(hook: dict[str, Any]) -> None:
    assert hook["types"] == ["python"]
    ruff = str(Path(sys.executable).parent / "ruff")
    done = _run([ruff, *shlex.split(hook["entry"])[1:], "indicators/periods.py"])
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.mark.parametrize(
    "hook",
    [h for h in _hooks(PRE_COMMIT) + _hooks(HOOKS) if not _is_code_hook(h)],
    ids=lambda h: h["id"],
)
def test_hook_commands_run(hook: dict[str, Any]) -> None:
    command = _indicators(hook["entry"]) + list(hook.get("args", []))
    assert _run([*command, "--help"]).returncode == 0
    files = (
        []
        if hook.get("pass_filenames") is False
        else ["data/reports/001-orda-china-ca-trade-2024.yaml", "data/catalog/units.yaml"]
    )
    for f in files:
        assert re.search(hook["files"], f), f"{hook['id']} would not see {f}"
    done = _run(command + files)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_pull_request_template_has_the_contributors_checklist() -> None:
    text = TEMPLATE.read_text()
    assert text.count("- [ ]") >= 5
    for words in (
        "as the source states it",
        "qualifier",
        "locator",
        "indicators validate",
        "indicators diff",
    ):
        assert words in text
