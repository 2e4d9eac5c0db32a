"""Which measure the explorer shows: the person's own choice in the selector, or a link that names one.

A measure arrives by a link (``?measure=ID`` in the URL: a bookmark, the back button) or from a
scorecard row (``explorer_measure`` in the session). The URL is read only when it differs from what
this page last wrote there: on the rerun that follows a choice in the selector the URL still names
the previous measure, and reading it then would put the previous measure back over the new choice.
"""

from __future__ import annotations

import streamlit as st

KEY = "explorer_select"
_WRITTEN = "explorer_url"  # the measure this page last wrote to the URL


def follow_links(names: dict[str, str]) -> None:
    """Set the selector from a scorecard row or from a URL that changed since this page wrote it."""
    linked = st.session_state.pop("explorer_measure", None)
    url = st.query_params.get("measure")
    if linked is None and url != st.session_state.get(_WRITTEN):
        linked = url
    if linked in names:
        st.session_state[KEY] = linked
    elif st.session_state.get(KEY) not in names:
        st.session_state[KEY] = next(iter(names))


def remember(measure_id: str) -> None:
    """Keep the chosen measure in the URL, so the address is a link to this view."""
    st.query_params["measure"] = measure_id
    st.session_state[_WRITTEN] = measure_id
