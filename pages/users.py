"""Users (administrators): who may do what, and which measures each data owner owns."""

import streamlit as st

from kpicore import store
from kpicore.access import ROLE_LABEL, PermissionDenied
from kpicore.vocab import Role
from ui import data, entry, entrypoint, identity, words

entrypoint.ensure()
me = identity.require(Role.ADMIN)
database = data.database()
names = data.snapshot().measures.set_index("measure_id")["name"]


def act(action, done: str) -> None:
    try:
        action()
    except (PermissionDenied, ValueError, KeyError) as error:
        st.error(f"Nothing was changed: {identity.plain(str(error).strip(chr(39)))}")
    else:
        data.clear()
        entry.flash(done)


st.title("Users")
entry.show_flash()
people = store.users(database)
rows = words.users_table(people, names)
st.dataframe(rows, hide_index=True, width="stretch", column_config=words.column_help(rows))

with st.form("save_user", clear_on_submit=True):
    st.subheader("Add a user or change a role")
    email, name, role = st.columns([3, 2, 1])
    email = email.text_input("E-mail", key="new_email")
    name = name.text_input("Name", key="new_name")
    role = role.selectbox("Role", list(Role), format_func=ROLE_LABEL.get, key="new_role")
    if st.form_submit_button("Save user", key="save_user"):
        act(lambda: store.save_user(database, email, role=role, name=name, user=me.email), f"Saved {email}.")

owners = people[people["role"] != Role.VIEWER.value]["email"].tolist()
st.subheader("Measures owned")
person = st.selectbox("Data owner", owners, key="owner")
owned = sorted(store.account(database, person).measures) if person else []
chosen = st.multiselect("Measures", list(names.index), default=owned, format_func=names.get, key=f"measures_{person}")
if st.button("Save measures", key="save_measures"):
    act(lambda: store.set_measures(database, person, chosen, user=me.email), f"{person} now owns {len(chosen)} measure(s).")

st.subheader("Remove a user")
gone = st.selectbox("User", people["email"].tolist(), key="remove_email")
if st.button("Remove user", key="remove_user"):
    act(lambda: store.remove_user(database, gone, user=me.email), f"Removed {gone}.")
