"""Scorecard: every measure by thematic area for a 13-month window, filtered, a page at a time, with downloads."""

import streamlit as st

from kpicore.periods import label
from ui import data, entrypoint, filters, scorecard_html

entrypoint.ensure()

st.title("Scorecard")
when, columns, csv, excel = st.columns([2, 3, 1.3, 1.3], vertical_alignment="bottom")
with when:
    period = filters.period(data.periods())
chosen = filters.widgets(data.areas())
filters.remember(chosen, period)
more = columns.toggle("More columns: targets, comparators, SPC", key="scorecard_more")
view = data.scorecard_page(period, chosen, filters.page_number(period, chosen), more)
csv.download_button(
    "Download CSV", data.scorecard_csv_bytes(period, chosen), file_name=f"scorecard-{period}.csv",
    mime="text/csv", key="download_csv", on_click="ignore", width="stretch",
)
excel.download_button(
    "Download Excel",
    data.scorecard_xlsx_data(period, chosen, view.shown),
    file_name=f"scorecard-{period}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_xlsx",
    on_click="ignore",
    width="stretch",
)

st.markdown(
    f"13 months ending {label(period)}: {view.shown} of {view.total} measures"
    + (" (filtered)" if chosen.active else "")
    + (f"; measures {view.first} to {view.last} on this page" if view.pages > 1 else "")
    + "."
)
st.html(scorecard_html.STYLE + scorecard_html.key_html())
st.page_link("pages/about.py", label="Glossary: every term and symbol explained (About)", icon=":material/menu_book:")

if view.shown == 0:
    st.info("No measure matches these filters.")
for block in view.blocks:
    st.html(block)
filters.pager(period, chosen, view.page, view.pages)
