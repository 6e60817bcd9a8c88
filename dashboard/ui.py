"""Small Streamlit components shared by the pages: charts with their download control,
the data-problems banner, and safe text.

Text that comes from the data is never rendered as HTML; where Streamlit would read it as
Markdown, it goes through :func:`md` first.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from plotly.basedatatypes import BaseFigure

from dashboard.loading import TOPOJSON_URL
from indicators import Dataset
from indicators.charts import payload, style
from indicators.charts.describe import description
from indicators.export import browser
from indicators.export import images as export
from indicators.frames import roles
from indicators.frames.tidy import MIRROR_NOTE

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|:$~&=])")


def md(text: object) -> str:
    """Data text made inert for Streamlit Markdown: no links, images, HTML, LaTeX,
    colour directives or emoji shortcodes, only the characters themselves."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


# The toolbar keeps what a reader uses: save as PNG, and back to the whole chart.
MODEBAR = {"geo": ["toImage", "resetGeo"], "cartesian": ["toImage", "resetScale2d"]}


def plot_config(fig: go.Figure) -> dict[str, Any]:
    meta = fig.layout.meta or {}
    geo = style.is_map(fig)
    return {
        "topojsonURL": TOPOJSON_URL,
        "displaylogo": False,
        "modeBarButtons": [MODEBAR["geo" if geo else "cartesian"]],
        "toImageButtonOptions": {
            "format": "png",
            "filename": str(meta.get("chart_id", "chart")),
            "scale": 2,
            "width": export.DEFAULT_WIDTH,
            "height": export.export_height(fig),
        },
    }


class _Serialised(BaseFigure):
    """A figure already reduced to plain JSON data.

    ``st.plotly_chart`` calls ``to_dict()`` on a figure (a deep copy and a walk of every
    value: 0.2 s for a figure of 4,000 points) and then encodes the result; a plain ``dict``
    it would validate through a new ``go.Figure`` instead, which costs more. This stands in
    for the figure and answers ``to_dict()`` with data computed once per figure, so a rerun
    only pays for the JSON encoding (about 15 ms per MB)."""

    def __init__(self, spec: dict[str, Any]) -> None:  # no BaseFigure state: never edited
        object.__setattr__(self, "_spec", spec)

    def to_dict(self) -> dict[str, Any]:
        return self._spec  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return "<serialised figure>"


def serialised(fig: go.Figure) -> dict[str, Any]:
    """``fig`` as plain JSON data (strings, numbers, lists, dicts), computed once per figure
    object and kept on it. The figures pages draw come from :mod:`dashboard.cached` and are
    shared and never modified, so the same object always has the same JSON. It is the chart
    as plotly draws it once: its template baked in and its data revision set, so Streamlit
    handing it over a second time costs nothing."""
    spec = getattr(fig, "_dashboard_spec", None)
    if spec is None:
        spec = payload.bake_template(payload.compact(json.loads(pio.to_json(fig, validate=False))))
        spec["layout"]["datarevision"] = data_revision(spec["data"])
        # plotly validates attribute names on figures; this one is ours, not a property
        object.__setattr__(fig, "_dashboard_spec", spec)
    return spec  # type: ignore[no-any-return]


