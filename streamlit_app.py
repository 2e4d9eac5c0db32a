"""The performance dashboard: declares the pages and the local-mode banner."""

import streamlit as st

st.set_page_config(page_title="Children's services performance", page_icon=":material/monitoring:", layout="wide")

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/home:", url_path="overview", default=True),
    st.Page("pages/scorecard.py", title="Scorecard", icon=":material/table_chart:", url_path="scorecard"),
    st.Page("pages/explorer.py", title="Measure explorer", icon=":material/show_chart:", url_path="explorer"),
    st.Page("pages/about.py", title="About", icon=":material/info:", url_path="about"),
]
navigation = st.navigation(pages, position="top")
st.caption(":material/lock: Local mode: you are the administrator admin@localhost; the app listens on 127.0.0.1 only.")
navigation.run()
