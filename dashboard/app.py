"""The dashboard's router: one page per file under app_pages/.

Not `pages/`: Streamlit also auto-discovers a folder of that name and, on a deep link such as
/map, would run the page without this router (no navigation, no shared state).
"""

from __future__ import annotations

import sys

import streamlit as st

from dashboard import loading, state, ui

# Each session's script runs in a thread of this one process. A thread that lets go of the
# interpreter lock for a moment (a file's stat, a pyarrow filter) waits to get it back until
# the thread holding it has run its switch interval: 5 ms by default, paid hundreds of times
# by a rerun that filters frames while other sessions rerun. 1 ms cut the wait (py-spy under
# benchmarks/capacity.py: pyarrow's take was a fifth of the script threads' samples).
sys.setswitchinterval(0.001)

# Before the navigation: set afterwards, the favicon becomes the page's Material icon, which
# the browser fetches from Google's servers (nothing for an offline reader).
# Centred, the width Streamlit draws before the script's first message: a wide layout
# arriving a second later moved the whole page sideways (a layout shift of 0.06–0.1 on every
# load). One reading width also keeps charts, legends and tables alike on every screen.
st.set_page_config(
    page_title="Bilateral economic indicators",
    page_icon="🌏",
    layout="centered",
    initial_sidebar_state="collapsed",
)

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/trade.py", title="Trade", icon=":material/swap_horiz:", url_path="trade"),
    st.Page(
        "app_pages/investment.py",
        title="Investment",
        icon=":material/account_balance:",
        url_path="investment",
    ),
    st.Page("app_pages/map.py", title="Map", icon=":material/map:", url_path="map"),
    st.Page(
        "app_pages/timeline.py", title="Timeline", icon=":material/timeline:", url_path="timeline"
    ),
    st.Page("app_pages/data_table.py", title="Data", icon=":material/table:", url_path="data"),
    st.Page(
        "app_pages/sources.py", title="Sources", icon=":material/menu_book:", url_path="sources"
    ),
]

# At the top, not in a sidebar: a sidebar that arrives after the page has drawn pushed the
# whole page sideways (layout shift), and on a phone it covered most of the screen.
page = st.navigation(PAGES, position="top")
ui.styles()
state.restore_url()
loading.serve_outlines()
refs = loading.datasets()
ref = loading.chosen(refs, state.shared().get("dataset"))
if len(refs) > 1:
    titles = {r.id: r.title for r in refs}
    picked = st.selectbox(
        "Dataset",
        list(titles),
        index=list(titles).index(ref.id),
        format_func=titles.get,
        key="dataset-choice",
    )
    ref = loading.chosen(refs, picked)
    state.publish(dataset=ref.id)
dataset = loading.dataset(ref)
rel = dataset.relationship
st.set_page_config(page_title=f"{rel.title} · indicators", page_icon="🌏")
with loading.shared_with_page(dataset):
    page.run()
st.divider()
licence = f"Data: {ui.md(rel.licence)}." if rel.licence else "The data's licence is not stated."
st.caption(
    f"{len(dataset.sources)} sources · {len(dataset.observations)} datapoints · "
    f"{len(dataset.projects)} projects · {len(dataset.events)} events. Every figure as its "
    f"source states it, qualifier included. {licence}"
)
