"""Before and after images of the dashboard charts whose data a change touches."""

from __future__ import annotations

import json
from pathlib import Path

from indicators.dataset import Dataset


def _data_of(fig: object) -> str:
    """A figure's traces as text: equal text, same chart data."""
    from plotly.utils import PlotlyJSONEncoder

    return json.dumps(
        fig.to_plotly_json()["data"],
        cls=PlotlyJSONEncoder,  # type: ignore[attr-defined]
        sort_keys=True,
    )


def render_changed_charts(old: Dataset, new: Dataset, out: Path) -> str:
    """Write ``<chart>-before.png`` and ``<chart>-after.png`` into ``out`` for every standard
    chart whose traces differ between the two datasets; return a Markdown note."""
    try:
        from indicators.charts import standard
        from indicators.export import browser
        from indicators.export import images as export
    except ImportError as exc:  # pragma: no cover - the chart modules ship with the package
        return f"Charts: not available ({exc}); the changelog above is complete."
    if browser.chromium_path() is None:
        return "Charts: not rendered. " + browser.missing_browser_message()
    changed: list[tuple[str, str, object, object]] = []
    failed: list[str] = []
    for chart in standard.standard_charts(new):
        try:
            before, after = chart.build(old), chart.build(new)
        except Exception as exc:  # a chart that cannot be drawn on one side is reported
            failed.append(f"- `{chart.id}`: could not be built ({type(exc).__name__}: {exc})")
            continue
        if _data_of(before) != _data_of(after):
            changed.append((chart.id, chart.description, before, after))
    lines = [f"### Charts whose data changed ({len(changed)})", ""]
    if changed:
        out.mkdir(parents=True, exist_ok=True)
        with browser.session():
            for chart_id, description, before, after in changed:
                images = [export.render(fig, "png") for fig in (before, after)]
                for side, image in zip(("before", "after"), images, strict=True):
                    (out / f"{chart_id}-{side}.png").write_bytes(image)
                same = (
                    " (the images look alike: only hover text or labels changed)"
                    if (images[0] == images[1])
                    else ""
                )
                lines.append(
                    f"- `{chart_id}` ({description}): `{chart_id}-before.png`, "
                    f"`{chart_id}-after.png` in `{out}`{same}"
                )
    else:
        lines.append("No chart's data changed.")
    return "\n".join(lines + failed)
