"""Shared filters that live in the URL, so a copied link reproduces the view.

Partners, indicator, year range and map year are read from ``st.query_params`` (the URL
wins on a fresh load), kept in ``st.session_state`` so they survive a page switch, and
written back after the widgets. Hostile or stale values are corrected, never trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

_KEY = "_shared_filters"
MAX_PARAM = 200  # longer values are not filters anyone typed


# Every control that changes what a page shows has a parameter, so a link restores it.
LISTS = ("partners", "inds", "kinds", "dinds", "dsources")
TEXTS = (
    "indicator",
    "measure",
    "period",
    "dataset",
    "view",
    "whose",
    "style",
    "colour",
    "select",
    "project",
    "series",
    "q",
    "sq",
    "source",
)
INTS = ("from", "to", "year")
FLAGS = ("share", "events", "pledges", "projects", "top", "targets")


def _from_url() -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        params = st.query_params
        for key in LISTS:
            if key in params:
                raw = params.get_all(key)
                items = [p for r in raw for p in str(r)[:MAX_PARAM].split(",")]
                out[key] = [p.strip() for p in items if p.strip()][:40]
        for key in TEXTS:
            if key in params:
                out[key] = str(params[key])[:MAX_PARAM]
        for key in INTS:
            if key in params:
                text = str(params[key])[:12]
                if text.lstrip("-").isdigit():
                    out[key] = int(text)
        for key in FLAGS:
            if key in params and str(params[key]) in ("0", "1"):
                out[key] = str(params[key]) == "1"
    except Exception:  # a malformed URL must not take the page down
        return {}
    return out


def shared() -> dict[str, Any]:
    """The shared filters: the URL's where given, else the session's."""
    state = dict(st.session_state.get(_KEY, {}))
    state.update(_from_url())
    st.session_state[_KEY] = state
    return state


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return ",".join(value) if isinstance(value, (list, tuple)) else str(value)


def publish(**values: Any) -> None:
    """Store filters in the session and the URL (only keys with a value)."""
    state = dict(st.session_state.get(_KEY, {}))
    state.update({k: v for k, v in values.items() if v is not None})
    st.session_state[_KEY] = state
    for key, value in values.items():
        if value is None:
            continue
        text = _text(value)
        if st.query_params.get(key) != text:
            st.query_params[key] = text


def forget(*keys: str) -> None:
    """Drop filters that no longer apply (a map selection cleared)."""
    state = dict(st.session_state.get(_KEY, {}))
    for key in keys:
        state.pop(key, None)
        if key in st.query_params:
            del st.query_params[key]
    st.session_state[_KEY] = state


def flag(value: Any, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def restore_url() -> None:
    """After a page switch the URL loses its query: put the shared filters back."""
    state = st.session_state.get(_KEY, {})
    for key, value in state.items():
        text = _text(value)
        if key not in st.query_params:
            st.query_params[key] = text


def pick_list(value: Any, options: Sequence[str], default: Sequence[str]) -> list[str]:
    """Keep only known options, in the order given; fall back to the default."""
    if not isinstance(value, (list, tuple)):
        return list(default)
    kept = [v for v in value if v in options]
    return kept or list(default)


def pick_one(value: Any, options: Sequence[str], default: str) -> str:
    return value if value in options else default


def pick_range(lo: Any, hi: Any, bounds: tuple[int, int]) -> tuple[int, int]:
    """A year range inside the data's bounds; a reversed range is turned round."""
    a = lo if isinstance(lo, int) else bounds[0]
    b = hi if isinstance(hi, int) else bounds[1]
    if a > b:
        a, b = b, a
    a = min(max(a, bounds[0]), bounds[1])
    b = min(max(b, bounds[0]), bounds[1])
    return a, b
