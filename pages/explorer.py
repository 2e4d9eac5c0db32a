"""Measure explorer: one measure's whole history as a chart and a table, with downloads."""

import streamlit as st

from kpicore import store
from kpicore.files.csv_writer import write_csv
from kpicore.reports import charts, explorer
from kpicore.vocab import Frequency, Polarity, Unit
from ui import data, entry, entrypoint, explorer_choice, identity, present, rebase, withdraw

entrypoint.ensure()
me = identity.current()
entry.show_flash()

snapshot = data.snapshot()
names = dict(zip(snapshot.measures["measure_id"], snapshot.measures["name"]))
explorer_choice.follow_links(names)

st.title("Measure explorer")
measure_id = st.selectbox("Measure", list(names), format_func=names.get, key=explorer_choice.KEY)
explorer_choice.remember(measure_id)
fixed = st.toggle("Fix the SPC limits on the first 12 months (baseline)", key="explorer_baseline")
history = data.measure_history(measure_id, 12 if fixed else None)
measure = history.measure

left, middle, right = st.columns(3)
owners = store.owners(data.database())
owned_by = ", ".join(owners.loc[owners["measure_id"] == measure_id, "email"]) or "no data owner yet"
left.markdown(f"**Thematic area:** {history.area}  \n**Measure id:** `{measure_id}`  \n**Data owner:** {identity.plain(owned_by)}")
middle.markdown(
    f"**Unit:** {Unit(measure['unit']).label}  \n**Frequency:** {Frequency(measure['frequency']).value.capitalize()}"
)
right.markdown(f"**Polarity:** {Polarity(measure['polarity']).label}  \n**Killer KPI:** {'Yes' if measure['killer_kpi'] else 'No'}")
st.caption("Definition: as named; the council's scorecard gives no separate definition.")
if outside := present.out_of_range_note(snapshot, measure_id):
    st.warning(outside)

chart = charts.measure_chart(history)
st.altair_chart(chart, width="stretch")
st.caption(
    "Black step line: target. Shaded: tolerance. Grey line: SPC mean; dashed grey: process limits. "
    "Blue dashed: the comparator in force each month. Rings: special cause (blue improvement, orange concern). ✎: commentary."
)
for note in explorer.spc_notes(history):
    st.markdown(f"- {note}")
rebase.controls(me, history)
withdraw.controls(me, snapshot, measure_id)

st.subheader("Figures")
st.dataframe(present.figures_table(history), hide_index=True, width="stretch")
left, right, _ = st.columns([1, 1, 3])
left.download_button(
    "Download CSV", write_csv(present.figures_export(history)),
    file_name=f"{measure_id}.csv", mime="text/csv", key="download_measure_csv",
)
right.download_button(
    "Download chart (PNG)", data.chart_png(measure_id, 12 if fixed else None), file_name=f"{measure_id}.png", mime="image/png",
    key="download_measure_png",
)

st.subheader("Every version of these figures")
st.caption("Figures are never overwritten: each change is a new version, with who, when, source and reason.")
versions = store.history(data.database(), measure_id=measure_id)
st.dataframe(entry.history_table(versions, with_measure=False), hide_index=True, width="stretch")
