"""The administrators' control for withdrawing a mistaken figure, on the measure explorer."""

from __future__ import annotations

import streamlit as st

from kpicore import store
from kpicore.access import PermissionDenied
from kpicore.problems import ValidationFailed
from kpicore.snapshot import Snapshot
from ui import data, entry
from ui.identity import Identity, plain
from ui.present import stored_month


def recorded_months(snapshot: Snapshot, measure_id: str) -> list[str]:
    """Every month with a figure of the measure, newest first, those no report shows included."""
    figures = [snapshot.observations, snapshot.out_of_range]
    months = {str(p) for frame in figures for p in frame.loc[frame["measure_id"] == measure_id, "period"]}
    return sorted(months, reverse=True)


def controls(me: Identity, snapshot: Snapshot, measure_id: str) -> None:
    """For administrators: withdraw one of the measure's figures, with a reason (its history stays)."""
    if not me.account.is_admin:
        return
    months = recorded_months(snapshot, measure_id)
    with st.expander("Withdraw a figure", expanded=False):
        st.write(
            "A figure recorded by mistake can be withdrawn: it leaves the chart, the scorecard and every "
            "download, and the History page keeps every version with your reason."
        )
        with st.form("withdraw_form", clear_on_submit=True):
            period = st.selectbox(
                "Month of the figure", months, index=None, key="withdraw_period",
                format_func=lambda p: stored_month(p, snapshot.settings.years),
            )
            reason = st.text_input("Reason for withdrawing it (required)", max_chars=500, key="withdraw_reason")
            if st.form_submit_button("Withdraw the figure", key="withdraw_save"):
                if period is None:
                    st.error("Choose the month of the figure to withdraw.")
                    return
                try:
                    store.withdraw_figure(data.database(), measure_id, period, user=me.email, reason=reason)
                except ValidationFailed as failure:
                    st.error("Nothing was withdrawn: " + plain("; ".join(p.message for p in failure.problems)) + ".")
                except (PermissionDenied, ValueError) as error:
                    st.error(f"Nothing was withdrawn: {plain(str(error))}.")
                else:
                    data.clear()
                    entry.flash(f"Withdrew the figure for {stored_month(period, snapshot.settings.years)}.")
