"""Measurements for test_a11y.py: axe-core, sideways scrolling, plot areas, overlapping chart
text and raw ids in what a reader sees. Plain functions on a Playwright page; each returns data
and a ``describe_*`` turns offenders into a failure message an engineer can act on."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

# --- axe-core -------------------------------------------------------------------------------


def run_axe(page) -> list[dict]:
    """axe-core's violations on the whole document (every rule axe runs by default)."""
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `npm ci` in tests/browser")
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return list(result["violations"])


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _node_message(node: dict) -> str:
    """The reason axe gives for one node, with the numbers of a contrast failure."""
    for check in node.get("any", []) + node.get("all", []) + node.get("none", []):
        data = check.get("data")
        if isinstance(data, dict) and "contrastRatio" in data:
            return (
                f"contrast {data.get('contrastRatio')} (fg {data.get('fgColor')} on bg "
                f"{data.get('bgColor')}, {data.get('fontSize')} "
                f"{data.get('fontWeight')}; needs {data.get('expectedContrastRatio')})"
            )
        if check.get("message"):
            return _short(check["message"], 200)
    return _short(node.get("failureSummary", ""), 200)


def describe_axe(violations: list[dict], per_rule: int = 3) -> str:
    lines = []
    for v in violations:
        nodes = v.get("nodes", [])
        lines.append(f"- {v['id']} ({v.get('impact')}, {len(nodes)} element(s)): {v.get('help')}")
        for node in nodes[:per_rule]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    target: {_short(target, 220)}")
            lines.append(f"      html: {_short(node.get('html', ''), 160)}")
            lines.append(f"      why:  {_node_message(node)}")
        if len(nodes) > per_rule:
            # Every distinct reason, so the colours of all the nodes left out are still listed.
            rest = sorted(
                {_node_message(n) for n in nodes[per_rule:]}
                - {_node_message(n) for n in nodes[:per_rule]}
            )
            lines.append(
                f"    … {len(nodes) - per_rule} more"
                + (f"; other reasons: {'; '.join(rest[:6])}" if rest else "")
            )
    return "\n".join(lines)


# --- layout ---------------------------------------------------------------------------------

# Elements sticking out at the right of the viewport, outermost first, skipping what sits in a
# container that scrolls or clips on its own (a table's inner scroll is fine) and SVG innards.
_LAYOUT_JS = """() => {
  const W = window.innerWidth;
  const describe = e => {
    const id = e.getAttribute('data-testid');
    const cls = (e.getAttribute('class') || '').split(/\\s+/)
      .filter(c => c && !c.startsWith('st-emotion') && !/^e[0-9a-z]{6,}$/.test(c))
      .slice(0, 3).join('.');
    return e.tagName.toLowerCase() + (id ? `[data-testid=${id}]` : '') + (cls ? '.' + cls : '');
  };
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible') return a;
    }
    return null;
  };
  const wide = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (e.closest('svg') && e.tagName.toLowerCase() !== 'svg') continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= W + 1) continue;
    const p = e.parentElement;
    const pr = p ? p.getBoundingClientRect() : null;
    if (pr && pr.right > W + 1) continue;  // the parent already sticks out: report that one
    const c = clipped(e);
    if (c && c.getBoundingClientRect().right <= W + 1) continue;
    wide.push(`${describe(e)} right=${Math.round(r.right)} width=${Math.round(r.width)}`
              + ` "${(e.innerText || e.textContent || '').trim().slice(0, 50)}"`);
  }
  const scrollers = {};
  for (const id of ['stApp', 'stAppViewContainer', 'stMain', 'stMainBlockContainer']) {
    const e = document.querySelector(`[data-testid=${id}]`);
    if (e) scrollers[id] = [e.scrollWidth, e.clientWidth];
  }
  const side = document.querySelector('[data-testid=stSidebar]');
  const main = document.querySelector('[data-testid=stMain]');
  const rect = e => { if (!e) return null; const r = e.getBoundingClientRect();
                      return [r.left, r.top, r.right, r.bottom]; };
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: W, scrollers,
          wide: wide.slice(0, 12), sidebar: side && side.checkVisibility() ? rect(side) : null,
          sidebarExpanded: side ? side.getAttribute('aria-expanded') : null, main: rect(main)};
}"""

