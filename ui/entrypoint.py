"""Make a deep link on a fresh server go through ``streamlit_app.py``.

Streamlit runs the very first session of a server in its legacy multipage mode
when a folder named ``pages/`` sits beside the entrypoint, so a first visit to
``/scorecard`` would run the page script alone: no navigation, no page config.
Until ``st.navigation`` has run once, a page script that finds itself in that
mode switches it off and reruns, which goes through the entrypoint and keeps
the requested page.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
