"""Overview: where the service stands as at a month, what changed, what is missing."""

import streamlit as st

from kpicore.periods import label
from kpicore.reports import overview, returns, scorecard
from kpicore.workflows import submission
from ui import data, entrypoint, filters, present, words

entrypoint.ensure()

snapshot = data.snapshot()
st.title("Overview")
period = filters.period(data.periods())
table = data.scorecard_table(period)
units = snapshot.measures.set_index("measure_id")["unit"]
polarity = snapshot.measures.set_index("measure_id")["polarity"]
st.markdown(
    f"Data as at **{label(period)}** (latest month with figures: {label(data.periods()[0])}). "
    "A quarterly measure shows its latest quarter. "
    "[What the words and symbols mean](about#glossary)"
)

st.subheader("Status by thematic area")
counts = present.counts_table(overview.band_counts(table))
st.dataframe(counts, width="stretch", column_config=words.column_help(counts))

concerns = table[table["variation"] == "concern"]
st.subheader(f"Special cause concern ({len(concerns)})")
st.markdown("SPC says these moved beyond what normal month-to-month variation explains, in the wrong direction.")
if len(concerns):
    rows = words.measure_rows(concerns, units)
    st.dataframe(rows, hide_index=True, width="stretch", column_config=words.column_help(rows))

st.subheader("Killer KPIs")
rows = words.measure_rows(overview.killer_kpis(table), units)
st.dataframe(rows, hide_index=True, width="stretch", column_config=words.column_help(rows))

improving, worsening = overview.biggest_changes(table, polarity)
left, right = st.columns(2)
for column, heading, changes in ((left, "Biggest improvements", improving), (right, "Biggest deteriorations", worsening)):
    column.subheader(heading)
    rows = words.measure_rows(changes, units)[["Measure", "Value", "D.o.T.", "Change", "Status"]]
    column.dataframe(rows, hide_index=True, column_config=words.column_help(rows, {"Measure": "medium"}))

missing = scorecard.missing_figures(snapshot, period)
st.subheader(f"Figures still missing for {label(period)} ({len(missing)})")
if len(missing):
    rows = words.missing_table(missing)
    st.dataframe(rows, hide_index=True, width="stretch", column_config=words.column_help(rows))
else:
    st.success("Every measure due a figure for this month has one.")
upcoming = submission.next_due(snapshot)
if upcoming != period:
    due = returns.due_count(snapshot, upcoming)
    st.info(
        f"Next return, {label(upcoming)}: {due['received']} of {due['due']} figures are in, "
        f"{due['missing']} still missing (see Returns).",
        icon=":material/assignment_late:",
    )