# Each chart: its title, the size of its plot areas and the boxes of its visible text.
_CHARTS_JS = """() => {
  const box = r => [r.left, r.top, r.right, r.bottom];
  const meet = (a, b) => [Math.max(a[0], b[0]), Math.max(a[1], b[1]),
                          Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  const shown = e => e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const out = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot, index) => {
    const svg = plot.querySelector('.main-svg');
    const frame = box((svg || plot).getBoundingClientRect());
    const title = plot.querySelector('.gtitle');
    const name = title ? (title.querySelector('tspan.line') || title).textContent.trim() : '';
    const areas = [];
    for (const d of plot.querySelectorAll('.draglayer .nsewdrag')) {
      const r = d.getBoundingClientRect();
      areas.push({kind: 'cartesian ' + (d.getAttribute('data-subplot') || ''),
                  width: r.width, height: r.height});
    }
    // A map's plot area is its frame (the background rect, also its clip path); the g.geo
    // group itself is wider, as labels outside the frame count in its bounding box.
    for (const r0 of plot.querySelectorAll('g.geo > .layer.bg > rect')) {
      const r = r0.getBoundingClientRect();
      areas.push({kind: 'geo', width: r.width, height: r.height});
    }
    const texts = [];
    // The text's own box turned as the text is (a tick label at 45 degrees): its bounding box
    // in its own coordinates through its transform to the viewport; null where SVG cannot say.
    const quadOf = el => {
      try {
        const b = el.getBBox(), m = el.getScreenCTM();
        if (!m || !b.width || !b.height) return null;
        const pt = (x, y) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f];
        return [pt(b.x, b.y), pt(b.x + b.width, b.y), pt(b.x + b.width, b.y + b.height),
                pt(b.x, b.y + b.height)];
      } catch (e) { return null; }
    };
    const add = (kind, el, clip) => {
      const text = (el.textContent || '').replace(/\\u200b/g, '').trim();
      if (!text || !shown(el)) return;
      let b = box(el.getBoundingClientRect());
      let quad = quadOf(el);
      if (clip) {
        const c = meet(b, clip);
        if (c.join() !== b.join()) quad = null;  // cut by the legend's window: keep the cut box
        b = c;
      }
      if (b[2] - b[0] < 1 || b[3] - b[1] < 1) return;
      texts.push({kind, text, box: b, quad});
    };
    plot.querySelectorAll('.legend').forEach(legend => {
      const bg = legend.querySelector('rect.bg');
      const clip = bg ? box(bg.getBoundingClientRect()) : null;  // a scrolled legend's window
      legend.querySelectorAll('.legendtext').forEach(e => add('legend', e, clip));
    });
    plot.querySelectorAll('.annotation-text').forEach(e => add('annotation', e, null));
    plot.querySelectorAll('.gtitle, .gtitle-subtitle').forEach(t => {
      const lines = t.querySelectorAll(':scope > tspan.line');
      if (lines.length) {
        lines.forEach((l, i) => add(i ? 'title line ' + (i + 1) : 'title', l, null));
      }
      else add(t.classList.contains('gtitle') ? 'title' : 'subtitle', t, null);
    });
    plot.querySelectorAll('.xtick > text').forEach(e => add('x tick', e, null));
    plot.querySelectorAll('.ytick > text').forEach(e => add('y tick', e, null));
    plot.querySelectorAll('text.xtitle').forEach(e => add('x axis title', e, null));
    plot.querySelectorAll('text.ytitle').forEach(e => add('y axis title', e, null));
    // Plotly keeps this key once its automargin has redrawn the chart (labels that needed
    // more room than the margins gave): the whole chart was drawn twice.
    const redrawn = !!plot._fullLayout && '_redrawFromAutoMarginCount' in plot._fullLayout;
    out.push({index, name, frame, areas, texts, redrawn, calcs: plot.__calcs || 0});
  });
  return out;
}"""


@dataclass
class Chart:
    index: int
    name: str
    frame: list[float]
    areas: list[dict]
    texts: list[dict]
    redrawn: bool = False  # Plotly drew it a second time to widen its margins
    calcs: int = 0  # times Plotly computed it from its data (with COUNT_CALCS in the page)

    @property
    def label(self) -> str:
        return f"chart {self.index + 1} {_short(self.name, 60)!r}"


@dataclass
class Layout:
    scroll_width: int
    inner_width: int
    scrollers: dict[str, list[int]]
    wide: list[str]
    sidebar: list[float] | None = None  # its box when drawn (off-screen when collapsed)
    sidebar_expanded: str | None = None
    main: list[float] | None = None
    charts: list[Chart] = field(default_factory=list)


