"""What each chart of the standard set draws, as a comparable record: trace type, name and
number of points. ``python tests/chart_record.py`` rewrites the record of the bundled data
(do that only for a deliberate change, and say which in the commit)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import plotly.graph_objects as go

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "tests" / "fixtures" / "charts" / "bundled-standard-set.json"
# The timeline runs to "today": fixed so that the record does not age.
TODAY = date(2026, 12, 1)


def points(trace: go.BaseTraceType) -> int:
    for attr in ("x", "locations", "lon", "y"):
        values = getattr(trace, attr, None)
        if values is not None:
            return sum(1 for v in values if v is not None)
    return 0


def record(fig: go.Figure) -> list[list]:
    """Every trace that draws data; legend-only entries (a series' plain swatch, the key to
    marker shapes) draw nothing and are left out."""
    return [[t.type, t.name, points(t)] for t in fig.data if t.meta != "legend"]


def standard_set_record(data: Path) -> dict[str, list[list]]:
    from indicators import load_dataset
    from indicators.charts import standard

    ds = load_dataset(data, today=TODAY)
    return {c.id: record(c.build(ds)) for c in standard.standard_charts(ds)}


if __name__ == "__main__":
    out = standard_set_record(ROOT / "data")
    RECORD.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {RECORD}\n")
