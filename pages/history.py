"""History: every version of every figure, with who changed it, when, how and why."""

import streamlit as st

from kpicore import store
from kpicore.files.csv_writer import write_csv
from kpicore.vocab import Role
from ui import data, entrypoint, identity, present, words

entrypoint.ensure()
identity.require(*Role)
snapshot = data.snapshot()
names = snapshot.measures.set_index("measure_id")["name"]

st.title("History")
st.markdown("Figures are never overwritten: each change is a new version, with who, when, source and reason.")
left, right = st.columns([3, 1])
measure = left.selectbox(
    "Measure", [None, *names.index], format_func=lambda m: "All measures" if m is None else names[m], key="history_measure",
)
periods = sorted({*snapshot.observations["period"], *snapshot.out_of_range["period"].astype(str)}, reverse=True)
period = right.selectbox(  # its own key: the scorecard's month ("period") is another choice
    "Month", [None, *periods], key="history_period",
    format_func=lambda p: "All months" if p is None else present.stored_month(p, snapshot.settings.years),
)

versions = store.history(data.database(), measure_id=measure, period=period)
revised = int((versions["change"] == "revised").sum())
st.markdown(f"{len(versions)} version(s), newest first; {revised} revision(s).")
rows = words.history_table(versions, with_measure=measure is None)
st.dataframe(
    rows, hide_index=True, width="stretch",
    column_config=words.column_help(rows, dict.fromkeys(("Measure", "Commentary", "Reason"), "large")),
)
st.download_button(
    "Download CSV", write_csv(versions), file_name="history.csv", mime="text/csv", key="download_history",
)