# Counts, on each chart's element, how often Plotly computes the chart from its data (it
# assigns ``gd.calcdata`` then): a page must add it before the charts are drawn
# (``page.add_init_script``).
COUNT_CALCS = """
Object.defineProperty(HTMLElement.prototype, 'calcdata', {
  configurable: true,
  get() { return this.__calcdata; },
  set(v) { this.__calcdata = v; if (v !== undefined) this.__calcs = (this.__calcs || 0) + 1; },
});
"""


def measure_layout(page) -> Layout:
    raw = page.evaluate(_LAYOUT_JS)
    charts = [Chart(**c) for c in page.evaluate(_CHARTS_JS)]
    return Layout(
        raw["scrollWidth"],
        raw["innerWidth"],
        raw["scrollers"],
        raw["wide"],
        raw["sidebar"],
        raw["sidebarExpanded"],
        raw["main"],
        charts,
    )


def _quad(t: dict) -> list[list[float]]:
    if t.get("quad"):
        return t["quad"]
    left, top, right, bottom = t["box"]
    return [[left, top], [right, top], [right, bottom], [left, bottom]]


def _axes(quad: list[list[float]]) -> list[tuple[float, float]]:
    """The two directions of a box: along its first edge (a text's baseline) and across it."""
    (x0, y0), (x1, y1) = quad[0], quad[1]
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    return [(ux, uy), (-uy, ux)]


def _depth(a: list[list[float]], b: list[list[float]], axis: tuple[float, float]) -> float:
    pa = [x * axis[0] + y * axis[1] for x, y in a]
    pb = [x * axis[0] + y * axis[1] for x, y in b]
    return min(max(pa), max(pb)) - max(min(pa), min(pb))


def overlaps(texts: list[dict], tolerance: float = 2.0) -> list[tuple[dict, dict, float, float]]:
    """Pairs of text boxes that intersect by more than ``tolerance`` px in both directions.

    Upright boxes: the overlap in x and in y. Turned ones (tick labels at an angle) are
    compared as the turned rectangles they are, not their far larger upright bounding boxes:
    they overlap when they do along each of their four edge directions (separating axes), and
    the two numbers given are along and across the first text's baseline."""
    found = []
    quads = [_quad(t) for t in texts]
    for i, a in enumerate(texts):
        for j in range(i + 1, len(texts)):
            qa, qb = quads[i], quads[j]
            along, across = (_depth(qa, qb, ax) for ax in _axes(qa))
            if along <= tolerance or across <= tolerance:
                continue
            if any(_depth(qa, qb, ax) <= tolerance for ax in _axes(qb)):
                continue
            found.append((a, texts[j], along, across))
    return found


def describe_overlap(a: dict, b: dict, dx: float, dy: float) -> str:
    return (
        f"{a['kind']} {_short(a['text'], 50)!r} x {b['kind']} {_short(b['text'], 50)!r}"
        f" overlap {dx:.1f}x{dy:.1f}px"
    )


def cut_off(chart: Chart, tolerance: float = 2.0) -> list[str]:
    """Text running past the chart's own edges (the SVG clips it)."""
    fl, ft, fr, fb = chart.frame
    found = []
    for t in chart.texts:
        left, top, right, bottom = t["box"]
        past = max(fl - left, right - fr, ft - top, bottom - fb)
        if past > tolerance:
            found.append(
                f"{t['kind']} {_short(t['text'], 60)!r} runs {past:.1f}px past the chart's edge"
            )
    return found


# --- raw ids in the visible text ------------------------------------------------------------

# Visible text of the main area as text nodes whose element is rendered, without the Material
# icon names (ligatures such as "keyboard_arrow_down" that draw an icon, not words) and without
# the charts (read apart below) and the data grids' own DOM (read apart below).
_MAIN_TEXT_JS = """() => {
  const main = document.querySelector('[data-testid=stMain]') || document.body;
  const skip = '[data-testid=stIconMaterial], [data-testid$=Icon],'
             + ' [translate=no][aria-hidden=true], .js-plotly-plot, [data-testid=stDataFrame],'
             + ' style, script, noscript';
  const out = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const t = n.textContent.trim();
    if (t) out.push(t);
  }
  // Values shown in inputs (text inputs, the selected option of a select box) are not text nodes
  for (const i of main.querySelectorAll('input')) {
    if (i.type !== 'hidden' && i.value && i.checkVisibility()) out.push(i.value);
  }
  return out;
}"""

