"""A copy of the bundled data whose every string carries a script or markup payload."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
LONG = "W" * 1500  # no break opportunity at all
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![x](http://evil.example/x.png)",
    "{{7*7}}",
    "<a href='javascript:alert(1)'>click</a>",
    "<b onmouseover=alert(1)>bold</b>",
    "$\\href{javascript:alert(1)}{x}$ :red[red] :smile:",
    "<svg/onload=alert(1)>",
    "\u202eevil\u202c \u0645\u0631\u062d\u0628\u0627 zero\u200bwidth\u200dx\ufeff",
    '<iframe src="http://evil.example/"></iframe>',
    "http://evil.example/track.png",
    LONG,
]
# Strings any reader sees: names, titles, notes, publishers, locators, places, reasons.
KEYS = {
    "title",
    "publisher",
    "original_publisher",
    "published_note",
    "note",
    "name",
    "place",
    "reason",
    "description",
    "locator",
}
# Markers that only appear if a payload was interpreted rather than shown as text.
MARKERS = ("alert", "evil.example", "onerror", "onload", "onmouseover")


def _poison(value: object, counter: list[int]) -> object:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in KEYS and isinstance(v, str):
                payload = PAYLOADS[counter[0] % len(PAYLOADS)]
                counter[0] += 1
                out[k] = f"{v} {payload}"
            elif k == "url" and isinstance(v, str):
                sep = "&" if "?" in v else "?"
                out[k] = f"{v}{sep}q=javascript:alert(1)&img=http://evil.example/x.png"
            else:
                out[k] = _poison(v, counter)
        return out
    if isinstance(value, list):
        return [_poison(v, counter) for v in value]
    return value


def hostile_copy(dest: Path) -> Path:
    """Write the poisoned copy of data/ into ``dest`` and return it."""
    shutil.copytree(ROOT / "data", dest)
    counter = [0]
    for path in sorted(dest.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            continue
        doc = _poison(doc, counter)
        path.write_text(
            yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8"
        )
    return dest
