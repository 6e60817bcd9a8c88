"""A synthetic dataset in the project's real format, for benchmarks at any size.

``generate(out, observations=N, files=M)`` writes the bundled catalog (entities, indicators,
units) and then M files in all: one file per project (with routes or points, status histories
and milestones), a few event files, and report files that each register one source and
cite it from their observations (``data/README.md`` documents the format). The mix follows
the bundled data: mostly annual trade figures by partner, both reporters (mirror
statistics), partial periods, investment stocks and pledges, project volumes; mostly exact
figures, some approximate, bounds and ranges; several sources per datapoint, now and then
disagreeing (a ``conflict`` warning, as in real data). The result validates with 0 errors.

Deterministic for a given seed: ``python benchmarks/generate.py OUT --observations 100000``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "data" / "catalog"

PARTNERS = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
# Beyond Central Asia, for the tool works for any pair: China's neighbours and the corridor's
# countries, less often.
OTHERS = ("RUS", "AZE", "GEO", "TUR", "IRN", "AFG", "PAK", "MNG", "BLR", "POL", "DEU")
CITIES = [
    ("Kashgar", 39.47, 75.99),
    ("Urumqi", 43.83, 87.62),
    ("Khorgos", 44.21, 80.41),
    ("Almaty", 43.24, 76.89),
    ("Astana", 51.17, 71.43),
    ("Bishkek", 42.87, 74.59),
    ("Osh", 40.53, 72.80),
    ("Andijan", 40.78, 72.34),
    ("Tashkent", 41.30, 69.24),
    ("Samarkand", 39.65, 66.96),
    ("Dushanbe", 38.56, 68.79),
    ("Ashgabat", 37.95, 58.38),
    ("Turkmenbashi", 40.02, 52.97),
    ("Aktau", 43.65, 51.17),
    ("Dostyk", 45.25, 82.48),
    ("Lanzhou", 36.06, 103.83),
    ("Xi'an", 34.34, 108.94),
    ("Torugart", 40.56, 75.39),
]
PROJECT_KINDS = (
    "railway",
    "road",
    "pipeline",
    "fibre_optic_cable",
    "dry_port",
    "multimodal_corridor",
    "economic_zone",
    "power_line",
)
STATUSES = ("proposed", "agreed", "planned", "under_construction", "operational")
EVENT_KINDS = (
    "summit",
    "ministerial",
    "declaration",
    "treaty",
    "agreement",
    "visit",
    "institution",
    "initiative",
)
SOURCE_KINDS = (
    "official_statistics",
    "official_statement",
    "media",
    "media",
    "media",
    "think_tank",
    "company",
)

# indicator -> (weight, stated units with their factor to the canonical unit, typical size
# in the canonical unit, may be negative)
TRADE = {
    "trade_total": (30, [("USD bn", 1e9), ("USD mn", 1e6)], 20e9, False),
    "exports": (12, [("USD bn", 1e9), ("USD mn", 1e6)], 12e9, False),
    "imports": (12, [("USD bn", 1e9), ("USD mn", 1e6)], 8e9, False),
    "trade_change": (4, [("USD bn", 1e9)], 2e9, True),
    "trade_growth": (6, [("percent", 1.0)], 12.0, True),
    "trade_share": (4, [("percent", 1.0)], 20.0, False),
}
INVESTMENT = {
    "fdi_stock": (5, [("USD bn", 1e9)], 10e9, False),
    "investment_cumulative": (4, [("USD bn", 1e9)], 30e9, False),
    "fdi_flow": (3, [("USD mn", 1e6)], 800e6, False),
}
VOLUMES = {
    "gas_volume": (3, [("bcm", 1e9)], 40e9, False),
    "train_trips": (2, [("count", 1.0)], 5000, False),
    "container_volume": (2, [("thousand TEU", 1e3)], 300e3, False),
    "cargo_volume": (2, [("Mt", 1e6)], 20e6, False),
}


def _fmt(value: float) -> str:
    text = f"{value:.6g}"
    return text if "e" not in text else repr(float(value))


class _Writer:
    def __init__(self, rng: random.Random, today_year: int) -> None:
        self.rng = rng
        self.last_year = today_year - 1

    def period(self, indicator: str) -> str:
        rng = self.rng
        year = rng.randint(1995, self.last_year)
        r = rng.random()
        if indicator in ("fdi_stock", "investment_cumulative"):
            return (
                f"..{year}"
                if r < 0.5
                else (
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                    if r < 0.7
                    else str(year)
                )
            )
        # Large datasets are mostly monthly customs series; reports add years and
        # year-to-date spans.
        if r < 0.40:
            return str(year)
        if r < 0.52:
            return f"{year}-01/{year}-{rng.choice((3, 5, 6, 9, 10, 11)):02d}"
        if r < 0.60:
            return f"{year}-Q{rng.randint(1, 4)}"
        if r < 0.64:
            return f"{year}-H{rng.randint(1, 2)}"
        return f"{year}-{rng.randint(1, 12):02d}"


def _truth(fact: tuple, size: float, negative: bool) -> float:
    """The datapoint's 'true' value: the same for every source that states it."""
    r = random.Random(zlib.crc32(repr(fact).encode()))
    v = size * r.uniform(0.2, 2.5)
    if negative and r.random() < 0.25:
        v = -v * 0.3
    return v


