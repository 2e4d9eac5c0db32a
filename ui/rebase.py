"""The administrators' control for re-basing a measure's SPC chart, on the measure explorer."""

from __future__ import annotations

import streamlit as st

from kpicore import store
from kpicore.access import PermissionDenied
from kpicore.periods import label
from kpicore.reports.explorer import MeasureHistory
from ui import data, entry
from ui.identity import Identity, plain

REBASE_COLUMNS = ("New period from", "Reason", "By", "When (UTC)")
"""The recorded re-bases' columns, in words (not the stored ``period``, ``recorded_by``...)."""


def controls(me: Identity, history: MeasureHistory) -> None:
    """Recorded re-bases of this measure, and for administrators a form to add or remove one."""
    measure_id = history.measure.name
    recorded = data.snapshot().rebases
    recorded = recorded[recorded["measure_id"] == measure_id]
    with st.expander(f"New SPC periods (re-bases): {len(recorded)}", expanded=False):
        st.caption(
            "When the way a service works changes for a known reason, the SPC chart can start a new period "
            "from a month, with its own mean and limits. Each period needs 13 months of figures."
        )
        if len(recorded):
            shown = recorded.assign(
                month=recorded["period"].map(label), when=recorded["recorded_at"].str.slice(0, 16).str.replace("T", " ")
            )[["month", "reason", "recorded_by", "when"]]
            st.dataframe(shown.set_axis(list(REBASE_COLUMNS), axis=1), hide_index=True, width="stretch")
        if not me.account.is_admin:
            return
        months = history.figures["period"].tolist()[1:]
        with st.form("rebase_form", clear_on_submit=True):
            period = st.selectbox("New SPC period starts in", months, format_func=label, index=None, key="rebase_period")
            reason = st.text_input("Reason (required)", max_chars=500, key="rebase_reason")
            remove = st.checkbox("Remove the re-base at this month instead", key="rebase_remove")
            if st.form_submit_button("Save re-base", key="rebase_save"):
                if period is None:
                    st.error("Choose the month the new SPC period starts in.")
                    return
                try:
                    change = store.remove_rebase if remove else store.rebase
                    change(data.database(), measure_id, period, user=me.email, reason=reason)
                except (PermissionDenied, ValueError) as error:
                    st.error(plain(str(error)))
                else:
                    data.clear()
                    entry.flash(f"{'Removed' if remove else 'Saved'} the re-base at {label(period)}.")
