"""Commands for contributors and reviewers (schema, new, diff, export-data)."""

from __future__ import annotations

import argparse


def add_contrib_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    return None
