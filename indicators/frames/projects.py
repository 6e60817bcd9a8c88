"""The projects as the pages list them: the Gantt's bars, the status chart's table, and what
is recorded about one project or one country."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from indicators.dataset import Dataset
from indicators.frames import formatting as fmt
from indicators.frames import labels as L
from indicators.frames import roles
from indicators.model import NOT_BUILT
from indicators.periods import parse_period


def top_projects(ds: Dataset) -> pd.DataFrame:
    """The projects themselves, without the sections and lines that are part of one."""
    projects = ds.projects
    return projects[projects["part_of"].isna()] if not projects.empty else projects


def project_names(ds: Dataset) -> dict[str, str]:
    return dict(zip(ds.projects["id"], ds.projects["name"], strict=True))


def project_kinds(ds: Dataset) -> list[str]:
    """The kinds of project the data holds, sorted."""
    return sorted(ds.projects["kind"].unique()) if not ds.projects.empty else []


def projects_table(ds: Dataset) -> pd.DataFrame:
    """The projects the status chart counts (sections counted with their project)."""
    top = top_projects(ds)
    return pd.DataFrame(
        {
            "Project": top["name"],
            "Kind": top["kind"].map(L.word),
            "Status": top["status"].map(L.word),
            "As of": top["status_as_of"].map(fmt.format_date),
            "Source": top["status_source"].map(lambda s: fmt.source_label(ds.sources, s)),
        }
    )


def status_points(ds: Dataset) -> pd.DataFrame:
    """The status chart's CSV: each project it counts (sections count with their project),
    with its status, the status's date and source, by id."""
    return top_projects(ds)[["id", "name", "kind", "status", "status_as_of", "status_source"]]


def gantt_rows(ds: Dataset, today: date | None = None) -> pd.DataFrame:
    """Projects as bars from their first dated milestone or status to completion (the
    first `operational` status), or to today while under way."""
    today = today or date.today()
    cols = [
        "id",
        "name",
        "kind",
        "status",
        "start",
        "end",
        "open_ended",
        "status_as_of",
        "stale",
        "part_of",
        "start_source",
        "end_source",
        "status_source",
    ]
    if ds.projects.empty:
        return pd.DataFrame(columns=cols)
    ms = ds.milestones
    rows = []
    for _, p in ds.projects.iterrows():
        # (date, source, kind of record): each bar end is cited by the record that dates it.
        history = [
            (
                parse_period(s["as_of"]).start or parse_period(s["as_of"]).end,
                s["source"],
                s["status"],
            )
            for s in p["status_history"]
        ]
        dated = [(d, src) for d, src, _ in history]
        if not ms.empty:
            mine = ms[ms["project"] == p["id"]]
            dated += [(w.date(), src) for w, src in zip(mine["when"], mine["source"], strict=True)]
        if not dated:
            continue
        # The bar is the phase the status history describes: from the start of
        # construction where it is dated (a 1996 agreement is a milestone, not a bar).
        built = [(d, src) for d, src, status in history if status == "under_construction"]
        start, start_source = min(built or dated, key=lambda x: x[0])
        done = [(d, src) for d, src, status in history if status == "operational"]
        open_ended = p["status"] in NOT_BUILT or not done
        end, end_source = (today, None) if open_ended else min(done, key=lambda x: x[0])
        if end <= start:
            end = start
        rows.append(
            {
                "id": p["id"],
                "name": p["name"],
                "kind": p["kind"],
                "status": p["status"],
                "start": pd.Timestamp(start),
                "end": pd.Timestamp(end),
                "open_ended": open_ended,
                "status_as_of": p["status_as_of"],
                "stale": bool(p["stale"]),
                "part_of": p["part_of"] if isinstance(p["part_of"], str) else None,
                "start_source": start_source,
                "end_source": end_source,
                "status_source": p["status_source"],
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("start", kind="stable").reset_index(drop=True)


def gantt_shown(rows: pd.DataFrame, kinds: Sequence[str], top_only: bool) -> pd.DataFrame:
    """The Gantt's bars (rows of :func:`gantt_rows`) the Timeline's filters keep."""
    keep = rows["kind"].isin(list(kinds))
    if top_only:
        keep &= rows["part_of"].isna()
    return rows[keep]


def gantt_table(rows: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The bars as a table: what each project's bar spans, in words, and the sources that
    date its start and end and state its status."""
    cited = [
        "; ".join(dict.fromkeys(fmt.source_label(sources, s) for s in ids if isinstance(s, str)))
        for ids in zip(rows["start_source"], rows["end_source"], rows["status_source"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Project": rows["name"],
            "Kind": rows["kind"].map(L.word),
            "Status": rows["status"].map(L.word),
            "From": rows["start"].dt.strftime("%Y-%m-%d").map(fmt.format_date),
            "To": [
                "today (under way)" if o else fmt.format_date(e.strftime("%Y-%m-%d"))
                for o, e in zip(rows["open_ended"], rows["end"], strict=True)
            ],
            "Status as of": rows["status_as_of"].map(fmt.format_date),
            "Sources": cited,
        },
        index=rows.index,
    )


def volume_points(ds: Dataset, project: str, indicator: str) -> pd.DataFrame:
    """The datapoints of one project's volume series."""
    obs = ds.observations
    return obs[(obs["project"] == project) & (obs["indicator"] == indicator)]


def detail_choices(ds: Dataset, partners: Sequence[str], with_projects: bool) -> dict[str, str]:
    """What the Map's details panel can show, by id, with the name a reader sees: the focus
    and its partners on the map, then the projects when the map draws them."""
    rel = ds.relationship
    choices = {e: roles.name(ds, e) for e in [rel.focus, *partners] if e}
    if with_projects:
        for pid, name in project_names(ds).items():
            choices.setdefault(pid, name)
    return choices


def entity_datapoints(ds: Dataset, entity: str, year: int | None) -> pd.DataFrame:
    """Every datapoint a country reports or is the partner of, in ``year`` where given."""
    obs = ds.observations
    mine = obs[(obs["partner"] == entity) | (obs["reporter"] == entity)]
    return mine[mine["year"] == year] if year else mine


def project_row(ds: Dataset, project: str) -> pd.Series | None:
    found = ds.projects[ds.projects["id"] == project]
    return None if found.empty else found.iloc[0]


def status_line(row: pd.Series) -> str:
    """A project's status as of its date, flagged where no source confirmed it lately."""
    stale = " (possibly stale: not confirmed for over two years)" if row["stale"] else ""
    return f"{L.word(row['status'])} as of {fmt.format_date(row['status_as_of'])}{stale}"


def milestones_table(ds: Dataset, project: str) -> pd.DataFrame:
    """A project's milestones with their citations."""
    ms = ds.milestones[ds.milestones["project"] == project]
    return pd.DataFrame(
        {
            "Date": ms["date"].map(fmt.format_date),
            "Milestone": ms["name"].map(L.of(ds).prose),
            "Source": ms["source"].map(lambda s: fmt.source_label(ds.sources, s)),
            "Locator": ms["locator"],
        }
    )


def project_datapoints(ds: Dataset, project: str) -> pd.DataFrame:
    return ds.observations[ds.observations["project"] == project]