def _observation(
    rng: random.Random, w: _Writer, source: str, fig: int, projects: list[dict]
) -> tuple[tuple, str]:
    """One observation as a YAML flow mapping, and its duplicate key."""
    topic = rng.random()
    project = None
    if topic < 0.72:
        table = TRADE
    elif topic < 0.88:
        table = INVESTMENT
    else:
        table = VOLUMES
    names = list(table)
    indicator = rng.choices(names, weights=[table[n][0] for n in names])[0]
    _, units, size, negative = table[indicator]
    basis = "actual"
    share_of = base_period = None
    if table is VOLUMES:
        p = rng.choice(projects)
        project = p["id"]
        reporter, partner = "CHN", p["countries"][1]
        period = str(rng.randint(2005, w.last_year)) if rng.random() < 0.8 else w.period("x")
    else:
        if indicator == "trade_share":
            reporter, partner, share_of = "CHN", rng.choice(PARTNERS), "C5"
        else:
            counterpart = (
                rng.choice((*PARTNERS, "C5")) if rng.random() < 0.6 else rng.choice(OTHERS)
            )
            if rng.random() < 0.6 or counterpart == "C5":
                reporter, partner = "CHN", counterpart
            else:
                reporter, partner = counterpart, "CHN"
        period = w.period(indicator)
        if indicator in ("trade_growth", "trade_change") and period.isdigit():
            base_period = str(int(period) - 1)
        if table is INVESTMENT and rng.random() < 0.08:
            basis = rng.choice(("pledge", "target"))
            period = str(rng.randint(w.last_year + 2, w.last_year + 10))
        elif indicator == "trade_total" and rng.random() < 0.02:
            basis = "target"
            period = str(rng.choice((2030, 2035)))
    unit, factor = units[0] if rng.random() < 0.85 else rng.choice(units)
    fact = (indicator, reporter, partner, period, project, basis, base_period, share_of)
    value = _truth(fact, size, negative) / factor
    q = rng.random()
    qualifier = "exact"
    value_max = None
    if q < 0.02:
        value *= rng.choice((0.9, 1.1))  # a source that disagrees: a conflict warning
    if q < 0.78:
        stated = round(value, 1) if abs(value) < 1000 else round(value)
    elif q < 0.88:
        qualifier, stated = "approximately", round(value, 1 if abs(value) < 10 else 0)
    elif q < 0.92:
        qualifier, stated = "nearly", round(value * 1.02, 1)
    elif q < 0.96:
        qualifier, stated = "more_than", round(value * 0.9)
    elif q < 0.98:
        qualifier, stated = "less_than", round(value * 1.1) + 1
    else:
        lo, hi = sorted((value * 0.9, value * 1.1))
        qualifier, stated, value_max = "range", round(lo, 1), round(hi, 1) + 0.1
    if negative is False and stated <= 0:
        stated = abs(stated) or 1
    fields = [f"indicator: {indicator}"]
    fields.append(f"reporter: {reporter}")
    fields.append(f"partner: {partner}")
    fields.append(f'period: "{period}"')
    fields.append(f"value: {_fmt(stated)}")
    if value_max is not None:
        fields.append(f"value_max: {_fmt(value_max)}")
    fields.append(f"unit: {unit}")
    if qualifier != "exact":
        fields.append(f"qualifier: {qualifier}")
    if basis != "actual":
        fields.append(f"basis: {basis}")
    if base_period:
        fields.append(f'base_period: "{base_period}"')
    if share_of:
        fields.append(f"share_of: {share_of}")
    if project:
        fields.append(f"project: {project}")
    fields.append(f"source: {source}")
    fields.append(f"locator: fig {fig}")
    if rng.random() < 0.15:
        fields.append(
            "note: "
            + rng.choice(
                (
                    "customs data",
                    "preliminary",
                    "record high",
                    "as reported by the ministry",
                    "year on year",
                )
            )
        )
    key = (*fact, source)
    return key, "{" + ", ".join(fields) + "}"


