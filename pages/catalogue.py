"""Catalogue (administrators): measures, effective-dated targets, tolerances and comparators, areas,
the year-end files, and every change with who, when and why."""

import streamlit as st

from kpicore.files.csv_writer import write_csv
from kpicore.periods import label
from kpicore.reports.catalogue import catalogue, timeline
from kpicore.store import catalogue as changes
from kpicore.vocab import Frequency, Polarity, Role, Unit
from ui import catalogue as ui
from ui import catalogue_tables as tables
from ui import data, entrypoint, identity

entrypoint.ensure()
me = identity.require(Role.ADMIN)
database = data.database()
snapshot = data.snapshot()
months = tables.months(snapshot)
latest = tables.latest_month(snapshot)
areas = dict(zip(snapshot.areas["area_id"], snapshot.areas["name"]))

st.title("Catalogue")
st.markdown(
    "Measures, their targets, tolerances and comparators, each in force from a month until the next entry. "
    "Every change needs a reason and is recorded with who and when (see the change history)."
)

# --- the measures ---------------------------------------------------------------------------------
at, search, area = st.columns([1, 2, 2])
period = at.selectbox("In force at", months, index=months.index(latest), format_func=label, key="catalogue_at")
words = search.text_input("Find a measure", placeholder="Part of a name or id", key="catalogue_search")
area = area.selectbox(
    "Thematic area", [None, *areas], format_func=lambda a: "All areas" if a is None else areas[a], key="catalogue_area",
)
everything = catalogue(snapshot, period)
found = tables.find(everything, words, area)
event = st.dataframe(
    tables.measures_table(found), hide_index=True, width="stretch", height=tables.table_height(len(found)), column_config=tables.MEASURES_CONFIG,
    on_select="rerun", selection_mode="single-row", key=f"catalogue_table_{period}_{words}_{area}",
)
st.markdown(f"{len(found)} of {len(everything)} measures. Select a row to choose the measure below.")
if event.selection.rows:  # a row just selected chooses the measure (once, so the chooser stays free)
    picked = found["measure_id"].iloc[event.selection.rows[0]]
    if st.session_state.get("catalogue_picked") != picked:
        st.session_state["catalogue_picked"] = st.session_state["catalogue_measure"] = picked

names = dict(zip(everything["measure_id"], everything["name"]))
chooser, about = st.columns([1, 1])
measure_id = chooser.selectbox("Measure", list(names), format_func=names.get, key="catalogue_measure")
measure = tables.one(everything, measure_id)
unit = measure["unit"]
about.markdown(tables.describe(measure))
about.markdown(
    f"In force at {label(period)}: target {tables.shown(measure['target'], unit)}, tolerance "
    f"{tables.shown(measure['tolerance'], unit)}, comparator {identity.plain(tables.comparator_text(measure['comparator_value'], measure['comparator_label'], unit)) or '–'}."
)
entries = tables.timeline_table(timeline(snapshot, measure_id), unit)
st.markdown("**Targets, tolerances and comparators, from each month**")
if entries.empty:
    st.info("No target or comparator has been set for this measure.")
else:
    st.dataframe(entries, hide_index=True, width="stretch", height=tables.table_height(len(entries), 5), column_config=tables.TIMELINE_CONFIG)

target_tab, end_tab, comparator_tab, details_tab, retire_tab = st.tabs(
    ["Set a target", "End or remove a target", "Comparator", "Edit the measure", "Retire or reinstate"]
)

with target_tab:
    ui.show_saved("target")
    with st.form("set_target"):
        when, value, tolerance, typed = st.columns([1, 1, 2, 1])
        start = when.selectbox("From month", months, index=months.index(latest), format_func=label, key="target_from")
        target = value.number_input("Target", value=None, step=0.1, format="%g", key="target_value")
        mode = tolerance.radio(
            "Tolerance", list(ui.TOLERANCE_MODES), format_func=ui.TOLERANCE_MODES.get, horizontal=True,
            key="target_tolerance_mode",
        )
        given = typed.number_input("Tolerance value", value=None, step=0.1, format="%g", key="target_tolerance",
                                   help="Used when the tolerance is “This value”: on the worse side of the target.")
        st.markdown(ui.proposal_rule(snapshot, measure))
        if st.form_submit_button("Preview", key="target_preview"):
            st.session_state["target_plan"] = {
                "measure_id": measure_id, "period": start, "target": target, "mode": mode, "typed": given,
            }
    plan = st.session_state.get("target_plan")
    if plan and plan["measure_id"] == measure_id:
        ui.target_preview(plan, snapshot, measure, database, user=me.email)

