"""Static images of charts (PNG, SVG, PDF) that stand on their own in a report.

The exported figure is the figure the dashboard drew, plus what a reader of a printed page
needs: the source line listing exactly the sources of the datapoints shown, the notes the
qualifiers need, and a discreet footer with the project's name and the data licence. The
browser that draws it is in :mod:`indicators.export.browser`.
"""

from __future__ import annotations

import html
import math
import textwrap
from typing import Any

import plotly.graph_objects as go

from indicators.charts.style import heading
from indicators.export import browser

PROJECT = "Bilateral economic indicators"
FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "csv": "text/csv"}
DEFAULT_WIDTH = 1000
DEFAULT_HEIGHT = 600
PNG_SCALE = 2
# Characters a line of the title block holds per pixel of the image's width, with room to
# spare: 18 px bold Liberation Sans for the title, its subscript size for the subtitle.
TITLE_PX_PER_CHAR = 11
SUBTITLE_PX_PER_CHAR = 7.5


def wrap(text: str, width_px: int, font_px: float) -> list[str]:
    chars = max(40, int(width_px / (font_px * 0.55)))
    return textwrap.wrap(text, chars, break_long_words=True) or [""]


def _legend_rows(fig: go.Figure, width: int) -> int:
    names = [str(t.name or "") for t in fig.data if t.showlegend is not False and t.name]
    if not names or fig.layout.showlegend is False:
        return 0
    if fig.layout.legend.orientation == "v":
        return 0
    total = sum(len(n) * 7 + 40 for n in names)
    return max(1, math.ceil(total / max(200, width - 80)))


