"""The dataset as open data: CSV tables and a Frictionless ``datapackage.json``.

Each table (:mod:`indicators.export.package_tables`) gets a Table Schema with field types,
descriptions (units included), a primary key and foreign keys to the tables it refers to, so
R, Python, Excel or any Frictionless tool reads it with its meaning. The package is written to
a temporary folder and moved into place whole: a failure never leaves half a package.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.dataset import Dataset
from indicators.export.package_tables import TABLES, Column, Table, records
from indicators.loader import load_dataset

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
PACKAGE_NAME = "bilateral-economic-indicators"


class ExportError(Exception):
    """The data cannot be exported as it is; the message says what to fix."""


def _cell(value: Any, type_: str) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if type_ == "boolean":
        return "true" if bool(value) else "false"
    if type_ == "number":
        return format(float(value), ".15g")
    if type_ == "integer":
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def field_descriptor(c: Column) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.description}
    constraints: dict[str, Any] = {}
    if c.required:
        constraints["required"] = True
    if c.enum:
        constraints["enum"] = list(c.enum)
    if constraints:
        out["constraints"] = constraints
    return out


def resource_descriptor(t: Table) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [field_descriptor(c) for c in t.columns],
        "missingValues": [""],
    }
    if t.primary_key:
        schema["primaryKey"] = list(t.primary_key)
    if t.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": col,
                "reference": {"resource": "" if ref == t.name else ref, "fields": ref_col},
            }
            for col, ref, ref_col in t.foreign_keys
        ]
    return {
        "name": t.name,
        "path": f"{t.name}.csv",
        "profile": "tabular-data-resource",
        "title": t.name.replace("_", " "),
        "description": t.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }


def _licence(text: str) -> dict[str, str]:
    """The dataset's licence as the Data Package names it; CC BY 4.0 spelt out in full."""
    if text.replace(" ", "").replace("-", "").upper() in ("CCBY4.0", ""):
        return LICENCE if text else {"name": "not-stated", "title": "Licence not stated"}
    return {"name": text, "title": text}


def package_descriptor(ds: Dataset) -> dict[str, Any]:
    sources = [
        {
            "title": f"{r['publisher']}: {r['title']}",
            **({"path": r["url"]} if isinstance(r["url"], str) else {}),
        }
        for r in records(ds.sources)
    ]
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": ds.relationship.title,
        "description": "Figures stated in public reports (trade, investment, corridor and "
        "infrastructure projects, summit milestones), each with its source "
        "and its position in the source. Values are kept as stated and "
        "converted to each indicator's canonical unit.",
        "licenses": [_licence(ds.relationship.licence)],
        "sources": sources,
        "resources": [resource_descriptor(t) for t in TABLES],
    }


def write_package(ds: Dataset, folder: Path) -> None:
    """Write every CSV and the descriptor into ``folder`` (which must exist)."""
    for t in TABLES:
        with open(folder / f"{t.name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow([c.name for c in t.columns])
            for row in t.rows(ds):
                writer.writerow([_cell(row.get(c.name), c.type) for c in t.columns])
    text = json.dumps(package_descriptor(ds), indent=2, ensure_ascii=False) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")


def export_data(data: str | Path, out: str | Path) -> Path:
    """Export the dataset under ``data`` as a Data Package in ``out``, replacing it whole."""
    out = Path(out)
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / "datapackage.json").exists())
    ):
        raise ExportError(
            f"{out} exists and is not a previous export; choose a new folder "
            "for --out (it is replaced whole)"
        )
    ds = load_dataset(data)
    if not ds.report.valid:
        raise ExportError(
            f"the data has {len(ds.report.errors)} error(s); run "
            f"`indicators validate {data}` and fix them before exporting"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_package(ds, tmp)
        os.chmod(tmp, 0o755)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / "package")
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