with end_tab:
    ui.show_saved("end")
    left, right = st.columns(2)
    with left.form("end_target", clear_on_submit=True):
        st.markdown("**End the target from a month**: no target is in force from then (until a later one).")
        start = st.selectbox("From month", months, index=months.index(latest), format_func=label, key="end_from")
        reason = st.text_input("Reason (required)", placeholder="Measure no longer has an agreed target", key="end_reason")
        if st.form_submit_button("End the target", key="end_target"):
            ui.save("end", lambda: changes.end_target(database, measure_id, start, user=me.email, reason=reason),
                    f"Saved: {names[measure_id]} has no target from {label(start)}.")
    own = snapshot.targets.loc[snapshot.targets["measure_id"] == measure_id, "from_period"].tolist()
    with right.form("remove_target", clear_on_submit=True):
        st.markdown("**Remove a mistaken entry**: the entry before it applies again (recorded).")
        start = st.selectbox("Entry from", own, format_func=label, key="remove_from")
        reason = st.text_input("Reason (required)", placeholder="Entered against the wrong month", key="remove_reason")
        if st.form_submit_button("Remove the entry", key="remove_target", disabled=not own):
            ui.save("end", lambda: changes.remove_target(database, measure_id, start, user=me.email, reason=reason),
                    f"Removed the target entry of {names[measure_id]} from {label(start)}.")

with comparator_tab:
    ui.show_saved("comparator")
    with st.form("set_comparator", clear_on_submit=True):
        when, value, source = st.columns([1, 1, 2])
        start = when.selectbox("From month", months, index=months.index(latest), format_func=label, key="comparator_from")
        figure = value.number_input("Comparator value", value=None, step=0.1, format="%g", key="comparator_value")
        text = source.text_input("Source or comparator text", placeholder="England 2021-22", key="comparator_label")
        reason = st.text_input("Reason (required)", placeholder="Published national figures", key="comparator_reason")
        st.markdown("Give a value, a source, or both. An entry for a month that already has one corrects it.")
        if st.form_submit_button("Save the comparator", key="comparator_save"):
            ui.save("comparator", lambda: changes.set_comparator(
                database, measure_id, start, figure, text or None, user=me.email, reason=reason,
            ), lambda row: f"Saved: {names[measure_id]}'s comparator from {label(start)}: "
                           f"{tables.comparator_text(row['value'], row['label'], unit)}.")

