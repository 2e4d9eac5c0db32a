"""Streamlit glue for data entry: the validation report, the preview of changes, the form's fields.

User text (file names, commentary, cell values) is only ever shown in tables
or plain text, never as HTML.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from kpicore import store
from kpicore.files.csv_writer import write_csv
from kpicore.periods import label
from kpicore.vocab import BAND_STYLE, Band, PerformanceGroup, Unit
from kpicore.workflows import submission
from ui import data
from ui.identity import plain
from ui.present import band_text, format_value

SHOWN = 200
"""Rows of a report or preview shown on the page; the download has them all."""


def band_chip(band: str) -> str:
    """A band as a coloured chip with its symbol and words: our own constant text, escaped."""
    style = BAND_STYLE[Band(band)]
    return (
        f'<span style="display:inline-block;padding:2px 8px;border:1px solid #555;border-radius:4px;'
        f'background:{style["fill"]};color:{style["text"]}">{html.escape(band_text(band))}</span>'
    )


def report(plan: submission.Plan, key: str) -> None:
    """The refusal: every problem with row, column, the value found and what is allowed."""
    st.error(f"{plain(plan.summary())} Correct the file and upload it again.", icon=":material/block:")
    table = pd.DataFrame(
        [{"Row": p.row, "Column": p.column or "", "Value": p.value, "Problem": p.message} for p in plan.problems]
    )
    table["Row"] = table["Row"].map(lambda r: "" if pd.isna(r) else str(int(r)))
    if len(table) > SHOWN:
        st.caption(f"The first {SHOWN} of {len(table)} problems; download the report for all of them.")
    st.table(table.head(SHOWN), hide_index=True)
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
        st.caption(f"The first {SHOWN} of {len(table)} changes; download the preview for all of them.")
    st.table(table.head(SHOWN), hide_index=True)
    st.download_button(
        "Download the preview (CSV)", write_csv(changes), file_name="preview.csv", mime="text/csv",
        key=f"{key}_preview",
    )


def figure_fields(row: pd.Series, period: str, preview_row: pd.Series | None) -> dict:
    """One measure on the monthly form: what it is, last figure and target, then value, band, commentary, group."""
    unit = Unit(row["unit"])
    with st.container(border=True):
        about, value_column, words = st.columns([4, 2, 4])
        about.markdown(f"**{plain(row['measure'])}**")
        last = "none" if pd.isna(row["last_value"]) else f"{format_value(row['last_value'], unit)} ({label(row['last_period'])})"
        target = "none" if pd.isna(row["target"]) else format_value(row["target"], unit)
        about.caption(f"Last: {last} · Target: {target} · {unit.label}")
        prefill = _prefill(row)
        typed = value_column.text_input(
            f"{label(period)} value", value=prefill["value"], key=f"value_{period}_{row['measure_id']}",
            placeholder="e.g. 77.6" if unit is Unit.PERCENT else "e.g. 52",
        )
        if preview_row is not None and isinstance(preview_row.get("problem"), str):
            value_column.error(preview_row["problem"])
        elif preview_row is not None and isinstance(preview_row.get("band"), str):
            value_column.markdown(band_chip(preview_row["band"]), unsafe_allow_html=True)
            if preview_row["band"] in submission.WORSE:
                value_column.caption("Worse than target: commentary is required.")
        commentary = words.text_area(
            "Commentary", value=prefill["commentary"],
            key=f"commentary_{period}_{row['measure_id']}", height=68,
        )
        groups = ["", *[g.value for g in PerformanceGroup]]
        group = words.selectbox(
            "Performance group", groups, index=groups.index(prefill["performance_group"]), key=f"group_{period}_{row['measure_id']}",
            format_func=lambda g: g or "(not set)",
        )
    return {"measure_id": row["measure_id"], "value": typed, "commentary": commentary, "performance_group": group or None}


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


def _prefill(row: pd.Series) -> dict:
    return {
        "value": "" if pd.isna(row["value"]) else f"{row['value']:g}",
        "commentary": "" if pd.isna(row["commentary"]) else row["commentary"],
        "performance_group": row["performance_group"] if isinstance(row["performance_group"], str) else "",
    }


def typed(rows: pd.DataFrame, period: str) -> pd.DataFrame:
    """What the form holds right now (typed, or pre-filled from what is recorded), before it is drawn,
    so that each value's band can be shown beside it."""
    entries = []
    for _, row in rows.iterrows():
        prefill = _prefill(row)
        entries.append({
            "measure_id": row["measure_id"],
            **{
                field: st.session_state.get(f"{key}_{period}_{row['measure_id']}", prefill[field])
                for field, key in (("value", "value"), ("commentary", "commentary"), ("performance_group", "group"))
            },
        })
    frame = pd.DataFrame(entries, columns=["measure_id", "value", "commentary", "performance_group"])
    return frame


