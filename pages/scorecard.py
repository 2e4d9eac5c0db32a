"""Scorecard: every measure by thematic area for a 13-month window, filtered, with downloads."""

import streamlit as st

from kpicore.files.csv_writer import write_csv
from kpicore.periods import label
from ui import data, entrypoint, filters, present

entrypoint.ensure()

snapshot = data.snapshot()
st.title("Scorecard")
period = filters.period(data.periods())
chosen = filters.widgets(snapshot)
filters.remember(chosen, period)
table = chosen.apply(data.scorecard_table(period), snapshot.measures)
units = snapshot.measures.set_index("measure_id")["unit"]

st.caption(
    f"13 months ending {label(period)}: {len(table)} of {len(snapshot.measures)} measures"
    + (" (filtered)" if chosen.active else "")
    + ". Each cell shows the value and its band's symbol. Select a row to open it in the measure explorer."
)
st.markdown(present.legend_html(), unsafe_allow_html=True)

left, right, _ = st.columns([1, 1, 3])
left.download_button(
    "Download CSV", write_csv(table), file_name=f"scorecard-{period}.csv", mime="text/csv", key="download_csv"
)
right.download_button(
    "Download Excel",
    data.scorecard_xlsx_bytes(period, chosen),
    file_name=f"scorecard-{period}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_xlsx",
)

if table.empty:
    st.info("No measure matches these filters.")
for area, rows in table.groupby("area", sort=False):
    st.subheader(area)
    event = st.dataframe(
        present.display_table(rows, units),
        hide_index=True,
        width="stretch",
        height=35 * (len(rows) + 1) + 3,
        column_config={"Measure": st.column_config.TextColumn(width=320, pinned=True)},
        on_select="rerun",
        selection_mode="single-row",
        key=f"table_{area}",
    )
    if event.selection.rows:
        st.session_state["explorer_measure"] = rows["measure_id"].iloc[event.selection.rows[0]]
        st.switch_page("pages/explorer.py")