with details_tab:
    ui.show_saved("details")
    with st.form("edit_measure"):
        key = f"_{measure_id}"  # each measure's own fields, filled with what is stored
        name = st.text_input("Name", value=measure["name"], key="edit_name" + key)
        first, second, third, fourth = st.columns(4)
        edited = {
            "name": name,
            "area_id": first.selectbox("Thematic area", list(areas), index=list(areas).index(measure["area_id"]),
                                       format_func=areas.get, key="edit_area" + key),
            "unit": second.selectbox("Unit", [u.value for u in Unit], index=[u.value for u in Unit].index(unit),
                                     format_func=lambda u: Unit(u).label, key="edit_unit" + key),
            "polarity": third.selectbox("Polarity", [p.value for p in Polarity],
                                        index=[p.value for p in Polarity].index(measure["polarity"]),
                                        format_func=lambda p: Polarity(p).label, key="edit_polarity" + key),
            "frequency": fourth.selectbox("Frequency", [f.value for f in Frequency],
                                          index=[f.value for f in Frequency].index(measure["frequency"]),
                                          format_func=str.capitalize, key="edit_frequency" + key),
            "lower_bound": first.number_input("Lowest value allowed", value=tables.number(measure["lower_bound"]),
                                              format="%g", key="edit_lower" + key),
            "upper_bound": second.number_input("Highest value allowed", value=tables.number(measure["upper_bound"]),
                                               format="%g", key="edit_upper" + key),
            "dot_threshold": third.number_input("D.o.T. threshold", value=float(measure["dot_threshold"]), step=0.1,
                                                format="%g", key="edit_dot" + key),
            "position": fourth.number_input("Position", value=int(measure["position"]), min_value=1, step=1,
                                            key="edit_position" + key),
            "killer_kpi": st.checkbox("Killer KPI", value=bool(measure["killer_kpi"]), key="edit_killer" + key),
        }
        understood = st.checkbox(ui.UNDERSTOOD, key="edit_understood" + key,
                                 help="Needed to change the unit or the polarity: every month's band is judged again.")
        reason = st.text_input("Reason (required)", placeholder="Definition changed by the DfE", key="edit_reason" + key)
        if st.form_submit_button("Save changes", key="edit_save"):
            edits = ui.changed(measure, edited)
            reading = ui.reading_changes(edits)
            if not edits:
                st.info("Nothing to change: every field is as stored.")
            elif reading and not understood:
                st.error(f"Nothing was changed: changing the {' and '.join(reading)} changes how every past figure is "
                         f"judged. Tick “{ui.UNDERSTOOD}” to go ahead.", icon=":material/block:")
            else:
                ui.save("details", lambda: changes.edit_measure(database, measure_id, edits, user=me.email, reason=reason),
                        f"Saved: {', '.join(tables.FIELDS[f].lower() for f in edits)} of {edited['name']}.")

with retire_tab:
    ui.show_saved("retire")
    if isinstance(measure["retired_from"], str):
        with st.form("reinstate_measure", clear_on_submit=True):
            st.markdown(f"Retired from **{label(measure['retired_from'])}**. Reinstating it asks for its figures again.")
            reason = st.text_input("Reason (required)", placeholder="Back in the scorecard from April", key="reinstate_reason")
            if st.form_submit_button("Reinstate the measure", key="reinstate"):
                ui.save("retire", lambda: changes.reinstate_measure(database, measure_id, user=me.email, reason=reason),
                        f"Reinstated {names[measure_id]}.")
    else:
        with st.form("retire_measure", clear_on_submit=True):
            st.markdown("No figure is expected from this month: it leaves the form, the returns and the templates. "
                        "Its history and earlier scorecards are unchanged.")
            start = st.selectbox("Retire from", months, index=months.index(latest), format_func=label, key="retire_from")
            reason = st.text_input("Reason (required)", placeholder="Replaced by a new measure", key="retire_reason")
            if st.form_submit_button("Retire the measure", key="retire"):
                ui.save("retire", lambda: changes.retire_measure(database, measure_id, start, user=me.email, reason=reason),
                        f"Retired {names[measure_id]} from {label(start)}.")

# --- the year-end files ---------------------------------------------------------------------------
st.subheader("Year-end targets and comparators")
st.markdown(
    "Download the template (a row per measure in use, filled with what is in force at its month), change what "
    "changes, and upload it: every row is checked, then previewed against what is in force. One reason covers the file."
)
for kind, tab in zip(ui.FILE_KINDS, st.tabs(list(ui.FILE_KINDS.values()))):
    with tab:
        ui.year_end_file(kind, database, snapshot, months, tables.year_start(latest), user=me.email)

