"""Overview: where the service stands as at a month, what changed, what is missing."""

import streamlit as st

from kpicore.periods import label
from kpicore.reports import overview, returns, scorecard
from kpicore.workflows import submission
from ui import data, entrypoint, filters, present

entrypoint.ensure()

snapshot = data.snapshot()
st.title("Overview")
period = filters.period(data.periods())
table = data.scorecard_table(period)
units = snapshot.measures.set_index("measure_id")["unit"]
polarity = snapshot.measures.set_index("measure_id")["polarity"]
st.caption(
    f"Data as at **{label(period)}** (latest month with figures: {label(data.periods()[0])}). "
    "A quarterly measure shows its latest quarter."
)

st.subheader("Status by thematic area")
st.dataframe(present.counts_table(overview.band_counts(table)), width="stretch")

concerns = table[table["variation"] == "concern"]
st.subheader(f"Special cause concern ({len(concerns)})")
st.caption("SPC says these moved beyond what normal month-to-month variation explains, in the wrong direction.")
if len(concerns):
    st.dataframe(present.measure_rows(concerns, units), hide_index=True, width="stretch")

st.subheader("Killer KPIs")
st.dataframe(present.measure_rows(overview.killer_kpis(table), units), hide_index=True, width="stretch")

improving, worsening = overview.biggest_changes(table, polarity)
left, right = st.columns(2)
left.subheader("Biggest improvements")
left.dataframe(present.measure_rows(improving, units)[["Measure", "Value", "Change", "Status"]], hide_index=True)
right.subheader("Biggest deteriorations")
right.dataframe(present.measure_rows(worsening, units)[["Measure", "Value", "Change", "Status"]], hide_index=True)

missing = scorecard.missing_figures(snapshot, period)
st.subheader(f"Figures still missing for {label(period)} ({len(missing)})")
if len(missing):
    st.dataframe(missing[["area", "measure", "last_period"]], hide_index=True, width="stretch")
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
