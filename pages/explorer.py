"""Measure explorer: one measure's whole history as a chart and a table, with downloads."""

import streamlit as st

from kpicore import store
from kpicore.files.csv_writer import write_csv
from kpicore.reports import explorer
from kpicore.vocab import Frequency, Polarity, Unit
from ui import data, entry, entrypoint, explorer_choice, identity, present, rebase, withdraw

entrypoint.ensure()
me = identity.current()
entry.show_flash()

st.title("Measure explorer")
with st.spinner("Loading the measures…"):  # shown while the caches fill (after a start or a change of figures)
    snapshot = data.snapshot()
names = dict(zip(snapshot.measures["measure_id"], snapshot.measures["name"]))
explorer_choice.follow_links(names)

measure_id = st.selectbox("Measure", list(names), format_func=names.get, key=explorer_choice.KEY)
explorer_choice.remember(measure_id)
fixed = st.toggle(
    "Fix the SPC limits on the first 12 months (baseline)", key="explorer_baseline",
    help="SPC (statistical process control) tells routine ups and downs from real change. Its mean and process "
    "limits normally come from every month shown; with this on they come from the first 12 months only, and "
    "later months are judged against them.",
)
with st.spinner("Loading this measure's figures and chart…"):
    history = data.measure_history(measure_id, 12 if fixed else None)
    png = data.chart_png(measure_id, 12 if fixed else None)
    chart = data.chart_spec(measure_id, 12 if fixed else None)
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

st.subheader("Chart")
st.vega_lite_chart(spec=chart, width="stretch", theme=None)  # as the PNG draws it (Streamlit's theme blackens legend symbols)
st.caption(
    "Points: each month's figure, coloured and shaped by its band. Black step line: the target. Shaded yellow: "
    "the tolerance. Grey line: the SPC mean; dashed grey lines: the process limits. Blue dashed line: the comparator "
    "in force each month. Rings round a point: special cause, blue circle for improvement, orange square for "
    "concern, purple triangle for higher or lower (neither). ✎: commentary. Point at a month for its figures; "
    "every month is also in the Figures table below."
)
if notes := explorer.spc_notes(history):
    st.subheader("SPC signals")
    st.markdown("\n".join(f"- {note}" for note in notes))
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
    "Download chart (PNG)", png, file_name=f"{measure_id}.png", mime="image/png", key="download_measure_png",
)

st.subheader("Every version of these figures")
st.caption("Figures are never overwritten: each change is a new version, with who, when, source and reason.")
versions = store.history(data.database(), measure_id=measure_id)
st.dataframe(entry.history_table(versions, with_measure=False), hide_index=True, width="stretch")
