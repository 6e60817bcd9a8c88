"""Static images of charts (PNG, SVG, PDF) that stand on their own in a report.

The exported figure is the figure the dashboard drew, plus what a reader of a printed page
needs: the source line listing exactly the sources of the datapoints shown, the notes the
qualifiers need, and a discreet footer with the project's name and the data licence.

Rendering uses kaleido with the system's Chromium (Debian's ``chromium``; ``BROWSER_PATH``
overrides) and never downloads a browser. One browser process serves a whole batch.
"""

from __future__ import annotations

import html
import math
import os
import shutil
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

PROJECT = "China–Central Asia indicators"
LICENCE = "Data: CC BY 4.0"
FORMATS = ("png", "svg", "pdf")
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
        "csv": "text/csv"}
DEFAULT_WIDTH = 1000
DEFAULT_HEIGHT = 600
PNG_SCALE = 2
TOPOJSON_DIR = Path(__file__).resolve().parent.parent / "dashboard" / "static" / "topojson"
RENDER_TIMEOUT = 60

_LOCK = threading.Lock()
_server_started = False


class ExportUnavailable(RuntimeError):
    """No Chromium to render with: says which package to install."""


def chromium_path() -> str | None:
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_browser_message() -> str:
    return ("Image export needs Chromium on this machine and none was found. Install Debian's "
            "package: `sudo apt-get install chromium` (or set BROWSER_PATH to a Chrome or "
            "Chromium binary).")


def _configure() -> None:
    # An absolute file:// URI: a relative path would resolve against kaleido's temp page.
    pio.defaults.topojson = TOPOJSON_DIR.resolve().as_uri()
    pio.defaults.mathjax = None
    try:
        pio.defaults.headers = {}
    except AttributeError:  # older plotly
        pass


def start() -> None:
    """Start the shared browser process (idempotent)."""
    global _server_started
    path = chromium_path()
    if path is None:
        raise ExportUnavailable(missing_browser_message())
    _configure()
    if not _server_started:
        import kaleido

        os.environ.setdefault("BROWSER_PATH", path)
        kaleido.start_sync_server(mathjax=False, timeout=RENDER_TIMEOUT, silence_warnings=True)
        _server_started = True


def stop() -> None:
    global _server_started
    if _server_started:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _server_started = False


@contextmanager
def session() -> Iterator[None]:
    """One browser for a batch of images."""
    start()
    try:
        yield
    finally:
        stop()


def _wrap(text: str, width_px: int, font_px: float) -> list[str]:
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


def decorate(fig: go.Figure, *, width: int = DEFAULT_WIDTH,
             height: int = DEFAULT_HEIGHT) -> go.Figure:
    """The figure as it should print: source line, notes and footer below the plot."""
    out = go.Figure(fig)
    meta = dict(out.layout.meta or {})
    sources = list(meta.get("sources", []))
    notes = list(meta.get("notes", []))
    small = 11
    # Annotations render a subset of HTML: the text from the data is escaped after wrapping.
    source_lines = [html.escape(line) for line in _wrap(
        "Source: " + ("; ".join(sources) if sources else "none shown"), width - 40, small)]
    note_lines = [html.escape(line) for n in notes for line in _wrap(n, width - 40, small - 1)]
    footer = f"{PROJECT} · {LICENCE}"
    line_px = 15
    text_block = (len(source_lines) + len(note_lines) + 1) * line_px + 16
    legend_px = _legend_rows(out, width) * 24
    margin = out.layout.margin
    top = margin.t if margin.t is not None else 80
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
    out.update_layout(width=width, height=height,
                      margin={"l": left, "r": right, "t": top, "b": bottom})
    plot_h = max(1, height - top - bottom)
    plot_w = max(1, width - left - right)
    x_left = -(left - 12) / plot_w  # the figure's left edge, in the plot's paper units
    if legend_px and out.layout.legend.orientation != "v":
        out.update_layout(legend={"y": -(50 - 10) / plot_h, "yanchor": "top"})

    def y_at(px_from_bottom: float) -> float:
        return -(bottom - px_from_bottom) / plot_h

    px = text_block - 8
    for i, line in enumerate(source_lines + note_lines):
        is_source = i < len(source_lines)
        out.add_annotation(
            text=line, xref="paper", yref="paper", x=x_left, xanchor="left",
            y=y_at(px), yanchor="top", showarrow=False, align="left",
            font={"size": small if is_source else small - 1,
                  "color": "#3e4c59" if is_source else "#616e7c"})
        px -= line_px
    out.add_annotation(text=footer, xref="paper", yref="paper", x=1 + (right - 12) / plot_w,
                       xanchor="right",
                       y=y_at(line_px + 2), yanchor="top", showarrow=False,
                       font={"size": small - 1, "color": "#9aa5b1"})
    return out


def render(fig: go.Figure, fmt: str, *, width: int = DEFAULT_WIDTH,
           height: int = DEFAULT_HEIGHT, decorated: bool = True) -> bytes:
    """One image as bytes. Raises ExportUnavailable without Chromium."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    height = export_height(fig, height)
    figure = decorate(fig, width=width, height=height) if decorated else fig
    with _LOCK:  # kaleido's sync server answers one request at a time
        start()
        return pio.to_image(figure, format=fmt, width=width, height=height,
                            scale=PNG_SCALE if fmt == "png" else 1)


def export_height(fig: go.Figure, height: int = DEFAULT_HEIGHT) -> int:
    """Tall charts (a Gantt of many projects) keep their height, plus room for the notes."""
    own = fig.layout.height or 0
    return max(height, own + 260) if own > height - 200 else height


def file_stem(fig: go.Figure) -> str:
    meta = fig.layout.meta or {}
    return str(meta.get("chart_id") or "chart")
