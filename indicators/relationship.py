"""The relationship a dataset follows: as its ``dataset.yaml`` states it (read by
:mod:`indicators.read.datasets`, checked by :mod:`indicators.check.descriptor`), or, without
one, inferred from the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from indicators.problems import Problem

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
        id=slug(folder) or "dataset",
        title=f"{focus_name} and its partners",
        description=f"Figures of {focus_name}'s relationships as public reports state them.",
        focus=focus,
        partners=partners,
        group=groups[0] if groups else None,
        licence="",
        inferred=True,
    )


def slug(text: str) -> str:
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
