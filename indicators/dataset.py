"""The loaded dataset: one DataFrame per table, and the report of what was wrong."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators.problems import Report
from indicators.relationship import EMPTY, Relationship


@dataclass
class Dataset:
    """Every table of a dataset as pandas DataFrames, plus the validation report."""

    observations: pd.DataFrame
    projects: pd.DataFrame
    milestones: pd.DataFrame
    events: pd.DataFrame
    sources: pd.DataFrame
    indicators: pd.DataFrame
    entities: pd.DataFrame
    units: pd.DataFrame
    excluded: pd.DataFrame
    report: Report = field(default_factory=Report)
    fingerprint: str = ""
    relationship: Relationship = EMPTY
