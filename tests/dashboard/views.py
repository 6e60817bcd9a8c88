"""AppTest helper: open the "Data" view under every chart, as a reader's click does."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import ui


def open_data_views(at: AppTest) -> AppTest:
    """Open the Data view of every chart on the page and rerun (a view is filled only while
    open)."""
    for chart in at.get("plotly_chart"):
        at.session_state[ui.data_view_key(chart.key)] = True
    return at.run()
