"""The floor for benchmarks/lighthouse.py: a bare Streamlit page, a title and one Plotly map.

What any Streamlit page with one choropleth costs, so the dashboard's Lighthouse figures can
be read against it. The map outlines are the library's (``/app/static/topojson/``, no CDN):
benchmarks/lighthouse.py runs this script from a temporary folder holding a copy of
indicators/outlines as ``static/topojson``, with cwd at the repository root
so that .streamlit/config.toml (static serving, theme) applies as it does to the dashboard.

    .venv/bin/python -m streamlit run benchmarks/bare_app.py   # outlines only via lighthouse.py
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Bare Streamlit page", layout="wide")
st.title("Bare Streamlit page")

COUNTRIES = {
    "KAZ": ("Kazakhstan", 4.0),
    "UZB": ("Uzbekistan", 3.0),
    "KGZ": ("Kyrgyzstan", 1.0),
    "TJK": ("Tajikistan", 1.5),
    "TKM": ("Turkmenistan", 2.0),
}

fig = go.Figure(
    go.Choropleth(
        locations=list(COUNTRIES),
        locationmode="ISO-3",
        z=[v for _, v in COUNTRIES.values()],
        text=[n for n, _ in COUNTRIES.values()],
        colorscale=[[0, "#deebf7"], [1, "#08519c"]],
        marker_line_color="white",
    )
)
fig.update_geos(
    scope="asia",
    resolution=50,
    projection_type="mercator",
    lonaxis_range=[45, 90],
    lataxis_range=[34, 57],
    showcountries=True,
)
fig.update_layout(height=520, margin={"l": 10, "r": 10, "t": 10, "b": 10})
st.plotly_chart(fig, config={"topojsonURL": "/app/static/topojson/"})
