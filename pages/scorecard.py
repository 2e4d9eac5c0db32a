"""Scorecard: every measure by thematic area for a 13-month window, filtered, a page at a time, with downloads."""

import streamlit as st

from kpicore.periods import label
from ui import data, entrypoint, filters, present, scorecard_html

entrypoint.ensure()

st.title("Scorecard")
period = filters.period(data.periods())
chosen = filters.widgets(data.areas())
filters.remember(chosen, period)
more = st.toggle(
    "More columns: performance group, change, distance from target, target, tolerance, comparator and SPC",
    key="scorecard_more",
)
view = data.scorecard_page(period, chosen, filters.page_number(period, chosen), more)

st.caption(
    f"13 months ending {label(period)}: {view.shown} of {view.total} measures"
    + (" (filtered)" if chosen.active else "")
    + (f"; measures {view.first} to {view.last} on this page" if view.pages > 1 else "")
    + "."
)
st.markdown(
    "**How to read it.** Each month shows the figure over its band's symbol, on the band's colour (key below). "
    "**D.o.T.** (direction of travel): ↑ up, ↓ down or → level since the previous period, and whether that is "
    "*improving* or *worsening* for the measure. **Status**: the band of the latest figure. "
    "★ marks a killer KPI. Open a measure's history by its name."
)
st.page_link("pages/about.py", label="Glossary: every term and symbol explained (About)", icon=":material/menu_book:")
st.markdown(present.legend_html(), unsafe_allow_html=True)

left, right, _ = st.columns([1, 1, 3])
left.download_button(
    "Download CSV", data.scorecard_csv_bytes(period, chosen), file_name=f"scorecard-{period}.csv",
    mime="text/csv", key="download_csv", on_click="ignore",
)
right.download_button(
    "Download Excel",
    data.scorecard_xlsx_bytes(period, chosen),
    file_name=f"scorecard-{period}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="download_xlsx",
    on_click="ignore",
)

if view.shown == 0:
    st.info("No measure matches these filters.")
st.html(scorecard_html.STYLE)
for block in view.blocks:
    st.html(block)
filters.pager(period, chosen, view.page, view.pages)
