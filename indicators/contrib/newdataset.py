"""`indicators new dataset`: the skeleton of a new dataset that validates and opens in the
app: its ``dataset.yaml``, a catalog that reuses the bundled indicators and units, the
entities it names, and empty folders for reports, projects and events."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from indicators.model import Descriptor
from indicators.relationship import DESCRIPTOR

BUNDLED = Path(__file__).resolve().parents[2] / "data"  # the checkout's data/
FOLDERS = {
    "reports": "One file per source: the source and the datapoints it supports.",
    "projects": "One file per corridor or infrastructure project.",
    "events": "Summits, treaties and other milestones of the relationship.",
}


class NewDatasetError(ValueError):
    """Bad arguments or a folder that is not empty: nothing was written."""


@dataclass(frozen=True, slots=True)
class Skeleton:
    folder: Path
    files: list[Path]
    unnamed: list[str]  # entity codes the bundled catalog does not name


def _records(files: list[Path], section: str) -> list[dict]:
    out: list[dict] = []
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        out += data.get(section) or []
    return out


def _dump(header: str, section: str, records: list[dict]) -> str:
    body = yaml.safe_dump(
        {section: records}, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    return f"# {header}\n{body}"


def new_dataset(
    folder: str | Path,
    *,
    ident: str,
    focus: str,
    partners: list[str],
    group: str | None = None,
    title: str | None = None,
    licence: str = "CC BY 4.0",
    catalog: Path = BUNDLED / "catalog",
) -> Skeleton:
    """Write the skeleton into ``folder`` (created; it must not hold files already)."""
    out = Path(folder)
    if out.exists() and any(out.iterdir()):
        raise NewDatasetError(f"{out} already holds files; choose a new folder with --out")
    try:
        Descriptor(
            id=ident,
            title=title or ident,
            description="-",
            focus=focus,
            partners=partners,
            group=group,
            licence=licence,
        )
    except Exception as exc:  # pydantic's message names the bad field
        raise NewDatasetError(f"the arguments do not make a valid dataset.yaml: {exc}") from None
    if focus in partners:
        raise NewDatasetError(f"{focus} is the focus; it cannot also be one of its partners")
    files = sorted(catalog.rglob("*.yaml"))
    entities = {e["id"]: e for e in _records(files, "entities")}
    wanted = [focus, *partners]
    chosen = [entities.get(e) or {"id": e, "name": e} for e in wanted]
    unnamed = [e for e in wanted if e not in entities]
    if group:
        known = entities.get(group)
        if known and set(known.get("members") or []) != set(partners):
            raise NewDatasetError(
                f"the bundled group {group} has the members "
                f"{', '.join(known.get('members') or []) or 'none'}; list those as partners "
                "or name another group"
            )
        if not known:
            unnamed.append(group)
        chosen.append(
            known or {"id": group, "name": group, "kind": "group", "members": list(partners)}
        )
    names = {e["id"]: e["name"] for e in chosen}
    partner_names = ", ".join(names[p] for p in partners)
    descriptor = {
        "id": ident,
        "title": title or f"{names[focus]} with {names[group] if group else partner_names}",
        "description": f"Trade, investment, projects and milestones of {names[focus]} with "
        f"{partner_names}, as public reports state them.",
        "focus": focus,
        "partners": list(partners),
        "group": group,
        "licence": licence,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "catalog").mkdir()
    written = []
    text = (
        "# Which relationship this dataset follows (see data/README.md, 'dataset.yaml').\n"
        + yaml.safe_dump(
            descriptor, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
        )
    )
    written.append(_write(out / DESCRIPTOR, text))
    written.append(
        _write(
            out / "catalog" / "units.yaml",
            _dump("Units, as in the bundled dataset.", "units", _records(files, "units")),
        )
    )
    by_topic: dict[str, list[dict]] = {}
    for record in _records(files, "indicators"):
        by_topic.setdefault(record["topic"], []).append(record)
    (out / "catalog" / "indicators").mkdir()
    for topic, records in sorted(by_topic.items()):
        written.append(
            _write(
                out / "catalog" / "indicators" / f"{topic}.yaml",
                _dump(
                    f"Indicators of topic {topic}, as in the bundled dataset: add your own, "
                    "keep the ids you reuse.",
                    "indicators",
                    records,
                ),
            )
        )
    written.append(
        _write(
            out / "catalog" / "entities.yaml",
            _dump(
                "The focus, its partners and their group. Add every other entity the data names.",
                "entities",
                chosen,
            ),
        )
    )
    for name, purpose in FOLDERS.items():
        (out / name).mkdir()
        written.append(
            _write(
                out / name / "README.md",
                f"# {name}\n\n{purpose} See data/README.md for the format.\n",
            )
        )
    return Skeleton(out, written, sorted(set(unnamed)))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
