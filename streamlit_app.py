"""The performance dashboard: declares the pages and the local-mode banner."""

import streamlit as st

st.set_page_config(page_title="Children's services performance", page_icon="📊", layout="wide")

pages = [
    st.Page("pages/scorecard.py", title="Scorecard", icon="🗂️", url_path="scorecard", default=True),
]
navigation = st.navigation(pages, position="top")
st.caption("🔒 Local mode: you are the administrator admin@localhost; the app listens on 127.0.0.1 only.")
navigation.run()
