"""Command-line chart export (filled in by the export module)."""

from __future__ import annotations

import argparse


def add_export_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    return None
