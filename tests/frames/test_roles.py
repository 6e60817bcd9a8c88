"""Who a chart's figures are between, in names."""

from __future__ import annotations

from indicators import load_dataset
from indicators.frames import roles
from tests.paths import DATA


def test_the_group_name_stands_for_the_group_or_every_partner_never_one() -> None:
    ds = load_dataset(DATA)
    rel = ds.relationship
    focus, group = roles.name(ds, rel.focus), roles.name(ds, rel.group)
    one = rel.partners[0]
    assert roles.counterparts_label(ds) == f"{focus} with {group}"
    assert roles.counterparts_label(ds, None, [rel.group]) == f"{focus} with {group}"
    assert roles.counterparts_label(ds, None, list(rel.partners)) == f"{focus} with {group}"
    assert roles.counterparts_label(ds, None, [one]) == f"{focus} with {roles.name(ds, one)}"
    two = roles.counterparts_label(ds, None, list(rel.partners[:2]))
    assert group not in two and roles.name(ds, rel.partners[1]) in two
