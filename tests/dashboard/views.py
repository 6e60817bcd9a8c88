"""AppTest helper: open every folded section of a page (a chart's "Data" view, the growth
rates, the consistency checks), as a reader's click does."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def open_folded(at: AppTest) -> AppTest:
    """Open every expander whose content is made only while open (ui.folded) and rerun.
    Such an expander tracks its state: its id is ``$$ID-<hash>-<key>``."""
    keys = [e.proto.id.split("-", 2)[2] for e in at.expander if e.proto.id]
    for key in keys:
        at.session_state[key] = True
    return at.run() if keys else at
