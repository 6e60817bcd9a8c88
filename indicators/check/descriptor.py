"""A dataset's ``dataset.yaml`` checked against the catalog: its focus, partners and group
are entities, and the group's members are the partners."""

from __future__ import annotations

from indicators.problems import Problem
from indicators.read.compile import Located


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
