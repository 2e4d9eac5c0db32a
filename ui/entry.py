"""Streamlit glue for data entry: the validation report, the preview of changes, a refusal of a stale save,
the flash after a save and the history of versions (the monthly form itself is ``ui.submit_form``).

User text (file names, commentary, cell values) is only ever shown in tables
or plain text, never as HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpicore.files.csv_writer import write_csv
from kpicore.periods import label
from kpicore.workflows import submission
from ui.identity import plain
from ui.present import band_text, format_value

SHOWN = 200
"""Rows of a report or preview shown on the page; the download has them all."""


def report(plan: submission.Plan, key: str) -> None:
    """The refusal: every problem with row, column, the value found and what is allowed."""
    st.error(f"{plain(plan.summary())} Correct the file and upload it again.", icon=":material/block:")
    table = pd.DataFrame(
        [{"Row": p.row, "Column": p.column or "", "Value": p.value, "Problem": p.message} for p in plan.problems]
    )
    table["Row"] = table["Row"].map(lambda r: "" if pd.isna(r) else str(int(r)))
    if len(table) > SHOWN:
        st.markdown(f"The first {SHOWN} of {len(table)} problems; download the report for all of them.")
    st.table(table.head(SHOWN), hide_index=True, alt=f"Validation report: {len(table)} problem(s), each with its row, column, value found and what is wrong")
    st.download_button(
        "Download the report (CSV)", write_csv(table), file_name="validation-report.csv",
        mime="text/csv", key=f"{key}_report",
    )


def preview(plan: submission.Plan, key: str) -> None:
    """What would change: new figures, revised ones (old → new) and how many are unchanged."""
    new, revised, same = plan.count("new"), plan.count("revised"), plan.count("unchanged")
    left, middle, right = st.columns(3)
    left.metric("New figures", new)
    middle.metric("Revised figures", revised)
    right.metric("Unchanged", same)
    for note in plan.notes:
        st.info(note, icon=":material/info:")
    if plan.locked:
        st.warning(f"Locked (signed-off) months: {', '.join(label(p) for p in plan.locked)}. A reason is required.")
    changes = plan.to_write
    if changes.empty:
        st.success("Nothing to change: every figure in the file is already recorded.")
        return
    table = pd.DataFrame({
        "Row": changes["row"].astype(int).astype(str),
        "Measure": changes["measure"],
        "Month": changes["period"].map(label),
        "Change": changes["status"],
        "Old": [format_value(v, u) for v, u in zip(changes["old_value"], changes["unit"])],
        "New": [format_value(v, u) for v, u in zip(changes["value"], changes["unit"])],
        "Band": changes["band"].map(band_text),
        "Commentary": changes["commentary"].fillna(""),
    })
    if len(table) > SHOWN:
        st.markdown(f"The first {SHOWN} of {len(table)} changes; download the preview for all of them.")
    st.table(table.head(SHOWN), hide_index=True, alt=f"Preview: the {len(table)} figure(s) that would be new or revised, old and new")
    st.download_button(
        "Download the preview (CSV)", write_csv(changes), file_name="preview.csv", mime="text/csv",
        key=f"{key}_preview",
    )


def history_table(versions: pd.DataFrame, with_measure: bool = True) -> pd.DataFrame:
    """Versions as people read them: month, measure, old → new, commentary, who, when, how, why."""
    table = pd.DataFrame({
        "Month": versions["period"].map(label),
        "Measure": versions["measure"],
        "Change": versions["change"],
        "Old → new": [
            f"{'' if pd.isna(old) else f'{old:g} → '}{'' if pd.isna(new) else f'{new:g}'}"
            for old, new in zip(versions["old_value"], versions["value"])
        ],
        "Commentary": versions["commentary"].fillna(""),
        "Group": versions["performance_group"].fillna(""),
        "By": versions["recorded_by"],
        "When (UTC)": versions["recorded_at"].str.replace("T", " ").str[:16],
        "Source": versions["source"],
        "Reason": versions["reason"].fillna(""),
    })
    return table if with_measure else table.drop(columns="Measure")


def flash(message: str) -> None:
    """Show ``message`` after a rerun, so that the page redraws with what was just saved."""
    st.session_state["flash"] = plain(message)
    st.rerun()


def show_flash() -> None:
    if message := st.session_state.pop("flash", None):
        st.success(message, icon=":material/check_circle:")


def changed_figures(moved: list[dict], measures: pd.DataFrame) -> list[str]:
    """Each figure that changed since the person saw it, in words: measure, month, seen, now, by whom, when."""
    names = measures.set_index("measure_id")
    lines = []
    for figure in moved:
        unit = names.at[figure["measure_id"], "unit"]
        seen = "no figure" if figure["seen_value"] is None else format_value(figure["seen_value"], unit)
        when = str(figure["recorded_at"]).replace("T", " ")[:16]
        lines.append(
            f"{names.at[figure['measure_id'], 'name']}, {label(figure['period'])}: you saw {seen}, it is now "
            f"{format_value(figure['value'], unit)}, recorded by {figure['recorded_by']} on {when} UTC."
        )
    return lines


def stale_refusal(moved: list[dict], measures: pd.DataFrame, since: str, next_step: str) -> None:
    """The refusal of a save because figures changed ``since`` (the form was opened, the preview): each
    one in words, then what to do next."""
    count = f"{len(moved)} figure{'s' if len(moved) > 1 else ''}"
    lines = "\n".join(f"- {plain(line)}" for line in changed_figures(moved, measures))
    st.error(f"Nothing was saved: {count} changed after {since}.\n\n{lines}\n\n{next_step}", icon=":material/sync_problem:")


def forget_plan() -> None:
    """The upload refusal's button: plan the same file again, against the figures as they are now."""
    st.session_state.pop("upload_plan", None)
    st.session_state.pop("upload_stale", None)
