"""The performance dashboard: who is signed in, the pages their role may see, and the banner."""

from pathlib import Path

import streamlit as st

from ui import entrypoint, identity

ASSETS = Path(__file__).resolve().parent / "assets"
# The favicon is a local file: a Material icon here would make every browser fetch a font from an outside host.
st.set_page_config(page_title=entrypoint.APP_TITLE, page_icon=str(ASSETS / "favicon.png"), layout="wide")
st.html(ASSETS / "app.css")  # solid keyboard focus rings (WCAG 2.4.7, 1.4.11)
with entrypoint.guarded():  # an unexpected error before the page runs is told as on a page: a reference, no details
    me = identity.current()
    if me is None:  # not signed in, refused, or the app must not run (identity.sign_in says which): no other page
        entrypoint.title_tab("Sign in")
        st.navigation([st.Page(identity.sign_in, title="Sign in", url_path="sign-in")], position="hidden").run()
        st.stop()

    pages = [
        st.Page("pages/overview.py", title="Overview", icon=":material/home:", url_path="overview"),
        st.Page("pages/scorecard.py", title="Scorecard", icon=":material/table_chart:", url_path="scorecard"),
        st.Page("pages/explorer.py", title="Measure explorer", icon=":material/show_chart:", url_path="explorer"),
        st.Page("pages/about.py", title="About", icon=":material/info:", url_path="about"),
    ]
    entry_pages = [  # data entry, by role (every write checks the role again in kpicore)
        *([
            st.Page("pages/submit.py", title="Submit", icon=":material/edit_note:", url_path="submit"),
            st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:", url_path="upload"),
        ] if me.can_enter_figures else []),
        st.Page("pages/returns.py", title="Returns", icon=":material/assignment_late:", url_path="returns"),
        st.Page("pages/history.py", title="History", icon=":material/history:", url_path="history"),
        *([
            st.Page("pages/users.py", title="Users", icon=":material/group:", url_path="users"),
            st.Page("pages/locks.py", title="Locked months", icon=":material/lock_clock:", url_path="locks"),
            st.Page("pages/catalogue.py", title="Catalogue", icon=":material/category:", url_path="catalogue"),
        ] if me.account.is_admin else []),
    ]
    # The app's root shows the overview too (/overview is its link in the navigation): Streamlit serves
    # its default page at / only, so the overview cannot be the default and still answer at /overview.
    home = st.Page("pages/overview.py", title="Overview", url_path="home", default=True, visibility="hidden")
    navigation = st.navigation({"": [home, *pages], "Data entry": entry_pages}, position="top")
    entrypoint.title_tab(navigation.title)
    identity.banner(me)
    with entrypoint.entered():
        navigation.run()