def _decoration(fig: go.Figure, width: int, height: int) -> tuple[dict, list[dict]]:
    """What printing adds to a figure: layout changes, and the annotations of the source
    line, the notes and the footer below the plot."""
    meta = dict(fig.layout.meta or {})
    sources = list(meta.get("sources", []))
    notes = list(meta.get("notes", []))
    small = 11
    # Annotations render a subset of HTML: the text from the data is escaped after wrapping.
    source_lines = [
        html.escape(line)
        for line in wrap(
            "Source: " + ("; ".join(sources) if sources else "none shown"), width - 40, small
        )
    ]
    note_lines = [html.escape(line) for n in notes for line in wrap(n, width - 40, small - 1)]
    # The dataset's title and licence, stamped on the figure by indicators.views.
    licence = meta.get("licence") or "licence not stated"
    footer = f"{meta.get('project') or PROJECT} · Data: {licence}"
    line_px = 15
    text_block = (len(source_lines) + len(note_lines) + 1) * line_px + 16
    legend_px = _legend_rows(fig, width) * 24
    margin = fig.layout.margin
    top = margin.t if margin.t is not None else 80
    wide: dict[str, Any] = {}
    if meta.get("title"):
        # The figure's title block is wrapped for a phone; an image has room for longer lines.
        args = (str(meta["title"]), str(meta.get("subtitle", "")))
        rows = int(meta.get("event_rows", 0))
        text, wide_top = heading(
            *args,
            event_rows=rows,
            title_chars=int((width - 60) / TITLE_PX_PER_CHAR),
            subtitle_chars=int((width - 60) / SUBTITLE_PX_PER_CHAR),
        )
        top += wide_top - heading(*args, event_rows=rows)[1]
        wide = {"title": {"text": text}}
    bottom = 50 + legend_px + text_block
    max_text = int(height * 0.45)
    if bottom > max_text + 50 + legend_px:
        # Very long source lists: shrink to fit rather than push the plot off the page.
        keep = max(1, (max_text - 2 * line_px) // line_px)
        lines = source_lines + note_lines
        if len(lines) > keep:
            lines = [*lines[: keep - 1], f"… and {len(lines) - keep + 1} more line(s)"]
        source_lines, note_lines = lines, []
        text_block = (len(source_lines) + 1) * line_px + 16
        bottom = 50 + legend_px + text_block
    left = margin.l if margin.l is not None else 60
    right = margin.r if margin.r is not None else 30
    layout: dict[str, Any] = {
        "width": width,
        "height": height,
        "margin": {"l": left, "r": right, "t": top, "b": bottom},
        **wide,
    }
    plot_h = max(1, height - top - bottom)
    plot_w = max(1, width - left - right)
    x_left = -(left - 12) / plot_w  # the figure's left edge, in the plot's paper units
    if legend_px and fig.layout.legend.orientation != "v":
        layout["legend"] = {"y": -(50 - 10) / plot_h, "yanchor": "top"}

    def y_at(px_from_bottom: float) -> float:
        return -(bottom - px_from_bottom) / plot_h

    px = text_block - 8
    added = []
    for i, line in enumerate(source_lines + note_lines):
        is_source = i < len(source_lines)
        added.append(
            dict(
                text=line,
                xref="paper",
                yref="paper",
                x=x_left,
                xanchor="left",
                y=y_at(px),
                yanchor="top",
                showarrow=False,
                align="left",
                font={
                    "size": small if is_source else small - 1,
                    "color": "#3e4c59" if is_source else "#616e7c",
                },
            )
        )
        px -= line_px
    added.append(
        dict(
            text=footer,
            xref="paper",
            yref="paper",
            x=1 + (right - 12) / plot_w,
            xanchor="right",
            y=y_at(line_px + 2),
            yanchor="top",
            showarrow=False,
            font={"size": small - 1, "color": "#9aa5b1"},
        )
    )
    return layout, added


def decorate(
    fig: go.Figure, *, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT
) -> go.Figure:
    """The figure as it should print: source line, notes and footer below the plot."""
    layout, added = _decoration(fig, width, height)
    out = go.Figure(fig)
    out.update_layout(layout)
    # Set at once: each add_annotation validates every annotation again.
    out.layout.annotations = (*out.layout.annotations, *added)
    return out


def decorated_dict(
    fig: go.Figure, *, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT
) -> dict[str, Any]:
    """:func:`decorate` as the plain figure data the browser draws, without building and
    validating a second figure (a tenth of a warm map export)."""
    layout, added = _decoration(fig, width, height)
    spec = fig.to_dict()
    target = spec.setdefault("layout", {})
    for name, value in layout.items():
        target[name] = {**target.get(name, {}), **value} if isinstance(value, dict) else value
    target["annotations"] = [*target.get("annotations", []), *added]
    return spec


def render(
    fig: go.Figure,
    fmt: str,
    *,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    decorated: bool = True,
    scale: float | None = None,
) -> bytes:
    """One image as bytes, in bounded time. Raises browser.ExportUnavailable without Chromium
    and browser.ExportFailed when the browser fails to start, crashes or hangs (it is then
    discarded, so the next call starts afresh). ``scale``: pixels per unit of a PNG (twice
    by default, sharp in a report; less for a thumbnail)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    height = export_height(fig, height)
    fig_dict = decorated_dict(fig, width=width, height=height) if decorated else fig.to_dict()
    opts = {
        "format": fmt,
        "width": width,
        "height": height,
        "scale": (scale or PNG_SCALE) if fmt == "png" else 1,
    }
    blob = browser.draw(fig_dict, opts)
    return _with_alt_text(blob, fmt, fig)


def _with_alt_text(blob: bytes, fmt: str, fig: go.Figure) -> bytes:
    """The image carries its title and description for readers of the report it goes in."""
    from indicators.charts.describe import description
    from indicators.export import alttext

    title = str((fig.layout.meta or {}).get("title", ""))
    if fmt == "png":
        return alttext.png(blob, title, description(fig))
    if fmt == "svg":
        return alttext.svg(blob, title, description(fig))
    return blob


def export_height(fig: go.Figure, height: int = DEFAULT_HEIGHT) -> int:
    """Tall charts (a Gantt of many projects) keep their height, plus room for the notes."""
    own = fig.layout.height or 0
    return max(height, own + 260) if own > height - 200 else height


def file_stem(fig: go.Figure) -> str:
    meta = fig.layout.meta or {}
    return str(meta.get("chart_id") or "chart")
