"""About: what every band, arrow and column means, and the method behind the SPC icons."""

from pathlib import Path

import streamlit as st

from kpicore.reports import about
from ui import data, entrypoint, present

entrypoint.ensure()

st.title("About this dashboard")
st.markdown(
    "The council's children's social care scorecard: each measure's monthly figure, judged against its "
    "target and tolerance, with the direction of travel and statistical process control (SPC). "
    "The figures come from the data owners' monthly returns; the history starts with the council's "
    "Nov-22 scorecard spreadsheet, imported with the corrections listed in the project's `data/README.md`."
)
st.subheader("Status bands")
st.markdown(present.legend_html(), unsafe_allow_html=True)
st.table(about.bands(data.snapshot().settings).set_index("Symbol"))
st.subheader("Direction of travel")
st.table(about.arrows().set_index("Arrow"))
st.caption("The arrow shows the raw direction; whether it is an improvement depends on the measure's polarity.")
st.subheader("SPC icons")
st.table(about.spc_icons().set_index("Icon"))
st.subheader("Scorecard columns")
st.table(about.columns().set_index("Column"))
st.subheader("Method: statistical process control")
st.markdown((Path(__file__).resolve().parent.parent / "docs" / "spc-method.md").read_text(encoding="utf-8"))
