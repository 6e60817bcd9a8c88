"""`indicators diff` on a temporary git repository with known changes: the exact changelog."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from indicators.cli import main
from indicators.contrib import diff, diffmarkdown

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

CATALOG = """\
units:
  - {id: USD bn, base: USD, factor: 1000000000}
indicators:
  - {id: trade_total, name: Total trade, description: Exports plus imports, unit: USD,
     kind: flow, direction: two_way, topic: trade, role: total}
entities:
  - {id: CHN, name: China}
  - {id: KAZ, name: Kazakhstan}
  - {id: KGZ, name: Kyrgyzstan}
"""

REPORT_A = """\
sources:
  - id: 001-a
    title: Report A
    publisher: Publisher A
    published: 2025-01-10
    url: https://example.org/a
    language: en
observations:
  - {indicator: trade_total, reporter: CHN, partner: KAZ, period: "2024", value: 43.8, unit: USD bn, source: 001-a, locator: fig 1}
  - {indicator: trade_total, reporter: CHN, partner: KGZ, period: "2024", value: 22.7, unit: USD bn, source: 001-a, locator: fig 2}
  - {indicator: trade_total, reporter: CHN, partner: KGZ, period: "2023", value: 19.8, unit: USD bn, source: 001-a, locator: fig 3}
"""  # noqa: E501

REPORT_B = """\
sources:
  - id: 002-b
    title: Report B
    publisher: Publisher B
    published: 2025-02-01
    url: https://example.org/b
    language: en
observations:
  - {indicator: trade_total, reporter: CHN, partner: KAZ, period: "2023", value: 41, unit: USD bn, source: 002-b, locator: fig 1}
"""  # noqa: E501

# The pull request: one value corrected, one datapoint removed, one added that conflicts.
REPORT_A_AFTER = REPORT_A.replace("value: 22.7", "value: 23.1").replace(
    '  - {indicator: trade_total, reporter: CHN, partner: KGZ, period: "2023", value: 19.8, '
    "unit: USD bn, source: 001-a, locator: fig 3}\n",
    "",
)
REPORT_B_AFTER = REPORT_B + (
    '  - {indicator: trade_total, reporter: CHN, partner: KAZ, period: "2024", value: 44, '
    "unit: USD bn, qualifier: approximately, source: 002-b, locator: fig 2}\n"
    '  - {indicator: trade_total, reporter: CHN, partner: KGZ, period: "2024", value: 30, '
    "unit: USD bn, source: 002-b, locator: fig 3}\n"
)

EXPECTED = """\
## Data changes: `main` → `working tree`

2 datapoints added, 1 removed, 1 changed, 0 other records, 1 new conflict, 0 new warnings, 0 new errors.

### Added datapoints (2)

| where | indicator | reporter → partner | period | value | source | locator |
|---|---|---|---|---|---|---|
| `data/reports/002-b.yaml:10` | trade_total | CHN → KAZ | 2024 | about 44 USD bn | 002-b | fig 2 |
| `data/reports/002-b.yaml:11` | trade_total | CHN → KGZ | 2024 | 30 USD bn | 002-b | fig 3 |

### Removed datapoints (1)

| where | indicator | reporter → partner | period | value | source | locator |
|---|---|---|---|---|---|---|
| `data/reports/001-a.yaml:11` | trade_total | CHN → KGZ | 2023 | 19.8 USD bn | 001-a | fig 3 |

### Changed datapoints (1)

| where | datapoint | change |
|---|---|---|
| `data/reports/001-a.yaml:10` | trade_total CHN → KGZ 2024 (001-a) | 22.7 USD bn → 23.1 USD bn |

### New conflicts (1)

