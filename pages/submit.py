"""Submit: a month's figures for the measures you own, each with its band shown before saving."""

import pandas as pd
import streamlit as st

from kpicore.access import PermissionDenied
from kpicore.periods import label
from kpicore.problems import ValidationFailed
from kpicore.store import StaleFigures
from kpicore.vocab import Role
from kpicore.workflows import submission
from ui import data, entry, entrypoint, identity

entrypoint.ensure()
me = identity.require(Role.DATA_OWNER, Role.ADMIN)
snapshot = data.snapshot()

st.title("Submit monthly figures")
months = submission.open_months(snapshot)
period = st.selectbox("Month", months, index=months.index(submission.next_due(snapshot)), format_func=label, key="month")
mine = me.account.submittable(snapshot.measures["measure_id"])
areas = snapshot.areas[snapshot.areas["area_id"].isin(snapshot.measures.set_index("measure_id").loc[mine, "area_id"])]
area = st.selectbox(
    "Thematic area", [None, *areas["area_id"]], key="area",
    format_func=lambda a: "All my measures" if a is None else areas.set_index("area_id").at[a, "name"],
)
rows = submission.form_rows(snapshot, mine, period)
rows = rows if area is None else rows[rows["area_id"] == area]
if rows.empty:
    st.info("None of your measures is due this month. An administrator can add measures to yours.")
    st.stop()
if refill := st.session_state.pop("submit_refill", None):  # after a save: the fields as now recorded
    entry.reload_fields(*refill)
seen = entry.filled_from(rows, period)  # what each field was filled from: a save is checked against it
st.caption(
    f"{len(rows)} measure(s) for {label(period)}. Type a value (77.6 or 77.6%) to see its band; a blank value "
    "means no figure. Commentary is required when a value is worse than target."
)
entry.show_flash()
if message := st.session_state.pop("submit_reloaded", None):
    st.info(message, icon=":material/sync:")

preview = submission.form_preview(snapshot, period, entry.typed(rows, period))
entries = pd.DataFrame([entry.figure_fields(row, period, preview.loc[row["measure_id"]]) for _, row in rows.iterrows()])
reason = st.text_input("Reason for any revision", key="reason", help="Required to change a figure already recorded.")

if st.button("Save figures", type="primary", key="save"):
    st.session_state.pop("submit_stale", None)
    try:
        plan = submission.plan_form(data.database(), period, entries, user=me.email, seen=seen)
        entry.moved_since(seen, entries, period)  # a figure recorded since the form was filled is told first
        counts = submission.commit(data.database(), plan, user=me.email, reason=reason)
    except ValidationFailed as failure:
        st.error(f"Nothing was saved: {len(failure.problems)} problem(s).", icon=":material/block:")
        st.table(entry.form_report(failure.problems, rows), hide_index=True)
    except StaleFigures as stale:
        st.session_state["submit_stale"] = {"period": period, "moved": stale.moved}
    except PermissionDenied as error:
        st.error(f"Nothing was saved: {identity.plain(str(error))}")
    else:
        data.clear()
        st.session_state["submit_refill"] = (period, rows["measure_id"].tolist())
        entry.flash(f"Saved: {counts['new']} new, {counts['revised']} revised, {counts['unchanged']} unchanged.")
if (stale := st.session_state.get("submit_stale")) and stale["period"] == period:
    entry.stale_refusal(
        stale["moved"], snapshot.measures, since="you opened this form",
        next_step="What you typed is kept. Reload the changed figures to see the latest, decide what each should be, "
        "then save again.",
    )
    st.button(
        "Reload the changed figures", key="reload_changed", icon=":material/sync:",
        on_click=entry.reload_changed, args=(period, [m["measure_id"] for m in stale["moved"]]),
    )
