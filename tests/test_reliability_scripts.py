"""The fast part of the soak script runs in the suite (the full 1,000 reruns: RELIABILITY.md)."""

from __future__ import annotations

import importlib.util

from tests.paths import ROOT


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_short_soak_has_no_errors() -> None:
    result = _load("soak").soak(reruns=16, warmup=4, bound_mb=256)
    assert result["errors"] == 0, result["first_errors"]
    assert result["reruns"] == 16 and result["within_bound"]