# --- new measures and areas -----------------------------------------------------------------------
st.subheader("New measures and thematic areas")
new_tab, area_tab, rename_tab, order_tab = st.tabs(["Add a measure", "Add an area", "Rename an area", "Reorder the areas"])
with new_tab:
    ui.show_saved("new")
    with st.form("add_measure"):
        ident, name = st.columns([1, 2])
        new = {
            "measure_id": ident.text_input("Id", placeholder="initial-visits-within-3-days", key="new_id",
                                           help="Lower-case letters, digits and hyphens; it never changes."),
            "name": name.text_input("Name", key="new_name"),
        }
        first, second, third, fourth = st.columns(4)
        new |= {
            "area_id": first.selectbox("Thematic area", list(areas), format_func=areas.get, key="new_area"),
            "unit": second.selectbox("Unit", [u.value for u in Unit], format_func=lambda u: Unit(u).label, key="new_unit"),
            "polarity": third.selectbox("Polarity", [p.value for p in Polarity], format_func=lambda p: Polarity(p).label,
                                        key="new_polarity"),
            "frequency": fourth.selectbox("Frequency", [f.value for f in Frequency], format_func=str.capitalize,
                                          key="new_frequency"),
            "lower_bound": first.number_input("Lowest value allowed", value=None, format="%g", key="new_lower",
                                              help="A percentage without bounds gets 0 to 100."),
            "upper_bound": second.number_input("Highest value allowed", value=None, format="%g", key="new_upper"),
            "dot_threshold": third.number_input("D.o.T. threshold", value=1.0, step=0.1, format="%g", key="new_dot"),
            "killer_kpi": fourth.checkbox("Killer KPI", key="new_killer"),
        }
        reason = st.text_input("Reason (required)", placeholder="New measure agreed for 2023-24", key="new_reason")
        st.markdown("It goes at the end of the scorecard's order; set its target and comparator once it is added.")
        if st.form_submit_button("Add the measure", key="new_measure"):
            ui.save("new", lambda: changes.add_measure(database, new, user=me.email, reason=reason),
                    lambda row: f"Added {row['name']} ({row['measure_id']}).")
with area_tab:
    ui.show_saved("area")
    with st.form("add_area", clear_on_submit=True):
        ident, name = st.columns([1, 2])
        area_id = ident.text_input("Id", placeholder="early-help", key="area_id",
                                   help="Lower-case letters, digits and hyphens; it never changes.")
        area_name = name.text_input("Name", placeholder="Early Help", key="area_name")
        reason = st.text_input("Reason (required)", key="area_reason")
        if st.form_submit_button("Add the area", key="add_area"):
            ui.save("area", lambda: changes.add_area(database, area_id, area_name, user=me.email, reason=reason),
                    f"Added the area {area_name}.")
with rename_tab:
    ui.show_saved("rename")
    with st.form("rename_area", clear_on_submit=True):
        which, name = st.columns(2)
        area_id = which.selectbox("Area", list(areas), format_func=areas.get, key="rename_area_id")
        area_name = name.text_input("New name", key="rename_name")
        reason = st.text_input("Reason (required)", key="rename_reason")
        if st.form_submit_button("Rename the area", key="rename_area"):
            ui.save("rename", lambda: changes.rename_area(database, area_id, area_name, user=me.email, reason=reason),
                    f"Renamed {areas[area_id]} to {area_name}.")
with order_tab:
    ui.show_saved("order")
    with st.form("reorder_areas", clear_on_submit=True):
        order = st.data_editor(
            tables.area_order(snapshot.areas), hide_index=True, disabled=["Area"], key="area_order",
            column_config={"Position": st.column_config.NumberColumn(min_value=1, step=1, required=True,
                                                                    help="The area's place on the scorecard"),
                           "Area": st.column_config.TextColumn(help=tables.SCREEN_COLUMNS["Thematic area"])},
        )
        reason = st.text_input("Reason (required)", key="order_reason")
        if st.form_submit_button("Reorder the areas", key="reorder_areas"):
            ids = tables.reordered(snapshot.areas, order)
            ui.save("order", lambda: changes.reorder_areas(database, ids, user=me.email, reason=reason),
                    "Areas reordered: " + ", ".join(areas[a] for a in ids) + ".")

# --- the change history ---------------------------------------------------------------------------
st.subheader("Change history")
only = st.toggle("Only the chosen measure", key="history_only")
events = changes.history(database, subject=measure_id if only else None)
st.markdown(f"{len(events)} change(s), newest first: one line per field changed.")
st.dataframe(tables.history_table(events, snapshot), hide_index=True, width="stretch", column_config=tables.HISTORY_CONFIG)
st.download_button(
    "Download the change history (CSV)", write_csv(events), file_name="catalogue-history.csv", mime="text/csv",
    key="download_catalogue_history",
)
