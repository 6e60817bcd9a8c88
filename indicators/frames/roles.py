"""The parts a dataset's entities and indicators play in its charts: names, colours,
counterparts and points of view from the relationship; trade measures, headline, investment
and volume indicators from the catalog. Nothing about one relationship is written here."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from indicators.dataset import Dataset
from indicators.frames import labels as L

VOLUME_TOPICS = ("transport", "energy")
VOLUME_KINDS = ("flow", "count")


def names(ds: Dataset) -> dict[str, str]:
    """Entity names by id (shared: do not modify)."""
    return L.of(ds).entities


def name(ds: Dataset, entity: str | None) -> str:
    if not entity:
        return ""
    return names(ds).get(entity, entity)


def counterparts_label(
    ds: Dataset, view: str | None = None, partners: Sequence[str] | None = None
) -> str:
    """'China with Central Asia': the point of view and whom the figures are with."""
    rel = ds.relationship
    view = view or rel.focus
    who = name(ds, view)
    chosen = list(partners) if partners is not None else list(rel.declared)
    # The group's name stands for the group or for every partner, never for one of them.
    whole = chosen == [rel.group] or (
        set(rel.partners) <= set(chosen) <= set(rel.declared) and bool(rel.partners)
    )
    if view == rel.focus and rel.group and whole:
        return f"{who} with {name(ds, rel.group)}"
    shown = [name(ds, p) for p in chosen]
    if not shown:
        return who
    if len(shown) > 4:
        return f"{who} with {', '.join(shown[:3])} and {len(shown) - 3} others"
    return f"{who} with {', '.join(shown)}"


def trade_measures(ds: Dataset) -> dict[str, str]:
    """The trade measures the catalog defines (``role``), by role: total, exports, imports."""
    ind = ds.indicators
    if ind.empty or "role" not in ind:
        return {}
    out: dict[str, str] = {}
    for ident, role in zip(ind["id"], ind["role"], strict=True):
        if isinstance(role, str) and role not in out:
            out[role] = ident
    return {r: out[r] for r in ("total", "exports", "imports") if r in out}


def role_indicator(ds: Dataset, role: str) -> str | None:
    """The indicator the catalog gives a role (``growth``: the growth of total trade)."""
    ind = ds.indicators
    if ind.empty or "role" not in ind:
        return None
    hit = ind.loc[ind["role"] == role, "id"]
    return str(hit.iloc[0]) if not hit.empty else None


def default_partners(ds: Dataset, view: str | None = None) -> list[str]:
    """The counterparts charted before a reader picks: the declared ones for the focus,
    every counterpart for another point of view."""
    rel = ds.relationship
    if (view or rel.focus) == rel.focus and rel.declared:
        return list(rel.declared)
    return counterparts(ds, view)


def measure_options(ds: Dataset) -> list[str]:
    """The Trade page's measures: the catalog's, and the balance where exports and imports
    both exist."""
    m = trade_measures(ds)
    return [*m, *(["balance"] if "exports" in m and "imports" in m else [])]


def measure_label(ds: Dataset, measure: str, view: str | None = None) -> str:
    m = trade_measures(ds)
    who = name(ds, view or ds.relationship.focus)
    if measure == "balance":
        return "Trade balance (exports − imports)"
    if measure in ("exports", "imports") and who:
        return f"{who}'s {measure}"
    return indicator_name(ds, m.get(measure, measure))


def indicator_name(ds: Dataset, indicator: str) -> str:
    return L.of(ds).indicators.get(indicator, indicator)


def headline_indicators(ds: Dataset, topic: str) -> list[str]:
    """The indicators of a topic marked ``headline`` in the catalog, in its order."""
    ind = ds.indicators
    if ind.empty or "headline" not in ind:
        return []
    return ind.loc[
        (ind["topic"] == topic) & ind["headline"].fillna(False).astype(bool), "id"
    ].tolist()


def volume_indicators(ds: Dataset) -> list[str]:
    """A project's volume series: the catalog's flows (and counts per period) of transport
    or energy."""
    ind = ds.indicators
    if ind.empty:
        return []
    return ind.loc[ind["topic"].isin(VOLUME_TOPICS) & ind["kind"].isin(VOLUME_KINDS), "id"].tolist()


def _trade_pairs(ds: Dataset) -> pd.DataFrame:
    obs = ds.observations
    if obs.empty:
        return obs
    ids = list(trade_measures(ds).values())
    return obs[obs["indicator"].isin(ids) & obs["reporter"].notna() & obs["partner"].notna()]


def reporters(ds: Dataset) -> list[str]:
    """Whose statistics the Trade page can show: the focus, then every entity that reports
    a trade figure with a counterpart, by name."""
    focus = ds.relationship.focus
    pairs = _trade_pairs(ds)
    found = set(pairs["reporter"]) if not pairs.empty else set()
    n = names(ds)
    others = sorted(found - {focus}, key=lambda e: n.get(e, e))
    return [*([focus] if focus else []), *others]


def counterparts(ds: Dataset, view: str | None = None) -> list[str]:
    """Whom ``view`` (the focus by default) trades with: for the focus, the group and the
    declared partners first, then every other counterpart the data holds, by name; for
    another reporter, the focus first."""
    rel = ds.relationship
    view = view or rel.focus
    pairs = _trade_pairs(ds)
    found: set[str] = set()
    if not pairs.empty:
        found = set(pairs.loc[pairs["reporter"] == view, "partner"]) | set(
            pairs.loc[pairs["partner"] == view, "reporter"]
        )
    found.discard(view)
    first = list(rel.declared) if view == rel.focus else ([rel.focus] if rel.focus in found else [])
    n = names(ds)
    return [*first, *sorted(found - set(first), key=lambda e: n.get(e, e))]


def groups(ds: Dataset) -> set[str]:
    ent = ds.entities
    return set(ent.loc[ent["kind"] == "group", "id"]) if not ent.empty else set()


def trade_measure(ds: Dataset, measure: str) -> str | None:
    """The indicator of a trade measure (total, exports, imports, ...), if the catalog has it."""
    return trade_measures(ds).get(measure)


def view_of(ds: Dataset, view: str | None) -> str:
    """Whose statistics a chart shows: the focus unless a partner's view is chosen."""
    return view or ds.relationship.focus


def mirror_partners(ds: Dataset, view: str, partners: Sequence[str] | None) -> list[str]:
    """Mirror statistics pair two reporters: groups are left out; none chosen means all."""
    pooled = groups(ds)
    chosen = [p for p in (partners or ()) if p not in pooled]
    return chosen or [p for p in counterparts(ds, view) if p not in pooled]
