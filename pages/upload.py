"""Upload: a CSV or Excel file of figures, checked in full, previewed, then confirmed."""

import streamlit as st

from kpicore.access import PermissionDenied
from kpicore.files import upload
from kpicore.files.upload.limits import MB, UPLOAD_LIMITS
from kpicore.periods import label
from kpicore.problems import ValidationFailed
from kpicore.store import StaleFigures
from kpicore.vocab import Role
from kpicore.workflows import submission
from ui import data, entry, entrypoint, identity

entrypoint.ensure()
me = identity.require(Role.DATA_OWNER, Role.ADMIN)
snapshot = data.snapshot()

st.title("Upload figures")
st.markdown(
    "A CSV (UTF-8) or Excel file in the long layout (measure\\_id, period, value, commentary, performance\\_group) "
    "or the scorecard layout (measure\\_id and one column per month). Nothing is saved until you confirm."
)
with st.expander("Templates for your measures", icon=":material/download:"):
    months = submission.open_months(snapshot)
    period = st.selectbox("Month of the templates", months, index=months.index(submission.next_due(snapshot)), format_func=label, key="template_month")
    active = snapshot.active_measures(period)
    mine = active[active["measure_id"].isin(me.account.submittable(active["measure_id"]))]
    for column, (layout, fmt) in zip(st.columns(4), upload.TEMPLATES):
        column.download_button(
            f"{layout.title()} layout ({fmt.upper()})", upload.template(layout, fmt, mine, period),
            file_name=f"template-{layout}-{period}.{fmt}", key=f"template_{layout}_{fmt}",
        )

if message := st.session_state.pop("upload_saved", None):
    st.success(message, icon=":material/check_circle:")
attempt = st.session_state.setdefault("upload_attempt", 0)
file = st.file_uploader(
    "File to upload", type=["csv", "xlsx"], key=f"upload_file_{attempt}", max_upload_size=UPLOAD_LIMITS.max_file_bytes // MB
)
if file is None:
    st.stop()

# The plan previewed is the plan confirmed: kept for this upload of the file, never planned again at the click.
kept = st.session_state.get("upload_plan")
if kept is None or kept[0] != file.file_id:
    kept = (file.file_id, submission.plan_file(data.database(), file.name, file.getvalue(), user=me.email))
    st.session_state["upload_plan"] = kept
    st.session_state.pop("upload_stale", None)
plan = kept[1]
if not plan.ok:
    entry.report(plan, key="upload")
    st.stop()
entry.preview(plan, key="upload")
if plan.to_write.empty:
    st.stop()
reason = st.text_input(
    "Reason" + (" (required)" if plan.needs_reason else " (optional)"), key="upload_reason",
    help="Why figures already recorded are revised, or why a locked month changes.",
)
if st.button("Confirm and save", type="primary", key="upload_confirm"):
    try:
        counts = submission.commit(data.database(), plan, user=me.email, reason=reason)
    except StaleFigures as stale:
        st.session_state["upload_stale"] = stale.moved
    except (ValidationFailed, PermissionDenied) as error:
        st.error(f"Nothing was saved: {identity.plain(str(error))}", icon=":material/block:")
    else:
        data.clear()
        st.session_state["upload_saved"] = identity.plain(
            f"Saved {file.name}: {counts['new']} new, {counts['revised']} revised, {counts['unchanged']} unchanged."
        )
        st.session_state["upload_attempt"] = attempt + 1
        st.session_state.pop("upload_plan", None)
        st.rerun()
if moved := st.session_state.get("upload_stale"):
    entry.stale_refusal(
        moved, snapshot.measures, since="this preview",
        next_step="Refresh the preview (or upload the file again) to see the figures as they are now, then confirm.",
    )
    st.button("Refresh the preview", key="upload_refresh", icon=":material/refresh:", on_click=entry.forget_plan)