# Every text element of the charts' SVG (titles, ticks, legends, annotations, colour bars).
_CHART_TEXT_JS = """() => [...document.querySelectorAll('.js-plotly-plot svg text')]
  .filter(e => e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}))
  .map(e => (e.textContent || '').replace(/\\u200b/g, '').trim()).filter(Boolean)"""

# Streamlit's dataframes draw their cells on a canvas (glide-data-grid). Glide keeps an
# accessibility table inside the canvas with the headers and cells of the part in view only, so
# each grid is scrolled across (every column) and down (at most GRID_SCREENS screens) and that
# table read at each stop. Rows past those screens, and a cell's text wider than its column
# (drawn cut, kept whole in the table), cannot be read as the reader sees them.
_GRIDS_JS = """async (screens) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const out = [];
  const grids = document.querySelectorAll('[data-testid=stMain] [data-testid=stDataFrame]');
  for (const grid of grids) {
    if (!grid.checkVisibility()) continue;
    const cells = () => grid.querySelectorAll('table th, table td');
    const sig = () => { const c = cells(); return c.length ? c[0].textContent + '|'
      + (c[c.length - 1].id || '') + '|' + c.length : ''; };
    const read = () => cells().forEach(e => {
      const t = (e.textContent || '').trim();
      if (t) out.push(t);
    });
    const s = grid.querySelector('.dvn-scroller');
    if (!s) { read(); continue; }
    const across = Math.ceil(s.scrollWidth / Math.max(1, s.clientWidth));
    const down = Math.min(screens, Math.ceil(s.scrollHeight / Math.max(1, s.clientHeight)));
    for (let y = 0; y < down; y++) {
      for (let x = 0; x < across; x++) {
        const before = sig(), left = s.scrollLeft, top = s.scrollTop;
        s.scrollLeft = x * s.clientWidth;
        s.scrollTop = y * s.clientHeight;
        // Glide redraws its accessibility table a little after the scroll (measured: > 2
        // frames, < 300 ms): wait for it to change, when the grid moved at all.
        if (s.scrollLeft !== left || s.scrollTop !== top) {
          for (let t = 0; t < 20 && sig() === before; t++) await sleep(50);
          await sleep(50);
        }
        read();
      }
    }
    s.scrollLeft = 0;
    s.scrollTop = 0;
  }
  return out;
}"""
GRID_SCREENS = 4


def open_expanders(page) -> int:
    """Open every closed expander of the main area (content a reader reaches with one click)."""
    summaries = page.locator(
        "[data-testid=stMain] [data-testid=stExpander] details:not([open]) > summary"
    )
    count = summaries.count()
    for i in range(count - 1, -1, -1):
        try:
            summaries.nth(i).click(timeout=3000)
        except Exception:  # a summary scrolled away or re-rendered: skip it
            continue
    if count:
        # A chart's Data view fills on a rerun once opened: wait for the tables to draw.
        settle(page)
    return count


def grid_texts(page) -> list[str]:
    return list(page.evaluate(_GRIDS_JS, GRID_SCREENS))


# The open list of a select box or multiselect is virtualised (only the options in view are in
# the DOM), so it is scrolled down a screen at a time and read at each stop.
_LISTBOX_JS = """async () => {
  const list = [...document.querySelectorAll('[role=listbox]')].find(e => e.checkVisibility());
  if (!list) return [];
  const seen = new Set();
  const read = () => list.querySelectorAll('[role=option]').forEach(o => {
    const t = (o.innerText || '').trim();
    if (t) seen.add(t);
  });
  for (let y = 0; y < 100000; y += Math.max(50, list.clientHeight - 40)) {
    list.scrollTop = y;
    await new Promise(r => setTimeout(r, 80));
    read();
    if (y + list.clientHeight >= list.scrollHeight) break;
  }
  return [...seen];
}"""


def dropdown_texts(page) -> list[str]:
    """The options of every select box and multiselect of the main area, read by opening it
    (what a reader sees in the list) and closing it again with Escape."""
    out: list[str] = []
    boxes = page.locator("[data-testid=stMain] [role=combobox]")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        if not box.is_visible():
            continue
        try:
            box.click(timeout=3000)
            page.wait_for_selector("[role=listbox] [role=option]", timeout=3000)
            out.extend(page.evaluate(_LISTBOX_JS))
        except Exception:  # no list appeared: nothing more to read
            pass
        page.keyboard.press("Escape")
        page.wait_for_timeout(150)
    return out


