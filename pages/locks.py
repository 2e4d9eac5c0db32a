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


def month_form(place, name: str, months: list[str], index: int, example: str, change) -> None:
    """The form that does ``name`` ("lock" or "unlock") to one of ``months`` with a reason, through ``change``."""
    with place.form(name, clear_on_submit=True):
        period = st.selectbox(f"Month to {name}", months, format_func=label, index=index, key=f"{name}_period")
        reason = st.text_input("Reason", placeholder=example, key=f"{name}_reason")
        if st.form_submit_button(f"{name.capitalize()} month", key=name):
            try:
                change(database, period, user=me.email, reason=reason)
                entry.flash(f"{label(period)} {name}ed.")
            except (PermissionDenied, ValueError) as error:
                st.error(f"Nothing was changed: {identity.plain(str(error))}")


left, right = st.columns(2)
snapshot = data.snapshot()
months = submission.open_months(snapshot)
month_form(left, "lock", months, months.index(submission.next_due(snapshot)),
           "Signed off at the December performance board", store.lock)
if locked.empty:
    right.markdown("**Unlock a month**: no month is locked.")
else:
    month_form(right, "unlock", locked["period"].tolist(), 0, "Reopened to correct a late return", store.unlock)
