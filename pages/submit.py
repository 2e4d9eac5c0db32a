"""Submit: a month's figures for the measures you own, each with its band shown before saving."""

import streamlit as st

from kpicore.access import PermissionDenied
from kpicore.periods import label
from kpicore.problems import ValidationFailed
from kpicore.store import StaleFigures
from kpicore.vocab import Role
from kpicore.workflows import submission
from ui import data, entry, entrypoint, identity
from ui import submit_form as form

entrypoint.ensure()
me = identity.require(Role.DATA_OWNER, Role.ADMIN)
snapshot = data.snapshot()

st.title("Submit monthly figures")
months = submission.open_months(snapshot)
period = st.selectbox("Month", months, index=months.index(submission.next_due(snapshot)), format_func=label, key="month",
                      on_change=form.forget_area)
mine = me.account.submittable(snapshot.measures["measure_id"])
rows = submission.form_rows(snapshot, mine, period)
if rows.empty:
    st.info("None of your measures is due this month. An administrator can add measures to yours.")
    st.stop()
if refill := st.session_state.pop("submit_refill", None):  # after a save: the fields as now recorded
    form.reload_fields(*refill)
where = ""
if len(rows) > form.ONE_FORM:  # one thematic area at a time
    counts = form.area_counts(rows, snapshot.areas, period)
    area = form.choose_area(counts)
    form.unsaved_note(counts, area)
    rows, where = rows[rows["area_id"] == area], f" in {counts.at[area, 'name']}"
seen = form.filled_from(rows, period)  # what each field was filled from: a save is checked against it
st.markdown(
    f"{len(rows)} measure(s) for {label(period)}{identity.plain(where)}. Type a value (77.6 or 77.6%) to see its band; "
    "a blank value means no figure. Commentary is required when a value is worse than target. "
    "Save figures, above the measures, saves the measures shown here (on a wider screen it stays in view as you "
    "scroll)."
)
entry.show_flash()
if message := st.session_state.pop("submit_reloaded", None):
    st.info(message, icon=":material/sync:")

form.page_style()
if st.session_state.pop("submit_save", False):  # Save was pressed: its callback asked for this run to save
    for kept in ("submit_stale", "submit_refused"):
        st.session_state.pop(kept, None)
    reason = st.session_state.get("reason", "")
    try:
        plan = submission.plan_form(data.database(), period, form.typed(rows, period), user=me.email, seen=seen)
        counts = submission.commit(data.database(), plan, user=me.email, reason=reason)
    except ValidationFailed as failure:
        st.session_state["submit_refused"] = {"period": period, "found": form.refusal(failure.problems, rows, period)}
    except StaleFigures as stale:
        st.session_state["submit_stale"] = {"period": period, "moved": stale.moved}
    except PermissionDenied as error:
        st.error(f"Nothing was saved: {identity.plain(str(error))}")
    else:
        data.clear()
        st.session_state["submit_refill"] = (period, rows["measure_id"].tolist())
        entry.flash(f"Saved: {counts['new']} new, {counts['revised']} revised, {counts['unchanged']} unchanged.")
found = form.refused_here(period, rows)  # the last refused save's problems with fields on this form
problems = form.on_field(found)
with st.container(key="save_bar"):
    why, act = st.columns([3, 1], vertical_alignment="bottom")
    form.field_error(why, "reason", problems.get("reason"))
    why.text_input("Reason for any revision", key="reason", help="Required to change a figure already recorded.")
    act.button("Save figures", type="primary", key="save", width="stretch", on_click=form.ask_to_save)
if found:
    form.problem_summary(found)
if (stale := st.session_state.get("submit_stale")) and stale["period"] == period:
    entry.stale_refusal(
        stale["moved"], snapshot.measures, since="you opened this form",
        next_step="What you typed is kept. Reload the changed figures to see the latest, decide what each should be, "
        "then save again.",
    )
    st.button(
        "Reload the changed figures", key="reload_changed", icon=":material/sync:",
        on_click=form.reload_changed, args=(period, [m["measure_id"] for m in stale["moved"]]),
    )

preview = submission.form_preview(snapshot, period, form.typed(rows, period))
with st.container(key="submit_fields"):
    for _, row in rows.iterrows():
        form.figure_fields(row, period, preview.loc[row["measure_id"]], problems)