- `data/reports/002-b.yaml:11` warning[conflict-unexplained]: trade_total CHN→KGZ 2024: 002-b gives 30 USD bn (exact), 001-a gives 23.1 USD bn (exact) at data/reports/001-a.yaml:10
"""  # noqa: E501


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
            "-C",
            str(repo),
            *args,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / "data" / "catalog").mkdir(parents=True)
    (root / "data" / "reports").mkdir()
    (root / "data" / "catalog" / "catalog.yaml").write_text(CATALOG)
    (root / "data" / "reports" / "001-a.yaml").write_text(REPORT_A)
    (root / "data" / "reports" / "002-b.yaml").write_text(REPORT_B)
    (root / "README.md").write_text("test\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "base")
    (root / "data" / "reports" / "001-a.yaml").write_text(REPORT_A_AFTER)
    (root / "data" / "reports" / "002-b.yaml").write_text(REPORT_B_AFTER)
    monkeypatch.chdir(root)
    return root


TODAY = date(2026, 1, 1)


def test_changelog_against_the_working_tree(repo: Path) -> None:
    log = diff.changelog("main", None, "data", today=TODAY)
    assert diffmarkdown.to_markdown(log) == EXPECTED


def test_changelog_between_two_commits_matches_the_working_tree(repo: Path) -> None:
    _git(repo, "commit", "-q", "-am", "the pull request")
    log = diff.changelog("main~1", "main", "data", today=TODAY)
    assert diffmarkdown.to_markdown(log) == EXPECTED.replace(
        "`main` → `working tree`", "`main~1` → `main`"
    )


def test_diff_command_prints_the_changelog(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "main"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Data changes: `main` → `working tree`")
    assert (
        "| `data/reports/001-a.yaml:10` | trade_total CHN → KGZ 2024 (001-a) | "
        "22.7 USD bn → 23.1 USD bn |" in out
    )


def test_a_corrected_period_is_a_change_not_a_removal(repo: Path) -> None:
    (repo / "data" / "reports" / "001-a.yaml").write_text(REPORT_A)
    path = repo / "data" / "reports" / "002-b.yaml"
    path.write_text(REPORT_B.replace('period: "2023", value: 41', 'period: "2023-H1", value: 41'))
    log = diff.changelog("main", None, "data", today=TODAY)
    assert (len(log.added), len(log.removed)) == (0, 0)
    assert [(c.where, diffmarkdown._change_text(c)) for c in log.changed] == [
        ("data/reports/002-b.yaml:9", "period: 2023 → 2023-H1")
    ]


def test_other_records_and_resolved_problems(repo: Path) -> None:
    path = repo / "data" / "reports" / "001-a.yaml"
    path.write_text(REPORT_A.replace("title: Report A", "title: Report A, revised"))
    (repo / "data" / "reports" / "002-b.yaml").write_text(REPORT_B)
    text = diffmarkdown.to_markdown(diff.changelog("main", None, "data", today=TODAY))
    assert (
        "- changed source `001-a` at `data/reports/001-a.yaml:2`: title: Report A → "
        "Report A, revised" in text
    )
    assert "0 datapoints added, 0 removed, 0 changed, 1 other record," in text


def test_no_change(repo: Path) -> None:
    _git(repo, "checkout", "-q", "--", "data")
    text = diffmarkdown.to_markdown(diff.changelog("main", None, "data", today=TODAY))
    assert text.endswith("No datapoint, record or problem changed.\n")


def test_unknown_revision_says_what_to_do(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "no-such-branch"]) == 2
    err = capsys.readouterr().err
    assert "unknown revision 'no-such-branch'" in err and "fetch-depth: 0" in err


def test_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["diff", "main"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def test_charts_option_renders_before_and_after(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from indicators.export import browser

    if browser.chromium_path() is None:
        pytest.fail(browser.missing_browser_message())
    out = tmp_path / "charts"
    assert main(["diff", "main", "--charts", str(out)]) == 0
    text = capsys.readouterr().out
    assert "### Charts whose data changed" in text
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs, text
    stems = {p.rsplit("-", 1)[0] for p in pngs}
    assert pngs == sorted(f"{s}-{side}.png" for s in stems for side in ("after", "before"))
    assert all((out / p).read_bytes().startswith(b"\x89PNG") for p in pngs)
