"""Accessibility and small screens, measured in the real app: axe-core on every page, nothing
scrolling sideways on a phone or tablet, plot areas tall enough to read, chart text that
neither overlaps nor runs off the chart, and no raw id (snake_case, indicator id, entity code)
where a reader sees text. Each failure lists the offenders. Helpers are in a11y.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from . import a11y
from .helpers import open_page
from .test_pages import PAGES

pytestmark = pytest.mark.browser

DESKTOP = (1400, 900)
PHONE = (390, 844)
TABLET = (768, 1024)
MIN_PLOT_HEIGHT = 250
MIN_PLOT_WIDTH = 150  # a plot squeezed to a sliver by long labels beside it


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def cases(sizes: list[tuple[int, int]]) -> list:
    return [
        pytest.param(name, path, charts, size, id=f"{name}-{size_id(size)}")
        for size in sizes
        for name, path, charts in PAGES
    ]


def load(browser, server: str, path: str, charts: int, size: tuple[int, int]):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.add_init_script(a11y.COUNT_CALCS)
    try:
        open_page(page, f"{server}/{path}", charts=charts)
        a11y.settle(page)
    except Exception:
        page.close()
        raise
    return page


@dataclass
class Visit:
    layout: a11y.Layout
    axe: list[dict] | None  # at the axe sizes
    seen: a11y.Seen | None  # at the desktop size
    axe_opened: list[dict] | None = None  # at the desktop size, every expander opened
    tables_opened: int = 0  # data grids drawn once every expander is open (desktop)


AXE_SIZES = (DESKTOP, PHONE)


@pytest.fixture(scope="module")
def visit(browser, server: str) -> Callable[[str, int, tuple[int, int]], Visit]:
    """One load per page and size, measured once for every test below: the layout first,
    axe-core next, the text last (reading it opens expanders and drop-down lists)."""
    done: dict[tuple[str, tuple[int, int]], Visit | Exception] = {}

    def get(path: str, charts: int, size: tuple[int, int]) -> Visit:
        key = (path, size)
        if key not in done:
            try:
                page = load(browser, server, path, charts, size)
                try:
                    layout = a11y.measure_layout(page)
                    axe = a11y.run_axe(page) if size in AXE_SIZES else None
                    opened = seen = None
                    tables = 0
                    if size == DESKTOP:
                        if a11y.open_expanders(page):
                            opened = a11y.run_axe(page)
                        tables = page.locator(
                            "[data-testid=stMain] [data-testid=stDataFrame]"
                        ).count()
                        seen = a11y.visible_text(page)
                    done[key] = Visit(layout, axe, seen, opened, tables)
                finally:
                    page.close()
            except Exception as exc:  # kept, raised again by every test of this page and size
                done[key] = exc
        found = done[key]
        if isinstance(found, Exception):
            raise found
        return found

    return get


ARGS = ("name", "path", "charts", "size")

# --- 1. axe-core ----------------------------------------------------------------------------


@pytest.mark.parametrize(ARGS, cases(list(AXE_SIZES)))
def test_axe_finds_no_violations(
    visit, name: str, path: str, charts: int, size: tuple[int, int]
) -> None:
    """axe.run(document) once the page settled; any violation of any rule fails."""
    violations = visit(path, charts, size).axe
    assert violations == [], (
        f"axe-core on {name} at {size_id(size)}: {len(violations)} rule(s) violated\n"
        + a11y.describe_axe(violations)
    )


@pytest.mark.parametrize(("name", "path", "charts"), PAGES, ids=[p[0] for p in PAGES])
def test_axe_finds_no_violations_in_opened_expanders(
    visit, name: str, path: str, charts: int
) -> None:
    """At 1400x900 with every expander of the main area opened (their content is hidden from
    the first run): only what the first run did not already report."""
    got = visit(path, charts, DESKTOP)
    # Every chart's Data view, filled on the rerun its opening asks for, is on the page.
    assert got.tables_opened >= charts, f"{name}: {got.tables_opened} tables for {charts} charts"
    before = {(v["id"], tuple(map(str, n["target"]))) for v in got.axe or [] for n in v["nodes"]}
    new = []
    for v in got.axe_opened or []:
        nodes = [n for n in v["nodes"] if (v["id"], tuple(map(str, n["target"]))) not in before]
        if nodes:
            new.append({**v, "nodes": nodes})
    assert not new, (
        f"axe-core on {name} at 1400x900, expanders opened: {len(new)} rule(s) violated "
        "besides those of the closed page\n" + a11y.describe_axe(new)
    )


# --- 2. small screens -----------------------------------------------------------------------

SMALL = cases([PHONE, TABLET])


@pytest.mark.parametrize(ARGS, SMALL)
def test_nothing_scrolls_sideways(
    visit, name: str, path: str, charts: int, size: tuple[int, int]
) -> None:
    got = visit(path, charts, size).layout
    problems = []
    if got.scroll_width > got.inner_width:
        problems.append(f"document scrollWidth {got.scroll_width} > innerWidth {got.inner_width}")
    # Streamlit scrolls inside its own containers, where the document's width would not show it
    for testid, (scroll, client) in got.scrollers.items():
        if scroll > client + 1:
            problems.append(f"[data-testid={testid}] scrollWidth {scroll} > clientWidth {client}")
    assert not problems, (
        f"{name} at {size_id(size)} scrolls sideways: {'; '.join(problems)}"
        "\nsticking out on the right:\n  " + "\n  ".join(got.wide)
    )


@pytest.mark.parametrize(ARGS, SMALL)
def test_plot_areas_are_tall_enough(
    visit, name: str, path: str, charts: int, size: tuple[int, int]
) -> None:
    """The drag rect of each cartesian subplot, the frame of each map (its background rect,
    which is also its clip path: the g.geo group is wider, labels past the frame count in it)."""
    got = visit(path, charts, size).layout
    assert len(got.charts) >= charts
    short = []
    for chart in got.charts:
        if not chart.areas:
            short.append(f"{chart.label}: no plot area found (neither .nsewdrag nor g.geo)")
        for area in chart.areas:
            if area["height"] < MIN_PLOT_HEIGHT:
                short.append(
                    f"{chart.label}: {area['kind'].strip()} plot area "
                    f"{area['width']:.0f}x{area['height']:.0f}px (chart "
                    f"{chart.frame[2] - chart.frame[0]:.0f}x"
                    f"{chart.frame[3] - chart.frame[1]:.0f}px)"
                )
    assert not short, (
        f"{name} at {size_id(size)}: plot areas under {MIN_PLOT_HEIGHT}px tall:"
        "\n  " + "\n  ".join(short)
    )


@pytest.mark.parametrize(ARGS, SMALL)
def test_plot_areas_are_wide_enough(
    visit, name: str, path: str, charts: int, size: tuple[int, int]
) -> None:
    got = visit(path, charts, size).layout
    narrow = [
        f"{chart.label}: {area['kind'].strip()} plot area {area['width']:.0f}x"
        f"{area['height']:.0f}px in a chart {chart.frame[2] - chart.frame[0]:.0f}px wide"
        for chart in got.charts
        for area in chart.areas
        if area["width"] < MIN_PLOT_WIDTH
    ]
    assert not narrow, (
        f"{name} at {size_id(size)}: plot areas under {MIN_PLOT_WIDTH}px wide:"
        "\n  " + "\n  ".join(narrow)
    )


@pytest.mark.parametrize(ARGS, SMALL)
def test_sidebar_does_not_cover_the_page(
    visit, name: str, path: str, charts: int, size: tuple[int, int]
) -> None:
    """On a phone or tablet the page opens readable: the sidebar collapsed, or beside the
    content, never drawn over it."""
    got = visit(path, charts, size).layout
    side, main = got.sidebar, got.main
    if side is None or main is None or side[2] <= 1:
        return
    covered = side[2] - max(side[0], main[0])
    assert covered <= 1, (
        f"{name} at {size_id(size)}: the sidebar (x {side[0]:.0f}..{side[2]:.0f}, "
        f"aria-expanded={got.sidebar_expanded}) is drawn over {covered:.0f}px of the main area "
        f"(x {main[0]:.0f}..{main[2]:.0f}) when the page opens"
    )


@pytest.mark.parametrize(ARGS, SMALL)
def test_chart_texts_do_not_overlap(
    visit, name: str, path: str, charts: int, size: tuple[int, int]
) -> None:
    """Legend entries, annotations (event labels), title lines, tick labels and axis titles of
    one chart, visible ones only (a legend entry scrolled out of the legend's window is not),
    intersecting by more than 2px both ways."""
    got = visit(path, charts, size).layout
    clashes = [
        f"{chart.label}: {a11y.describe_overlap(*pair)}"
        for chart in got.charts
        for pair in a11y.overlaps(chart.texts)
    ]
    assert not clashes, (
        f"{name} at {size_id(size)}: {len(clashes)} overlapping chart text(s):"
        "\n  " + "\n  ".join(clashes)
    )


@pytest.mark.parametrize(ARGS, SMALL)
def test_chart_text_is_not_cut_off(
    visit, name: str, path: str, charts: int, size: tuple[int, int]
) -> None:
    """Titles, ticks, legend entries and labels wider than the chart are clipped by its SVG."""
    got = visit(path, charts, size).layout
    cut = [f"{chart.label}: {line}" for chart in got.charts for line in a11y.cut_off(chart)]
    assert not cut, (
        f"{name} at {size_id(size)}: {len(cut)} chart text(s) cut off:\n  " + "\n  ".join(cut)
    )


@pytest.mark.parametrize(ARGS, cases([DESKTOP, TABLET, PHONE]))
def test_charts_are_drawn_once(
    visit, name: str, path: str, charts: int, size: tuple[int, int]
) -> None:
    """Each chart is computed from its data once and drawn once: Streamlit's second pass
    after mounting finds the same data revision (dashboard.ui.data_revision), and the
    margins hold the axis labels, so Plotly's automargin does not draw it again
    (indicators.charts.margins). A chart drawn twice costs twice the main thread."""
    got = visit(path, charts, size).layout
    assert len(got.charts) >= charts
    twice = [
        f"{chart.label}: computed {chart.calcs} times" for chart in got.charts if chart.calcs != 1
    ]
    twice += [
        f"{chart.label}: drawn again to widen its margins for the axis labels"
        for chart in got.charts
        if chart.redrawn
    ]
    assert not twice, f"{name} at {size_id(size)}:\n  " + "\n  ".join(twice)


# --- 3. raw ids -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "path", "charts"), PAGES, ids=[p[0] for p in PAGES])
def test_no_raw_ids_in_visible_text(visit, name: str, path: str, charts: int) -> None:
    """At 1400x900: the main area's rendered text (expanders opened, icon ligatures skipped),
    every chart's SVG text, the options of its select boxes and multiselects (each list opened
    and scrolled through), and the dataframes' headers and cells as far as the grid exposes
    them. The cells are drawn on a canvas (glide-data-grid); only the part in view is in the
    DOM, in glide's accessibility table, so each grid is scrolled across all its columns and
    down its first a11y.GRID_SCREENS screens: rows past those are not read, nor are tooltips,
    the sidebar or the URL bar. Addresses (URLs, e-mails) and sources' own titles and
    publishers, cited verbatim, are set apart (see a11y.raw_ids)."""
    seen = visit(path, charts, DESKTOP).seen
    assert seen is not None and seen.main, f"no text read on {name}"
    found = a11y.raw_ids(seen)
    assert not found, f"{name}: {len(found)} raw id(s) shown to the reader:\n  " + "\n  ".join(
        f"{word}  <- {' | '.join(places)}" for word, places in sorted(found.items())
    )


# --- the detectors themselves, on pages whose answer is known --------------------------------

FAKE_CHART = """
<div class="js-plotly-plot" style="width:400px;height:300px">
 <svg class="main-svg" width="400" height="300" style="position:absolute;left:0;top:0">
  <text class="gtitle" x="10" y="20"><tspan class="line" x="10" y="20">Title</tspan>
   <tspan class="line" x="10" y="46">Subtitle</tspan></text>
  <g class="xtick"><text x="100" y="280" font-size="12">2020</text></g>
  <g class="xtick"><text x="160" y="280" font-size="12">2021</text></g>
  <g class="ytick"><text x="30" y="100" font-size="12">10</text></g>
  <g class="annotation"><text class="annotation-text" x="100" y="276">Summit</text></g>
  <g class="annotation"><text class="annotation-text" x="380" y="120">Past the edge</text></g>
  <g class="annotation" style="opacity:0"><text class="annotation-text" x="160" y="276">Hidden
   </text></g>
  <g class="legend"><rect class="bg" x="300" y="50" width="90" height="30"></rect>
   <text class="legendtext" x="310" y="70">Kazakhstan</text>
   <text class="legendtext" x="310" y="160">Scrolled away</text></g>
  <g class="ytick"><text x="300" y="160" font-size="12">Under it</text></g>
  <g class="xtick"><text x="60" y="230" transform="rotate(-45,60,230)">Turned label A</text></g>
  <g class="xtick"><text x="100" y="230" transform="rotate(-45,100,230)">Turned label B</text>
  </g>
  <g class="xtick"><text x="108" y="230" transform="rotate(-45,108,230)">Turned label C</text>
  </g>
  <g class="draglayer"><rect class="nsewdrag" data-subplot="xy" x="50" y="60" width="300"
   height="200"></rect></g>
 </svg>