def _project(rng: random.Random, i: int) -> tuple[dict, str]:
    pid = f"synthetic-project-{i:03d}"
    kind = PROJECT_KINDS[i % len(PROJECT_KINDS)]
    partner = PARTNERS[i % len(PARTNERS)]
    src = f"p{i:03d}-project-source"
    n_status = rng.randint(1, 4)
    years = sorted(rng.sample(range(2000, 2026), n_status))
    lines = [
        "sources:",
        f"  - id: {src}",
        f"    title: Synthetic report on project {i}",
        "    publisher: Benchmark Wire",
        f"    published: {years[-1]}-06-01",
        f"    url: https://example.org/projects/{i}",
        "    language: en",
        "    kind: media",
        "",
        "projects:",
        f"  - id: {pid}",
        f"    name: Synthetic {kind.replace('_', ' ')} {i}",
        f"    kind: {kind}",
        f"    countries: [CHN, {partner}]",
        "    status:",
    ]
    for j, y in enumerate(years):
        lines += [
            f"      - status: {STATUSES[min(j + 5 - n_status, 4)]}",
            f'        as_of: "{y}"',
            f"        source: {src}",
            f"        locator: fig {j + 1}",
        ]
    if kind in ("dry_port", "economic_zone"):
        name, lat, lon = rng.choice(CITIES)
        lines.append(f"    location: {{name: {name}, lat: {lat}, lon: {lon}}}")
    else:
        stops = rng.sample(CITIES, rng.randint(2, 6))
        lines += [
            "    route:",
            f"      precision: {rng.choice(('approximate', 'exact', 'endpoints_only'))}",
            "      waypoints:",
        ]
        lines += [f"        - {{name: {n}, lat: {la}, lon: {lo}}}" for n, la, lo in stops]
    lines.append("    milestones:")
    for j, y in enumerate(years):
        lines.append(
            f'      - {{date: "{y}", name: Milestone {j + 1} of project {i}, '
            f"source: {src}, locator: fig {j + 1}}}"
        )
    return {"id": pid, "countries": ["CHN", partner]}, "\n".join(lines) + "\n"


def _events(rng: random.Random, n: int, k: int, sources: list[str]) -> str:
    lines = ["events:"]
    for i in range(n):
        y = rng.randint(2000, 2025)
        kind = EVENT_KINDS[i % len(EVENT_KINDS)]
        lines += [
            f"  - id: synthetic-event-{k:02d}-{i:03d}",
            f"    date: {y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"    name: Synthetic {kind} {k}-{i}",
            f"    kind: {kind}",
            f"    countries: [CHN, {rng.choice(PARTNERS)}]",
            f"    place: {rng.choice(CITIES)[0]}",
            "    sources:",
            f"      - {{source: {rng.choice(sources)}, locator: fig 1}}",
        ]
    return "\n".join(lines) + "\n"


def generate(
    out: str | Path, observations: int, files: int = 500, seed: int = 7, today_year: int = 2026
) -> Path:
    """Write a dataset of about ``observations`` datapoints in ``files`` YAML files
    (catalog included) under ``out``, replacing what was there."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    shutil.copytree(CATALOG, out / "catalog")
    n_catalog = len(list((out / "catalog").rglob("*.yaml")))
    budget = max(3, files - n_catalog)
    n_projects = max(1, min(40, budget // 10))
    n_event_files = max(1, min(5, budget // 50))
    n_reports = max(1, budget - n_projects - n_event_files)
    (out / "projects").mkdir()
    projects = []
    for i in range(n_projects):
        p, text = _project(rng, i)
        projects.append(p)
        (out / "projects" / f"{p['id']}.yaml").write_text(text, encoding="utf-8")
    w = _Writer(rng, today_year)
    (out / "reports").mkdir()
    report_ids = []
    per_file, extra = divmod(observations, n_reports)
    for r in range(n_reports):
        count = per_file + (1 if r < extra else 0)
        sid = f"{r:04d}-synthetic-report"
        report_ids.append(sid)
        kind = rng.choice(SOURCE_KINDS)
        year = rng.randint(2005, today_year - 1)
        published = (
            f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if rng.random() < 0.9
            else "null"
        )
        lines = [
            "sources:",
            f"  - id: {sid}",
            f"    title: Synthetic report {r} on China–Central Asia trade and investment",
            "    publisher: "
            + rng.choice(
                ("Benchmark Wire", "Statistics Office", "Daily Ledger", "Policy Institute")
            ),
            f"    published: {published}",
            f"    url: https://example.org/reports/{r}",
            f"    language: {rng.choice(('en', 'en', 'ru', 'zh'))}",
            f"    kind: {kind}",
            "",
            "observations:",
        ]
        seen: set[tuple] = set()
        fig = 1
        tries = 0
        while len(seen) < count and tries < count * 20:
            tries += 1
            key, text = _observation(rng, w, sid, fig, projects)
            if key in seen:
                continue
            seen.add(key)
            if rng.random() < 0.1:  # block style, as some contributors write it
                body = text[1:-1].split(", ")
                lines.append("  - " + body[0])
                lines += ["    " + f for f in body[1:]]
            else:
                lines.append("  - " + text)
            fig += 1
        if rng.random() < 0.3:
            lines += [
                "",
                "excluded:",
                f"  - source: {sid}",
                f"    locator: fig {fig}",
                "    reason: period not stated",
            ]
        (out / "reports" / f"{sid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "events").mkdir()
    per_events = max(2, min(40, observations // 2000))
    for k in range(n_event_files):
        (out / "events" / f"synthetic-events-{k:02d}.yaml").write_text(
            _events(rng, per_events, k, report_ids), encoding="utf-8"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder to write (replaced)")
    parser.add_argument("--observations", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    out = generate(args.out, args.observations, args.files, args.seed)
    print(f"wrote {sum(1 for _ in out.rglob('*.yaml'))} files to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
