"""Scorecard: every measure by thematic area for a 13-month window, with downloads."""

import streamlit as st

from kpicore import scorecard
from kpicore.excel import scorecard_xlsx
from kpicore.periods import label
from ui import data, entrypoint, present

entrypoint.ensure()

snapshot = data.snapshot()
periods = sorted(snapshot.observations["period"].unique(), reverse=True)

st.title("Scorecard")
period = st.selectbox("Scorecard as at", periods, format_func=label, key="period")
table = data.scorecard_table(period)
units = snapshot.measures.set_index("measure_id")["unit"]

st.caption(f"13 months ending {label(period)}. Each cell shows the value and its band's symbol.")
st.markdown(present.legend_html(), unsafe_allow_html=True)

left, right = st.columns(2)
left.download_button(
    "Download CSV",
    scorecard.to_csv(table),
    file_name=f"scorecard-{period}.csv",
    mime="text/csv",
    key="download_csv",
)
right.download_button(
    "Download Excel",
    scorecard_xlsx(table, units, f"Scorecard as at {label(period)}"),
    file_name=f"scorecard-{period}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_xlsx",
)

for area, rows in table.groupby("area", sort=False):
    st.subheader(area)
    st.dataframe(
        present.display_table(rows, units),
        hide_index=True,
        width="stretch",
        height=35 * (len(rows) + 1) + 3,
        column_config={"Measure": st.column_config.TextColumn(width=320, pinned=True)},
    )
