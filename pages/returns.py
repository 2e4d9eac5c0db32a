"""Returns: which measures still lack a month's figure, by owner and thematic area."""

import streamlit as st

from kpicore import store
from kpicore.files.csv_writer import write_csv
from kpicore.periods import label
from kpicore.reports import returns
from kpicore.vocab import Role
from kpicore.workflows import submission
from ui import data, entrypoint, identity, words

entrypoint.ensure()
identity.require(*Role)
snapshot = data.snapshot()

st.title("Returns")
months = submission.open_months(snapshot)
period = st.selectbox("Month", months, index=months.index(submission.next_due(snapshot)), format_func=label, key="returns_period")
counts = returns.due_count(snapshot, period)
due, received, missing = st.columns(3)
due.metric("Figures due", counts["due"])
received.metric("Received", counts["received"])
missing.metric("Still missing", counts["missing"])

table = returns.outstanding(snapshot, store.owners(data.database()), period)
if table.empty:
    st.success(f"Every figure due for {label(period)} is in.")
    st.stop()
st.subheader("By owner and thematic area")
counts = words.owner_counts(returns.by_owner_and_area(table))
st.dataframe(counts, hide_index=True, width="stretch", column_config=words.column_help(counts))
st.subheader("Measures without a figure")
rows = words.missing_table(table)
st.dataframe(rows, hide_index=True, width="stretch", column_config=words.column_help(rows, {"Measure": "large"}))
st.download_button(
    "Download CSV", write_csv(table.assign(period=period)), file_name=f"returns-{period}.csv",
    mime="text/csv", key="download_returns",
)
