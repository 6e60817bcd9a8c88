"""An exported image's alt text: the chart's title and generated description, written into
the file (SVG ``<title>``/``<desc>`` with ``role="img"``, PNG ``tEXt`` chunks ``Title`` and
``Description``) so a report that embeds it can read them."""

from __future__ import annotations

import html
import re
import struct
import zlib

_SVG_OPEN = re.compile(rb"<svg\b[^>]*>")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _latin1(text: str) -> bytes:
    """PNG tEXt is Latin-1: other characters become their closest plain form or '?'."""
    plain = text.replace("–", "-").replace("—", "-").replace("’", "'").replace("≥", ">=")
    plain = plain.replace("≤", "<=").replace("≈", "~").replace("≲", "<~").replace("→", "->")
    return plain.encode("latin-1", errors="replace")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png(blob: bytes, title: str, description: str) -> bytes:
    """The PNG with Title and Description text chunks after its header chunk."""
    if not blob.startswith(_PNG_SIGNATURE):
        return blob
    ihdr_end = 8 + 8 + struct.unpack(">I", blob[8:12])[0] + 4
    text = _chunk(b"tEXt", b"Title\x00" + _latin1(title)[:2000]) + _chunk(
        b"tEXt", b"Description\x00" + _latin1(description)[:4000]
    )
    return blob[:ihdr_end] + text + blob[ihdr_end:]


def svg(blob: bytes, title: str, description: str) -> bytes:
    """The SVG as an image with an accessible name and description."""
    match = _SVG_OPEN.search(blob)
    if match is None:
        return blob
    opening = match.group(0)
    if b" role=" not in opening:
        opening = opening[:-1] + b' role="img" aria-labelledby="chart-title chart-desc">'
    inner = (
        f'<title id="chart-title">{html.escape(title)}</title>'
        f'<desc id="chart-desc">{html.escape(description)}</desc>'
    ).encode()
    return blob[: match.start()] + opening + inner + blob[match.end() :]


def png_text(blob: bytes) -> dict[str, str]:
    """The tEXt chunks of a PNG (for tests and tools)."""
    out: dict[str, str] = {}
    pos = 8
    while pos + 8 <= len(blob):
        length = struct.unpack(">I", blob[pos : pos + 4])[0]
        kind = blob[pos + 4 : pos + 8]
        data = blob[pos + 8 : pos + 8 + length]
        if kind == b"tEXt" and b"\x00" in data:
            key, value = data.split(b"\x00", 1)
            out[key.decode("latin-1")] = value.decode("latin-1")
        if kind == b"IEND":
            break
        pos += 12 + length
    return out