</div>"""


def test_overlap_detector_on_a_known_chart(browser) -> None:
    page = browser.new_page(viewport={"width": 600, "height": 400})
    try:
        page.set_content(f"<body style='margin:0'>{FAKE_CHART}</body>")
        (chart,) = a11y.measure_layout(page).charts
    finally:
        page.close()
    texts = {t["text"] for t in chart.texts}
    assert "Hidden" not in texts and "Scrolled away" not in texts  # invisible, out of legend
    assert {"Title", "Subtitle", "2020", "2021", "10", "Summit", "Kazakhstan"} <= texts
    pairs = {frozenset((a["text"], b["text"])) for a, b, _, _ in a11y.overlaps(chart.texts)}
    # Turned labels 40px apart: their upright bounding boxes overlap, the labels do not; 8px
    # apart (5.7px across their baselines), they do
    assert pairs == {frozenset(("2020", "Summit")), frozenset(("Turned label B", "Turned label C"))}
    (cut,) = a11y.cut_off(chart)
    assert cut.startswith("annotation 'Past the edge' runs")
    assert chart.areas == [{"kind": "cartesian xy", "width": 300, "height": 200}]
    assert a11y.overlaps([{"box": [0, 0, 10, 10]}, {"box": [8, 0, 20, 10]}]) == []  # 2px: fine


def test_sideways_scroll_is_measured(browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 600})
    try:
        page.set_content(
            "<body style='margin:0'><div id='ok' style='width:380px'>fits</div>"
            "<div style='overflow-x:auto;width:380px'><div style='width:900px'>own"
            " scroll</div></div><p class='too-wide' style='width:700px'>wide</p>"
            "</body>"
        )
        got = a11y.measure_layout(page)
    finally:
        page.close()
    assert got.scroll_width == 700 and got.inner_width == 390
    assert len(got.wide) == 1 and got.wide[0].startswith("p.too-wide right=700")


def test_axe_finds_low_contrast_and_passes_a_clean_page(browser) -> None:
    page = browser.new_page()
    try:
        page.set_content(
            "<html lang='en'><head><title>t</title></head><body><main><h1>Fine</h1>"
            "<p style='color:#bbb;background:#fff'>faint</p></main></body></html>"
        )
        bad = a11y.run_axe(page)
        page.set_content(
            "<html lang='en'><head><title>t</title></head><body><main><h1>Fine</h1>"
            "<p style='color:#222;background:#fff'>clear</p></main></body></html>"
        )
        good = a11y.run_axe(page)
    finally:
        page.close()
    assert [v["id"] for v in bad] == ["color-contrast"]
    assert "contrast 1.9" in a11y.describe_axe(bad)
    assert good == []


def test_raw_id_detector() -> None:
    cited = a11y.catalog().quoted  # a source's title quoted as it is, e.g. "CNPC plans to ..."
    seen = a11y.Seen(
        main=[
            "Trade with Kazakhstan",
            "see https://x.org/a_b/c",
            "trade_total",
            "CHN–KAZ",
            "Central Asia (C5)",
            "CHNX",
            "per_cent",
            "first in-person C+C5 summit",
            *cited[:2],
        ],
        charts=["fdi_inflow"],
        grids=["Total trade"],
        options=["Exports"],
    )
    found = a11y.raw_ids(seen)
    assert set(found) == {
        "indicator id trade_total",
        "indicator id fdi_inflow",
        "snake_case per_cent",
        "entity code CHN",
        "entity code KAZ",
        "entity code C5",
    }
    assert found["entity code C5"] == ["text: 'Central Asia (C5)'"]
