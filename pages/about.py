"""About: a glossary of every term on the pages, what each column on screen means, the downloads'
column names, and the method behind the SPC icons."""

from pathlib import Path

import streamlit as st

from kpicore.reports import about
from ui import data, entrypoint, present

entrypoint.ensure()
settings = data.snapshot().settings

st.title("About this dashboard")
st.markdown(
    "The council's children's social care scorecard: each measure's monthly figure, judged against its "
    "target and tolerance, with the direction of travel (D.o.T.) and statistical process control (SPC). "
    "The figures come from the data owners' monthly returns; the history starts with the council's "
    "Nov-22 scorecard spreadsheet, imported with the corrections listed in the project's data notes."
)
st.subheader("Glossary", anchor="glossary")
st.markdown(about.glossary_html(about.glossary(settings)), unsafe_allow_html=True)
st.subheader("Status bands", anchor="bands")
st.markdown(present.legend_html(), unsafe_allow_html=True)
st.table(about.bands(settings).set_index("Symbol"))
st.subheader("Direction of travel", anchor="direction-of-travel")
st.table(about.arrows().set_index("Arrow"))
st.markdown("The arrow shows the raw direction; whether it is improving or worsening depends on the measure's polarity:")
st.table(about.polarities().set_index("Polarity"))
st.subheader("SPC icons", anchor="spc-icons")
st.table(about.spc_icons().set_index("Icon"))
st.subheader("Columns on screen", anchor="columns")
st.table(about.screen_columns().set_index("Column"))
st.subheader("Downloads", anchor="downloads")
st.markdown("The scorecard's CSV and Excel files name their columns for other programs to read:")
st.markdown(about.download_columns_markdown())
st.subheader("Method: statistical process control", anchor="method")
st.markdown((Path(__file__).resolve().parent.parent / "docs" / "spc-method.md").read_text(encoding="utf-8"))