def settle(page, *, timeout: float = 15_000) -> None:
    """Wait until the main area stops changing: open_page can return before the first script
    run has drawn everything (a dataframe, the widgets after it)."""
    page.evaluate(
        """async (timeout) => {
      const sig = () => {
        const m = document.querySelector('[data-testid=stMain]');
        return m ? m.querySelectorAll('*').length + ':' + m.innerText.length : '';
      };
      const end = Date.now() + timeout;
      let last = sig(), same = 0;
      while (Date.now() < end && same < 3) {
        await new Promise(r => setTimeout(r, 300));
        const now = sig();
        same = now === last ? same + 1 : 0;
        last = now;
      }
    }""",
        timeout,
    )


@dataclass
class Seen:
    main: list[str]
    charts: list[str]
    grids: list[str]
    options: list[str]

    def fragments(self) -> list[tuple[str, str]]:
        return (
            [("text", t) for t in self.main]
            + [("chart", t) for t in self.charts]
            + [("table", t) for t in self.grids]
            + [("dropdown", t) for t in self.options]
        )


def visible_text(page) -> Seen:
    open_expanders(page)
    main = page.evaluate(_MAIN_TEXT_JS)
    charts = page.evaluate(_CHART_TEXT_JS)
    grids = grid_texts(page)
    options = dropdown_texts(page)
    return Seen(main, charts, grids, options)


SNAKE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
# Addresses shown as such (a source's URL, an e-mail) are not ids; their paths often hold "_".
URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.-]+|\b[\w-]+(?:\.[\w-]+)+/\S*")


@dataclass(frozen=True)
class Catalog:
    indicators: frozenset[str]  # ids with an underscore
    entities: frozenset[str]  # codes of 2-5 capitals or digits
    quoted: tuple[str, ...]  # verbatim titles and names of sources that hold such a word


@cache
def catalog() -> Catalog:
    """Indicator ids with an underscore (plain-word ids such as "exports" or "cost" are also
    English and would only give false alarms) and entity codes of 2-5 capitals or digits.
    A source's own title or publisher, cited as it is ("CNPC plans to ...", "... (KTZ)"),
    quotes the source, not an id of ours: those strings are set apart."""
    from indicators import load_dataset

    ds = load_dataset("data")
    indicators = frozenset(i for i in ds.indicators["id"] if "_" in i)
    entities = frozenset(
        e for e in ds.entities["id"] if re.fullmatch(r"[A-Z][A-Z0-9]{1,4}", str(e))
    )
    word = re.compile(
        r"(?<![\w+])("
        + "|".join(sorted(entities, key=len, reverse=True))
        + r")(?![\w+])|"
        + SNAKE.pattern
    )
    cited = [
        str(v)
        for col in ("title", "publisher", "original_publisher")
        if col in ds.sources
        for v in ds.sources[col].dropna()
    ]
    quoted = tuple(sorted({c for c in cited if word.search(c)}, key=len, reverse=True))
    return Catalog(indicators, entities, quoted)


def raw_ids(seen: Seen) -> dict[str, list[str]]:
    """Offending word -> where it was seen (kind and a little context), at most 3 places."""
    cat = catalog()
    # A standalone word: "C5" or "(CHN)" but not the "C5" of the format's name "C+C5"
    code = re.compile(
        r"(?<![\w+])(" + "|".join(sorted(cat.entities, key=len, reverse=True)) + r")(?![\w+])"
    )
    found: dict[str, list[str]] = {}

    def hit(word: str, where: str, text: str, start: int) -> None:
        lo = max(0, start - 30)
        context = _short(text[lo : start + len(word) + 30], 80)
        places = found.setdefault(word, [])
        if len(places) < 3 and f"{where}: {context!r}" not in places:
            places.append(f"{where}: {context!r}")

    for where, text in seen.fragments():
        clean = URL.sub(" ", text)
        for cited in cat.quoted:
            clean = clean.replace(cited, " ")
        for m in SNAKE.finditer(clean):
            word = m.group(0)
            label = f"indicator id {word}" if word in cat.indicators else f"snake_case {word}"
            hit(label, where, clean, m.start())
        for m in code.finditer(clean):
            hit(f"entity code {m.group(1)}", where, clean, m.start())
    return found
