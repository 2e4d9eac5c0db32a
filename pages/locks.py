"""Locked months (administrators): a signed-off month changes only by an administrator with a reason."""

import streamlit as st

from kpicore import store
from kpicore.access import PermissionDenied
from kpicore.periods import label
from kpicore.vocab import Role
from kpicore.workflows import submission
from ui import data, entry, entrypoint, identity, words

entrypoint.ensure()
me = identity.require(Role.ADMIN)
database = data.database()

st.title("Locked months")
entry.show_flash()
st.markdown("Lock a month once its figures are signed off. Only an administrator can then change it, giving a reason.")
locked = store.locks(database)
if locked.empty:
    st.markdown("No month is locked yet.")
else:
    rows = words.locks_table(locked)
    st.dataframe(rows, hide_index=True, width="stretch", column_config=words.column_help(rows))

left, right = st.columns(2)
with left.form("lock", clear_on_submit=True):
    months = submission.open_months(data.snapshot())
    period = st.selectbox("Month to lock", months, format_func=label, index=months.index(submission.next_due(data.snapshot())), key="lock_period")
    reason = st.text_input("Reason", placeholder="Signed off at the December performance board", key="lock_reason")
    if st.form_submit_button("Lock month", key="lock"):
        try:
            store.lock(database, period, user=me.email, reason=reason)
            entry.flash(f"{label(period)} locked.")
        except (PermissionDenied, ValueError) as error:
            st.error(f"Nothing was changed: {identity.plain(str(error))}")
if locked.empty:
    right.markdown("**Unlock a month**: no month is locked.")
else:
    with right.form("unlock", clear_on_submit=True):
        period = st.selectbox("Month to unlock", locked["period"].tolist(), format_func=label, key="unlock_period")
        reason = st.text_input("Reason", placeholder="Reopened to correct a late return", key="unlock_reason")
        if st.form_submit_button("Unlock month", key="unlock"):
            try:
                store.unlock(database, period, user=me.email, reason=reason)
                entry.flash(f"{label(period)} unlocked.")
            except (PermissionDenied, ValueError) as error:
                st.error(f"Nothing was changed: {identity.plain(str(error))}")
