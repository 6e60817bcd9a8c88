"""The JSON a chart is sent to the browser as draws exactly the chart of its figure.

``payload.bake_template`` writes the template into the layout and the traces (so Streamlit's
second hand-over of a chart does not make plotly draw it again); drawn by plotly.js in
Chromium, every standard chart must give the same SVG, element by element, attribute by
attribute, with and without its template. The page and the outlines are served by
Playwright's routing: nothing leaves the machine."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import plotly
import plotly.io as pio
import pytest

from indicators import load_dataset
from indicators.charts import payload, standard
from tests.paths import DATA, ROOT

pytestmark = pytest.mark.browser

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
OUTLINES = ROOT / "indicators" / "outlines"
ORIGIN = "http://charts.test"

# Draws a spec and returns its SVG as text that does not depend on the order of attributes
# or on the random ids plotly gives each drawing.
DRAW = """async ([spec, width]) => {
  const host = document.getElementById('host');
  host.style.width = width + 'px';
  host.innerHTML = '';
  const gd = document.createElement('div');
  host.appendChild(gd);
  spec.data.forEach((t, i) => { t.uid = 'trace' + i; });
  await Plotly.newPlot(gd, spec.data, spec.layout,
    {topojsonURL: 'ORIGIN/topojson/', staticPlot: true});
  const uid = gd._fullLayout._uid;
  const walk = (el) => {
    if (el.nodeType === 3) return el.textContent;
    if (el.nodeType !== 1) return '';
    const attrs = [...el.attributes].map(a => a.name + '=' + a.value.split(uid).join('UID'))
      .sort().join(' ');
    return '<' + el.tagName + ' ' + attrs + '>' + [...el.childNodes].map(walk).join('') + '</>';
  };
  return walk(gd.querySelector('.svg-container'));
}""".replace("ORIGIN", ORIGIN)


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page(viewport={"width": 1000, "height": 800})

    def serve(route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path.startswith("/topojson/"):
            route.fulfill(path=OUTLINES / path.removeprefix("/topojson/"))
        elif path == "/plotly.min.js":
            route.fulfill(path=PLOTLY_JS)
        else:
            route.fulfill(
                content_type="text/html",
                body='<!doctype html><div id="host"></div><script src="/plotly.min.js"></script>',
            )

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/")
    page.wait_for_function("() => window.Plotly !== undefined")
    yield page
    page.close()


def test_a_baked_template_draws_the_same_svg(page) -> None:
    ds = load_dataset(DATA)
    differ = []
    charts = standard.standard_charts(ds)
    for chart in charts:
        spec = payload.compact(json.loads(pio.to_json(chart.build(ds), validate=False)))
        assert spec["layout"].get("template"), f"{chart.id}: no template to bake"
        baked = payload.bake_template(copy.deepcopy(spec))
        for width in (900, 360):
            with_template = page.evaluate(DRAW, [spec, width])
            without = page.evaluate(DRAW, [baked, width])
            assert with_template.count("<path") > 5, f"{chart.id}: nothing drawn"
            if with_template != without:
                at = next(
                    i
                    for i, (a, b) in enumerate(zip(with_template, without, strict=False))
                    if a != b
                )
                differ.append(
                    f"{chart.id} at {width}px: {with_template[at - 80 : at + 80]!r} != "
                    f"{without[at - 80 : at + 80]!r}"
                )
    assert len(charts) >= 9
    assert not differ, "\n".join(differ)