def data_revision(traces: list[dict[str, Any]]) -> str:
    """A digest of the traces' data, for plotly's ``layout.datarevision``.

    Streamlit draws a chart, then applies its theme once it has mounted and hands plotly the
    same data in new arrays. Without a data revision plotly takes new arrays for new data and
    computes and draws the whole chart again (twice the main thread at every page load).
    With one, it compares the revisions instead: the same data keeps the chart as drawn, other
    data (a filter changed) has another digest and is drawn."""
    text = json.dumps(traces, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


ChartData = pd.DataFrame | Callable[[], pd.DataFrame] | None


def _table_of(fig: go.Figure, table: pd.DataFrame | Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The "Data" view's frame, made once per figure object and kept on it like its JSON: a
    page passes the table of exactly what ``fig`` draws, so the same figure has the same
    table, and a rerun with unchanged filters does not label every datapoint again."""
    if not callable(table):
        return table
    frame = getattr(fig, "_dashboard_table", None)
    if frame is None:
        frame = table()
        object.__setattr__(fig, "_dashboard_table", frame)
    return frame  # type: ignore[no-any-return]


def chart_box(key: str) -> str:
    """The key of a chart's container: a digest, so no text from the data (a project id in
    a key) ever reaches the page's CSS."""
    return "chart-" + hashlib.blake2b(key.encode(), digest_size=5).hexdigest()


def folded(label: str, *, key: str, icon: str | None = None) -> Any:
    """An expander whose content is made only while it is open: the container to fill, or
    None while closed. Opening it reruns the page (its figures are cached). A closed table
    still costs the browser its drawing: three closed "Data" tables took a third of a second
    of the Overview's main thread (Lighthouse's blocking time), and the server a table's
    labelling and Arrow encoding each."""
    view = st.expander(label, icon=icon, key=key, on_change="rerun")
    return view if view.open else None


def data_view_key(key: str) -> str:
    """The session-state key of the "Data" view under the chart keyed ``key`` (True: open)."""
    return f"{chart_box(key)}-data"


def chart(
    fig: go.Figure,
    *,
    key: str,
    data: ChartData = None,
    on_select: str = "ignore",
    selection_mode: Any = ("points",),
    empty: str | None = None,
    table: ChartData = None,
) -> Any:
    """Draw a figure in its own colours, named and described for screen readers, its height
    reserved before it draws, with a "Data" view of exactly what is drawn (``table``, a
    readable frame, or a function giving it) and a download control (PNG, SVG, PDF and the
    CSV of ``data``) that never reruns the page. A figure that draws no datapoint is not
    drawn: ``empty`` (or a general note) says why instead."""
    spec = serialised(fig)
    meta = fig.layout.meta or {}
    if style.points_drawn(spec.get("data", [])) == 0:
        title = meta.get("title", "This chart")
        st.info(
            md(
                empty
                or f"{title}: no datapoint to draw yet. Widen the filters, or add "
                "datapoints to the dataset (see data/README.md)."
            )
        )
        return None
    box = chart_box(key)
    height = int(fig.layout.height or 450)
    # Reserved before the chart draws, so nothing below it moves (layout shift).
    st.html(f"<style>.st-key-{box} .stPlotlyChart{{min-height:{height}px}}</style>")
    with st.container(key=box):
        with st.container(key=f"{box}-desc"):
            st.caption(md(f"Chart: {description(fig)}"))
        event = st.plotly_chart(
            _Serialised(spec),
            theme=None,
            key=key,
            on_select=on_select,
            selection_mode=selection_mode,
            config=plot_config(fig),
            width="stretch",
        )
        notes = [n for n in meta.get("notes", []) if n != MIRROR_NOTE]
        if notes:
            st.caption(md(" ".join(n if n.endswith(".") else f"{n}." for n in notes)))
    below = st.columns(2)
    with below[0]:
        download_menu(fig, key=key, data=data)
    if table is not None:
        with below[1]:
            view = folded("Data", key=data_view_key(key), icon=":material/table:")
            if view is not None:
                with view:
                    frame = _table_of(fig, table)
                    st.dataframe(
                        frame, hide_index=True, width="stretch", column_config=link_columns(frame)
                    )
    return event


def link_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """Source addresses as links (http(s) only: frames.http_url made sure)."""
    return {c: st.column_config.LinkColumn(c) for c in ("Link", "Address") if c in frame}


def _image(fig: go.Figure, fmt: str) -> Callable[[], bytes]:
    def make() -> bytes:
        return export.render(fig, fmt)

    return make


def download_menu(fig: go.Figure, *, key: str, data: ChartData) -> None:
    stem = export.file_stem(fig)
    available = browser.chromium_path() is not None
    # An expander, not a popover: its buttons follow it in the tab order.
    with st.expander("Download", icon=":material/download:"):
        failure = browser.last_failure()
        if available and failure:  # a browser that crashed or hung: said once, plainly
            st.warning(failure)
        if available:
            st.caption(
                "Images carry the title, the sources of the datapoints shown, the "
                "notes on qualifiers and the data licence."
            )
        else:
            st.warning(
                "PNG, SVG and PDF export is not available on this server: Chromium is "
                "not installed (`apt-get install chromium`). The camera button on the "
                "chart still saves a PNG from your browser."
            )
        cols = st.columns(4)
        for col, fmt in zip(cols, export.FORMATS, strict=False):
            col.download_button(
                fmt.upper(),
                data=_image(fig, fmt) if available else b"",
                file_name=f"{stem}.{fmt}",
                mime=export.MIME[fmt],
                on_click="ignore",
                key=f"{key}-dl-{fmt}",
                disabled=not available,
                width="stretch",
            )
        # Deferred like the images: a page's rerun must not serialise its data each time.
        csv = _csv(data) if data is not None else b""
        cols[3].download_button(
            "CSV",
            data=csv,
            file_name=f"{stem}.csv",
            mime="text/csv",
            on_click="ignore",
            key=f"{key}-dl-csv",
            disabled=data is None,
            width="stretch",
        )


def _csv(data: pd.DataFrame | Callable[[], pd.DataFrame]) -> Callable[[], bytes]:
    def make() -> bytes:
        frame = data() if callable(data) else data
        return frame.to_csv(index=False).encode("utf-8")

    return make


# The page's own styles: contrast, words kept whole, the chart descriptions for screen
# readers only, no chart toolbar on touch screens. Nothing from the data is in here.
CSS = """
<style>
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4b5563; }
[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"] {
  word-break: normal; overflow-wrap: break-word; hyphens: manual; }
div[class*="st-key-chart-"][class*="-desc"] {
  position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
div[class*="st-key-card-value"] p { font-size: 1.6rem; font-weight: 700; line-height: 1.25;
  margin: 0.1rem 0 0.3rem; color: #1f2933; }
@media (hover: none) { .modebar-container { display: none !important; } }
</style>
"""


def styles() -> None:
    st.html(CSS)


def current_dataset() -> Dataset:
    """The dataset for this rerun, with the banner that lists its problems (if any)."""
    from dashboard.loading import page_dataset

    ds = page_dataset()
    problems_banner(ds)
    return ds


def problems_banner(ds: Dataset) -> None:
    """With errors in the data: say so, list them, and go on with what is valid."""
    report = ds.report
    if report.valid:
        return
    errors = report.errors
    with st.expander(
        f"⚠️ {len(errors)} problem(s) in the data files: the affected records are "
        "left out, everything valid is shown",
        expanded=False,
    ):
        lines = [
            f"{p.file}:{p.line}: {p.message}" for p in report.sorted() if p.severity == "error"
        ][:200]
        st.code("\n".join(lines), language=None)
        st.caption("Run `indicators validate data` for the full report with hints.")


def cite(ds: Dataset, source_ids: list[str] | pd.Series, label: str = "Source") -> None:
    from indicators.frames.formatting import source_label

    ids = list(dict.fromkeys(s for s in source_ids if isinstance(s, str)))
    if not ids:
        return
    text = "; ".join(source_label(ds.sources, s) for s in ids[:12])
    more = f" and {len(ids) - 12} more" if len(ids) > 12 else ""
    st.caption(f"{md(label)}: {md(text)}{md(more)}")


def caption_label(container: Any, label: str) -> None:
    """A control's visible label, drawn as a caption above it.

    Streamlit draws a control as a 40 px placeholder until the control's code has loaded,
    then 68 px tall with its label: everything below moved (a layout shift of up to 0.19 on
    a phone). With the control's own label collapsed (screen readers still get it, as the
    input's name) the control is as tall as its placeholder, and the caption, plain text, is
    there from the first paint."""
    container.caption(md(label))


def choose(
    container: Any,
    label: str,
    options: list[Any],
    wanted: Any,
    default: Any,
    *,
    key: str,
    format_func: Callable[[Any], str] = str,
) -> Any:
    """One choice among ``options``: the URL's (``wanted``) where it is one of them, else
    ``default``; labelled by a caption (see :func:`caption_label`)."""
    from dashboard.state import pick_one

    caption_label(container, label)
    return container.selectbox(
        label,
        options,
        index=options.index(pick_one(wanted, options, default)),
        format_func=format_func,
        key=key,
        label_visibility="collapsed",
    )


def partner_picker(
    container: Any, ds: Dataset, shared: dict[str, Any], key: str, view: str | None = None
) -> list[str]:
    """The partners filter shared by the pages (and the URL): the dataset's group and
    declared partners first, then every other counterpart the data holds."""
    from dashboard import cached
    from dashboard.state import pick_list

    options = cached.counterparts(ds, view)
    default = cached.default_partners(ds, view)
    labels = roles.names(ds)
    wanted = shared.get("partners")
    if view not in (None, ds.relationship.focus) and not set(wanted or ()) <= set(options):
        wanted = None  # partners chosen for another reporter: start from this one's
    caption_label(container, "Partners")
    return container.multiselect(
        "Partners",
        options,
        default=pick_list(wanted, options, default),
        format_func=lambda p: labels.get(p, p),
        key=key,
        label_visibility="collapsed",
    )


def guard(render: Callable[[], None]) -> None:
    """Run a page; any unexpected error becomes a short message, never a traceback."""
    try:
        render()
    except Exception as exc:  # the user sees what happened, not the stack
        st.error(
            f"This view could not be drawn ({type(exc).__name__}). The rest of the "
            "dashboard is unaffected; please report this with the page's URL."
        )


def years_slider(
    container: Any, bounds: tuple[int, int], shared: dict[str, Any], key: str
) -> tuple[int, int]:
    """The year range shared by the pages (and the URL); no slider when there is one year."""
    from dashboard.state import pick_range

    if bounds[0] >= bounds[1]:
        return bounds
    caption_label(container, "Years")
    return container.slider(
        "Years",
        bounds[0],
        bounds[1],
        pick_range(shared.get("from"), shared.get("to"), bounds),
        key=key,
        label_visibility="collapsed",
    )