def form_report(problems: list, rows: pd.DataFrame) -> pd.DataFrame:
    """The form's problems by measure: row ``n`` is the ``n``-th measure shown."""
    names = rows["measure"].tolist()
    return pd.DataFrame({
        "Measure": [names[p.row - 1] if p.row else "" for p in problems],
        "Field": [p.column or "" for p in problems],
        "Value": [p.value for p in problems],
        "Problem": [p.message for p in problems],
    })


def flash(message: str) -> None:
    """Show ``message`` after a rerun, so that the page redraws with what was just saved."""
    st.session_state["flash"] = plain(message)
    st.rerun()


def show_flash() -> None:
    if message := st.session_state.pop("flash", None):
        st.success(message, icon=":material/check_circle:")


# --- what the person saw: a save is checked against it ---------------------------------------------


def filled_from(rows: pd.DataFrame, period: str) -> store.Seen:
    """What each field of the form was filled from (version and value), remembered when it was first drawn.

    Call before the fields are drawn. A field not yet in the session (first shown, or shown again
    after another month or area) is being filled now, from ``rows``; a field already there keeps
    what it was filled from, whatever has been recorded since."""
    now = submission.form_seen(rows, period)
    for measure_id in rows["measure_id"]:
        if f"value_{period}_{measure_id}" not in st.session_state or f"seen_{period}_{measure_id}" not in st.session_state:
            st.session_state[f"seen_{period}_{measure_id}"] = now[(measure_id, period)]
    return {(m, period): st.session_state[f"seen_{period}_{m}"] for m in rows["measure_id"]}


def moved_since(seen: store.Seen, entries: pd.DataFrame, period: str) -> None:
    """Refuse (``store.StaleFigures``) if a figure the form would save was recorded again after its field was filled.

    Checked after the form is planned and before its problems are told, so that the person hears first
    that a colleague changed a figure (not that the colleague's figure now needs a commentary, or a reason);
    a figure recorded after this check is refused by the write itself, in its transaction."""
    given = entries.loc[entries["value"].fillna("").astype(str).str.strip() != "", "measure_id"]
    keys = pd.DataFrame({"measure_id": given.to_numpy(), "period": period})
    current = store.current_versions(data.database(), keys)
    now = store.seen_versions(current, keys)
    latest = current.set_index(["measure_id", "period"])
    moved = [
        {
            "measure_id": key[0], "period": key[1], "seen_value": seen[key][1],
            **latest.loc[key, ["value", "recorded_by", "recorded_at"]].to_dict(),
        }
        for key in now if now[key][0] != seen[key][0]
    ]
    if moved:
        raise store.StaleFigures(moved)


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


def reload_fields(period: str, measure_ids: list[str]) -> None:
    """Fill the fields of ``measure_ids`` with what is recorded now, and remember that they were filled
    from it. Only before the fields are drawn: in a button's callback, or at the top of a run."""
    rows = submission.form_rows(data.snapshot(), measure_ids, period)
    now = submission.form_seen(rows, period)
    for _, row in rows.iterrows():
        prefill, measure_id = _prefill(row), row["measure_id"]
        st.session_state[f"value_{period}_{measure_id}"] = prefill["value"]
        st.session_state[f"commentary_{period}_{measure_id}"] = prefill["commentary"]
        st.session_state[f"group_{period}_{measure_id}"] = prefill["performance_group"]
        st.session_state[f"seen_{period}_{measure_id}"] = now[(measure_id, period)]


def reload_changed(period: str, measure_ids: list[str]) -> None:
    """The refusal's button: the changed figures' fields refilled with the latest, the others as typed."""
    reload_fields(period, measure_ids)
    st.session_state.pop("submit_stale", None)
    count = f"{len(measure_ids)} figure{'s' if len(measure_ids) > 1 else ''}"
    st.session_state["submit_reloaded"] = (
        f"Reloaded {count} with the latest recorded values; your other entries are as you typed them. "
        "Check them, change what you need, then save again."
    )


def forget_plan() -> None:
    """The upload refusal's button: plan the same file again, against the figures as they are now."""
    st.session_state.pop("upload_plan", None)
    st.session_state.pop("upload_stale", None)
