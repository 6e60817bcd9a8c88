"""The relationship a dataset follows: read from its ``dataset.yaml``, checked against the
catalog, or, without one, inferred from the data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.problems import Problem
from indicators.read.compile import Located, compile_descriptor

DESCRIPTOR = "dataset.yaml"


@dataclass(frozen=True, slots=True)
class Relationship:
    """Whose relationships a dataset follows (``focus``), with whom (``partners``) and the
    entity that stands for the partners' total (``group``)."""

    id: str
    title: str
    description: str
    focus: str
    partners: tuple[str, ...]
    group: str | None
    licence: str
    inferred: bool = False

    @property
    def declared(self) -> tuple[str, ...]:
        """The group (the partners' total) first, then the partners."""
        return ((self.group,) if self.group else ()) + self.partners


EMPTY = Relationship(
    id="dataset",
    title="Bilateral economic indicators",
    description="No datapoint yet.",
    focus="",
    partners=(),
    group=None,
    licence="",
    inferred=True,
)


def read_descriptor(path: Path, name: str) -> tuple[Located | None, list[Problem]]:
    """A dataset's ``dataset.yaml`` as a located record (positions for later checks)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [
            Problem(
                "unreadable",
                f"cannot read the file: {exc.strerror}",
                name,
                1,
                1,
                hint="check that it is readable",
            )
        ]
    record, problems = compile_descriptor(raw, name)
    return (Located(name, record) if record is not None else None), problems


def check_descriptor(loc: Located, entities: dict[str, Located]) -> list[Problem]:
    """Focus, partners and group must be entities of the catalog; the group's members, where
    it lists any, are exactly the partners."""
    d = loc.data
    out: list[Problem] = []

    def known(path: str, value: str) -> bool:
        if value in entities:
            return True
        out.append(
            loc.at(
                path,
                "unknown-reference",
                f"unknown entity {value!r}",
                "register it under `entities:` in the catalog first, or fix the spelling",
            )
        )
        return False

    known("focus", d["focus"])
    seen: set[str] = set()
    for i, p in enumerate(d["partners"]):
        if p == d["focus"]:
            out.append(
                loc.at(
                    f"partners.{i}",
                    "bad-value",
                    f"{p!r} is the focus; it cannot also be its own partner",
                    "remove it from partners",
                )
            )
        elif p in seen:
            out.append(
                loc.at(
                    f"partners.{i}",
                    "duplicate-id",
                    f"{p!r} is listed twice",
                    "list each partner once",
                )
            )
        seen.add(p)
        known(f"partners.{i}", p)
    group = d["group"]
    if group is not None and known("group", group):
        members = set(entities[group].data.get("members") or [])
        if members and members != set(d["partners"]):
            missing = sorted(set(d["partners"]) - members)
            extra = sorted(members - set(d["partners"]))
            detail = "; ".join(
                x
                for x in (
                    f"partners not in the group: {', '.join(missing)}" if missing else "",
                    f"members not among the partners: {', '.join(extra)}" if extra else "",
                )
                if x
            )
            out.append(
                loc.at(
                    "group",
                    "group-members",
                    f"the members of group {group!r} are not the partners ({detail})",
                    "make the partners the group's members, or name another group",
                )
            )
    return out


def from_descriptor(d: dict[str, Any]) -> Relationship:
    return Relationship(
        id=d["id"],
        title=d["title"],
        description=d["description"],
        focus=d["focus"],
        partners=tuple(d["partners"]),
        group=d["group"],
        licence=d["licence"],
    )


def infer(
    observations: pd.DataFrame, indicators: pd.DataFrame, entities: pd.DataFrame, folder: str
) -> Relationship:
    """Without ``dataset.yaml``: the focus is the most frequent reporter of trade figures,
    the partners its counterparts that are countries, the group the most frequent group
    among them."""
    obs = observations
    if obs.empty:
        return EMPTY
    pairs = obs[obs["reporter"].notna() & obs["partner"].notna()]
    roles = indicators["role"] if "role" in indicators else pd.Series(dtype=object)
    trade_ids = set(indicators.loc[roles.notna(), "id"]) or set(
        indicators.loc[indicators["topic"] == "trade", "id"]
    )
    trade = pairs[pairs["indicator"].isin(trade_ids)]
    sample = trade if not trade.empty else pairs
    if sample.empty:
        return EMPTY
    counts = sample["reporter"].value_counts()
    focus = sorted(counts[counts == counts.max()].index)[0]
    other = pd.concat(
        [
            sample.loc[sample["reporter"] == focus, "partner"],
            sample.loc[sample["partner"] == focus, "reporter"],
        ]
    )
    other = other[other != focus].value_counts()
    kind = dict(zip(entities["id"], entities["kind"], strict=True))
    ranked = sorted(other.index, key=lambda e: (-other[e], e))
    partners = tuple(e for e in ranked if kind.get(e, "country") == "country")
    groups = [e for e in ranked if kind.get(e) == "group"]
    names = dict(zip(entities["id"], entities["name"], strict=True))
    focus_name = names.get(focus, focus)
    return Relationship(
        id=_slug(folder) or "dataset",
        title=f"{focus_name} and its partners",
        description=f"Figures of {focus_name}'s relationships as public reports state them.",
        focus=focus,
        partners=partners,
        group=groups[0] if groups else None,
        licence="",
        inferred=True,
    )


def _slug(text: str) -> str:
    out = "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")
    return "-".join(p for p in out.split("-") if p)


def inferred_warning(rel: Relationship, file: str) -> Problem:
    """Said once per dataset without a descriptor, naming the file to add."""
    partners = ", ".join(rel.partners[:8]) + (" …" if len(rel.partners) > 8 else "")
    what = (
        f"focus {rel.focus} and partners {partners or 'none'} were inferred from the data"
        if rel.focus
        else "no trade figure names a focal country yet"
    )
    return Problem(
        "no-descriptor",
        f"this dataset has no dataset.yaml: {what}",
        file,
        1,
        1,
        hint=f"add {file} naming the focus, partners, group, title and licence; "
        "see data/README.md, 'dataset.yaml'",
        severity="warning",
    )
